import MeshCRDT
import MeshWire

/// One simulated department node: its identity, its ops (in memory, `OpLog`), its open links and
/// what it remembers of the nodes it dials.
struct SimNode {
    /// Dial state of one other node, as `Mesh.DialTarget` keeps it per address.
    struct DialState {
        var failures = 0
        var notBeforeMillis: UInt64 = 0
    }

    struct Traffic {
        var bytes = 0, messages = 0

        mutating func add(_ bytes: Int) {
            self.bytes += bytes
            messages += 1
        }
    }

    let index: Int
    let identity: NodeIdentity
    let department: String
    var log = OpLog()
    /// Per origin, per op held: the links it crossed from its origin to reach this node (0: written
    /// here, or part of the history every node started with).
    var hops: [Int: [UInt16]] = [:]
    var clock = HybridClock()
    /// Open links (handshaking or established), in the order they opened.
    var links: [Int] = []
    var dial: [Int: DialState] = [:]
    var lastFullScanMillis: UInt64?
    /// When this node next rotates its links (nil: rotation off), and the link a rotation dialled,
    /// until its Hello arrives or it closes (`Mesh.rotatingTo`).
    var nextRotationMillis: UInt64?
    var rotatingLink: Int?
    var sent = Traffic(), received = Traffic()

    var id: NodeID { identity.nodeID }
}
