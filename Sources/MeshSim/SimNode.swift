import MeshCRDT
import MeshWire

/// One simulated department node: its identity, its ops (in memory, `OpLog`), its open links and
/// its membership state machine (`Membership`, the daemon's own), whose targets are the other
/// nodes' indexes.
struct SimNode {
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
    /// Open links (handshaking or established), in the order they opened: the simulation's ids.
    var links: [Int] = []
    var membership: Membership<Int>
    /// The simulation's link for each of `membership`'s link ids.
    var linkOf: [Membership<Int>.LinkID: Int] = [:]
    var sent = Traffic(), received = Traffic()

    var id: NodeID { identity.nodeID }
}
