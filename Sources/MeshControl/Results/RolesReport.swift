/// `roles.list`.
public struct RolesReport: Codable, Sendable {
    /// By department (origin), then login.
    public let roles: [Assignment]
    /// The department whose workflow this is (its node id), and its name when known.
    public let origin: String
    public let department: String?
    /// The moves an idea's status may make there, each `from>to`.
    public let workflow: [String]
    /// Whether its admins set the workflow (else it is the standard one).
    public let workflowSet: Bool?

    public struct Assignment: Codable, Sendable {
        public let origin: String
        public let department: String?
        public let login: String
        /// Their display name, when they gave one.
        public let name: String?
        public let role: String
        public let setMs: Int?

        public init(origin: String, department: String?, login: String, name: String?, role: String, setMs: Int?) {
            self.origin = origin
            self.department = department
            self.login = login
            self.name = name
            self.role = role
            self.setMs = setMs
        }
    }

    public init(roles: [Assignment], origin: String, department: String?, workflow: [String], workflowSet: Bool?) {
        self.roles = roles
        self.origin = origin
        self.department = department
        self.workflow = workflow
        self.workflowSet = workflowSet
    }
}
