/// `ping`: the node, its department, the caller as the daemon sees them, and the protocol version.
public struct PingInfo: Codable, Sendable, Equatable {
    public let nodeId: String
    public let department: String
    /// The caller's login name.
    public let user: String
    /// Whether the caller is an admin (and so a leader).
    public let admin: Bool
    public let protocolVersion: Int

    public init(nodeId: String, department: String, user: String, admin: Bool, protocolVersion: Int) {
        self.nodeId = nodeId
        self.department = department
        self.user = user
        self.admin = admin
        self.protocolVersion = protocolVersion
    }
}
