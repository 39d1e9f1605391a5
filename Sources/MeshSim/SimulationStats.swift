import MeshWire

/// Counters a run keeps as it goes; `SimulationReport` turns them into figures.
struct SimulationStats {
    typealias Traffic = (sent: SimNode.Traffic, received: SimNode.Traffic)

    /// Kinds of sync message, for bytes and counts by kind.
    enum Kind: Int, CaseIterable {
        case hello, fullHave, digestHave, batch, other

        var name: String {
            switch self {
            case .hello: "hello"
            case .fullHave: "have_full"
            case .digestHave: "have_digest"
            case .batch: "batch"
            case .other: "other"
            }
        }

        init(_ message: SyncMessage) {
            switch message {
            case .hello: self = .hello
            case .have: self = .fullHave
            case .haveDigest: self = .digestHave
            case .batch: self = .batch
            default: self = .other
            }
        }
    }

    var firstWriteMillis: UInt64?
    var convergedMillis: UInt64?
    var convergedIdeas = 0
    /// Per node, what it had sent and received at the first write and at convergence.
    var atFirstWrite: [Traffic] = []
    var atConvergence: [Traffic] = []
    var linksAtFirstWrite = 0
    var degreeAtFirstWrite: [Int] = []
    /// Per (idea, node), the origin included (0 hops, 0 ms): links the idea crossed to reach the
    /// node, and virtual time from its write.
    var deliveryHops: [UInt16] = []
    var deliveryMillis: [UInt64] = []

    var batchesReceived = 0, duplicateOps = 0
    var gaps = 0, gapHaves = 0, refusedBatches = 0, forks = 0
    var messagesSent = 0, lost = 0, partitioned = 0
    var dials = 0, refusedConnections = 0, handshakeTimeouts = 0, idleTimeouts = 0, duplicateLinks = 0, closes = 0
    /// Rotation: dials made although full, links closed for a rotation, links trimmed.
    var rotationDials = 0, rotations = 0, trimmed = 0
    var handshakeBytes = 0
    var kindMessages = [Int](repeating: 0, count: Kind.allCases.count)
    var kindBytes = [Int](repeating: 0, count: Kind.allCases.count)
    var events: UInt64 = 0

    // Set on snapshots (the in-sync window's ends).
    var snapshotMillis: UInt64 = 0
    var openLinks = 0
    var traffic: [Traffic] = []

    mutating func count(_ message: SyncMessage, wireBytes: Int) {
        let kind = Kind(message).rawValue
        kindMessages[kind] += 1
        kindBytes[kind] += wireBytes
    }
}
