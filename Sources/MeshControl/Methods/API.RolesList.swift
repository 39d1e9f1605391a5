extension API {
    /// `roles.list`: the roles given at every department held here, and a department's status
    /// workflow (this one's unless `origin` names another).
    public enum RolesList: ControlMethod {
        public static let name = "roles.list"
        public static let access = ControlAccess.anyone
        public typealias Result = RolesReport

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["origin"]
            public var origin: String?

            public init(origin: String? = nil) {
                self.origin = origin
            }
        }
    }
}
