extension API {
    /// `themes.list`: the themes defined here, and theme codes ideas carry that none defines.
    public enum ThemesList: ControlMethod {
        public static let name = "themes.list"
        public static let access = ControlAccess.anyone
        public typealias Result = ThemeList

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["archived"]
            public var archived: Bool?

            public init(archived: Bool? = nil) {
                self.archived = archived
            }
        }
    }
}
