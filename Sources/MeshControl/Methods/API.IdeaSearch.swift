extension API {
    /// `idea.search`: ideas and comments holding all the words of `text`, best first.
    public enum IdeaSearch: ControlMethod {
        public static let name = "idea.search"
        public static let access = ControlAccess.anyone
        public typealias Result = SearchResults

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["text", "limit"]
            public var text: String
            public var limit: Int?

            public init(text: String, limit: Int? = nil) {
                self.text = text
                self.limit = limit
            }
        }
    }
}
