import MeshCRDT
import Synchronization

/// The node ids allowed to connect, shared between the loop (which changes it on SIGHUP and on
/// `admin.trust.*` requests) and the secure channels (which consult it during handshakes).
///
/// Two sources, merged: the config's `[trust] nodes` and the admin-managed file
/// `DATA/trusted-nodes` (see `TrustFile`). A node in both counts as the config's.
final class TrustList: Sendable {
    enum Source: String, Sendable {
        case config, admin
    }

    private struct Lists {
        var config: Set<NodeID>
        var admin: Set<NodeID>
        var all: Set<NodeID> { config.union(admin) }
    }

    private let lists: Mutex<Lists>

    init(config: [NodeID], admin: [NodeID] = []) {
        lists = Mutex(Lists(config: Set(config), admin: Set(admin)))
    }

    func contains(_ node: NodeID) -> Bool { lists.withLock { $0.config.contains(node) || $0.admin.contains(node) } }

    var all: Set<NodeID> { lists.withLock { $0.all } }

    /// Where the node's trust comes from, or nil when it is not trusted.
    func source(of node: NodeID) -> Source? {
        lists.withLock { $0.config.contains(node) ? .config : $0.admin.contains(node) ? .admin : nil }
    }

    /// Every trusted node with its source, by node id.
    var entries: [(node: NodeID, source: Source)] {
        lists.withLock { lists in lists.all.sorted().map { ($0, lists.config.contains($0) ? .config : .admin) } }
    }

    /// The admin-managed nodes (what `DATA/trusted-nodes` holds).
    var adminNodes: Set<NodeID> { lists.withLock { $0.admin } }

    /// Replaces both lists (start, SIGHUP); returns the ids that are no longer trusted.
    @discardableResult
    func replace(config: [NodeID], admin: [NodeID]) -> Set<NodeID> {
        lists.withLock { lists in
            let before = lists.all
            lists = Lists(config: Set(config), admin: Set(admin))
            return before.subtracting(lists.all)
        }
    }

    /// Replaces the admin-managed list; returns the ids that are no longer trusted.
    @discardableResult
    func replace(admin: Set<NodeID>) -> Set<NodeID> {
        lists.withLock { lists in
            let before = lists.all
            lists.admin = admin
            return before.subtracting(lists.all)
        }
    }
}
