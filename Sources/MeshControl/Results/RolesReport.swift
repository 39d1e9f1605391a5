/// `roles.list`.
public struct RolesReport: Codable, Sendable {
    /// By department, then login.
    public let roles: [Assignment]
    /// The status workflow of the department asked for.
    public let workflow: WorkflowReport

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

    public struct WorkflowReport: Codable, Sendable {
        /// The department (its node id), and its name when known.
        public let origin: String
        public let department: String?
        /// Whether it is this node's own department.
        public let own: Bool?
        /// The moves an idea's status may make there, each `from>to`.
        public let moves: [String]
        /// Whether its admins set it (else it is the standard one).
        public let set: Bool?
        /// Whether the department has given anyone a role (else all its staff may edit its ideas and move their status).
        public let rolesGiven: Bool?

        public init(origin: String, department: String?, own: Bool?, moves: [String], set: Bool?, rolesGiven: Bool?) {
            self.origin = origin
            self.department = department
            self.own = own
            self.moves = moves
            self.set = set
            self.rolesGiven = rolesGiven
        }
    }

    public init(roles: [Assignment], workflow: WorkflowReport) {
        self.roles = roles
        self.workflow = workflow
    }
}
