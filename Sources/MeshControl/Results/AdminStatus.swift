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
    /// The origins whose ops are held back: stamped too far ahead of this node's clock, kept
    /// and relayed but not applied until the clock catches up (empty: none; nil: a daemon
    /// older than held-back ops).
    public let heldBack: [HeldBackOrigin]?
    /// False while the node takes in a large history and leaves its search index to be built at
    /// the end (search refuses until then); nil: a daemon older than that.
    public let searchIndexReady: Bool?

    public struct HeldBackOrigin: Codable, Sendable, Equatable {
        public let origin: String
        public let department: String?
        /// How many of its ops, from `fromSeq` on (the tail of its chain here).
        public let ops: Int
        public let fromSeq: Int
        /// How far ahead of this node's clock the first was stamped when it was held back, and when
        /// (this node's wall clock) it is due.
        public let aheadMs: Int
        public let dueMs: Int

        public init(origin: String, department: String?, ops: Int, fromSeq: Int, aheadMs: Int, dueMs: Int) {
            self.origin = origin
            self.department = department
            self.ops = ops
            self.fromSeq = fromSeq
            self.aheadMs = aheadMs
            self.dueMs = dueMs
        }
    }

    public init(
        nodeId: String, department: String, listen: String?, uptimeSeconds: Int, ops: Int, origins: Int, dbBytes: Int,
        peersConnected: Int, opsBreakingRules: Int, opsUnknown: Int, writesPaused: String? = nil,
        heldBack: [HeldBackOrigin]? = [], searchIndexReady: Bool? = true
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
        self.heldBack = heldBack
        self.searchIndexReady = searchIndexReady
    }
}
