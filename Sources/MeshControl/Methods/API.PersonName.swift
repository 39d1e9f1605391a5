extension API {
    /// `person.name`: the caller's display name at this department, shown instead of their login
    /// on every node (Protocol/README.md, "People").
    public enum PersonName: ControlMethod {
        public static let name = "person.name"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["name"]
            public var name: String

            public init(name: String) {
                self.name = name
            }
        }
    }
}
