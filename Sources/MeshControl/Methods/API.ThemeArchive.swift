extension API {
    /// `theme.archive`: a theme archived (leaders).
    public enum ThemeArchive: ControlMethod {
        public static let name = "theme.archive"
        public static let access = ControlAccess.leader
        public typealias Result = WrittenOp

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["code"]
            public var code: String

            public init(code: String) {
                self.code = code
            }
        }
    }
}
