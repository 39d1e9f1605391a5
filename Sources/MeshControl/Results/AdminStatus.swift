/// `admin.status`.
public struct AdminStatus: Codable, Sendable {
    public let nodeId: String
    public let department: String
    public let listen: String?
    public let uptimeSeconds: Int
    public let ops: Int
    public let origins: Int
    public let dbBytes: Int
    public let peersConnected: Int
    /// Why staff writes are refused for now (a restored store waiting to hear its own history
    /// from a peer), or nil when they are accepted.
    public let writesPaused: String?

    public init(
        nodeId: String, department: String, listen: String?, uptimeSeconds: Int, ops: Int, origins: Int, dbBytes: Int,
        peersConnected: Int, writesPaused: String? = nil
    ) {
        self.nodeId = nodeId
        self.department = department
        self.listen = listen
        self.uptimeSeconds = uptimeSeconds
        self.ops = ops
        self.origins = origins
        self.dbBytes = dbBytes
        self.peersConnected = peersConnected
        self.writesPaused = writesPaused
    }
}
