extension API {
    /// `role.set`: a person's role at this department (staff, leader, admin), replicated to
    /// every node (Protocol/README.md, "Roles and the status workflow"). For the department's
    /// admins and the node's.
    public enum RoleSet: ControlMethod {
        public static let name = "role.set"
        public static let access = ControlAccess.departmentAdmin
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
