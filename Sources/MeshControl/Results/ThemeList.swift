/// `themes.list`.
public struct ThemeList: Codable, Sendable {
    public let themes: [Theme]
    /// Theme codes that ideas carry but no leader defined here (older nodes did not check).
    public let undefined: [Use]?

    public struct Theme: Codable, Sendable {
        public let code: String
        public let name: String
        public let description: String?
        public let archived: Bool?
        /// How many ideas carry it.
        public let ideas: Int?

        public init(code: String, name: String, description: String?, archived: Bool?, ideas: Int?) {
            self.code = code
            self.name = name
            self.description = description
            self.archived = archived
            self.ideas = ideas
        }
    }

    public struct Use: Codable, Sendable {
        public let code: String
        public let ideas: Int

        public init(code: String, ideas: Int) {
            self.code = code
            self.ideas = ideas
        }
    }

    public init(themes: [Theme], undefined: [Use]?) {
        self.themes = themes
        self.undefined = undefined
    }
}
