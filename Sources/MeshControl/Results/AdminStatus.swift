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
    /// Ops held that break a content rule: stored, chained and relayed, without effect.
    public let opsBreakingRules: Int
    /// Ops held whose body this version cannot read: without effect until a version that reads
    /// them opens the store.
    public let opsUnknown: Int

    public init(
        nodeId: String, department: String, listen: String?, uptimeSeconds: Int, ops: Int, origins: Int, dbBytes: Int,
        peersConnected: Int, opsBreakingRules: Int, opsUnknown: Int, writesPaused: String? = nil
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
        self.opsBreakingRules = opsBreakingRules
        self.opsUnknown = opsUnknown
    }
}
