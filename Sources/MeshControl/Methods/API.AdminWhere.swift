extension API {
    /// `admin.where`: which peers hold an idea and its latest change.
    public enum AdminWhere: ControlMethod {
        public static let name = "admin.where"
        public static let access = ControlAccess.admin
        public typealias Result = WhereReport

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["id"]
            public var id: String

            public init(id: String) {
                self.id = id
            }
        }
    }
}
