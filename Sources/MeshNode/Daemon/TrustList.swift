import MeshCRDT
import Synchronization

/// The node ids allowed to connect, shared between the loop (which replaces it on SIGHUP) and
/// the secure channels (which consult it during handshakes).
final class TrustList: Sendable {
    private let nodes: Mutex<Set<NodeID>>

    init(_ nodes: [NodeID]) {
        self.nodes = Mutex(Set(nodes))
    }

    func contains(_ node: NodeID) -> Bool { nodes.withLock { $0.contains(node) } }

    var all: Set<NodeID> { nodes.withLock { $0 } }

    /// Replaces the list; returns the ids that were removed.
    @discardableResult
    func replace(with new: [NodeID]) -> Set<NodeID> {
        nodes.withLock { current in
            let removed = current.subtracting(new)
            current = Set(new)
            return removed
        }
    }
}
