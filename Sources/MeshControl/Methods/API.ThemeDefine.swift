extension API {
    /// `theme.define`: a theme defined (leaders).
    public enum ThemeDefine: ControlMethod {
        public static let name = "theme.define"
        public static let access = ControlAccess.leader
        public typealias Result = WrittenOp

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["code", "name", "description"]
            public var code: String
            public var name: String
            public var description: String?

            public init(code: String, name: String, description: String? = nil) {
                self.code = code
                self.name = name
                self.description = description
            }
        }
    }
}
