extension API {
    /// `import`: ideas from rows, all written or none (CONTROL.md §5.4).
    public enum Import: ControlMethod {
        public static let name = "import"
        public static let access = ControlAccess.anyone
        public typealias Result = ImportResult

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["rows", "anonymous"]
            public var rows: [JSONValue]
            public var anonymous: Bool?

            public init(rows: [JSONValue], anonymous: Bool? = nil) {
                self.rows = rows
                self.anonymous = anonymous
            }
        }
    }
}
