/// `admin.verify`.
public struct VerifyResult: Codable, Sendable {
    public let peer: String
    public let equal: Bool
    public let firstDifferingOrigin: String?
    /// This node's state digest, and the peer's.
    public let digest: String?
    public let peerDigest: String?

    public init(
        peer: String, equal: Bool, firstDifferingOrigin: String?, digest: String?, peerDigest: String?
    ) {
        self.peer = peer
        self.equal = equal
        self.firstDifferingOrigin = firstDifferingOrigin
        self.digest = digest
        self.peerDigest = peerDigest
    }
}
