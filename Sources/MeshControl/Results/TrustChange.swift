/// `admin.trust.add` and `admin.trust.remove`.
public struct TrustChange: Codable, Sendable {
    public let nodeId: String
    /// Where the trust comes from (`config` or `admin`); absent once removed.
    public let source: String?
    /// False when the list already was that way (a node added twice).
    public let changed: Bool?

    public init(nodeId: String, source: String?, changed: Bool?) {
        self.nodeId = nodeId
        self.source = source
        self.changed = changed
    }
}
