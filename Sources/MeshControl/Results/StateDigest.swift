/// `admin.digest`.
public struct StateDigest: Codable, Sendable {
    public let digest: String
    public let ops: Int
    public let heads: [String: Int]

    public init(digest: String, ops: Int, heads: [String: Int]) {
        self.digest = digest
        self.ops = ops
        self.heads = heads
    }
}
