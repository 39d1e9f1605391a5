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

    public init(
        nodeId: String, department: String, listen: String?, uptimeSeconds: Int, ops: Int, origins: Int, dbBytes: Int,
        peersConnected: Int
    ) {
        self.nodeId = nodeId
        self.department = department
        self.listen = listen
        self.uptimeSeconds = uptimeSeconds
        self.ops = ops
        self.origins = origins
        self.dbBytes = dbBytes
        self.peersConnected = peersConnected
    }
}
