extension API {
    /// `admin.role`: a person's role at this department (staff, leader, admin), replicated to
    /// every node (Protocol/README.md, "Roles and the status workflow").
    public enum AdminRole: ControlMethod {
        public static let name = "admin.role"
        public static let access = ControlAccess.admin
        public typealias Result = WrittenOp

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["login", "role"]
            public var login: String
            public var role: String

            public init(login: String, role: String) {
                self.login = login
                self.role = role
            }
        }
    }
}
