import MeshCRDT
import MeshStore
import MeshWire

/// What the control API reads of the mesh, taken on the loop thread at one moment: this node,
/// its links, the addresses it dials, and what it remembers of peers and their departments.
/// Values only: the control API reads no `Mesh` or `PeerLink` internals, and asks `Mesh` to act.
struct MeshSnapshot {
    /// One open link.
    struct Link {
        let id: Int
        /// Known once the handshake is done.
        let peer: NodeID?
        /// The department the peer's handshake gave ("" before).
        let department: String
        let remote: String
        let isOutbound: Bool
        /// The handshake is done with a trusted node.
        let isEstablished: Bool
        /// Closing (its Goodbye or error is on the way).
        let isClosed: Bool
        /// Past the peer's Hello: the sync session runs.
        let isSyncing: Bool
        /// What the peer is known to hold (its last Have, plus what was sent since).
        let peerVector: VersionVector
        let stats: PeerLink.Stats
        /// What the two nodes use, once past the peer's Hello.
        let negotiated: NegotiatedVersions?
        /// Messages of kinds this node does not know, skipped.
        let skippedMessages: Int
    }

    /// An address this node dials (a seed, or one a trusted peer gave).
    struct Target {
        let address: String
        let node: NodeID?
        let isSeed: Bool
        /// A link to it is open (dialled there, or with its node).
        let isLinked: Bool
        let failures: Int
        let lastError: String?
        let notBeforeMillis: UInt64
    }

    let selfID: NodeID
    let department: String
    /// Where peers reach this node (host and the port bound), when it listens.
    let listen: String?
    let startedMillis: UInt64
    /// The mesh's monotonic clock when taken.
    let nowMillis: UInt64
    let localVector: VersionVector
    /// Open links, by id.
    let links: [Link]
    let targets: [Target]
    /// What this node remembers of each peer node since it started.
    let remembered: [NodeID: Mesh.PeerMemory]
    /// Nodes whose Hello shared no protocol version with this node's.
    let incompatible: [NodeID: Mesh.IncompatiblePeer]
    /// Department names known here: this node's, its peers' handshakes, and what trusted peers
    /// told of nodes it has no link to.
    let departments: Departments
    /// Why local writes are paused, or nil.
    let writePause: WritePause?

    /// Links past their Hello, by peer (what `admin.replication`, `where` and `verify` speak of).
    var syncingPeers: [(node: NodeID, vector: VersionVector)] {
        links.compactMap { link in
            guard let peer = link.peer, link.isEstablished, link.isSyncing else { return nil }
            return (peer, link.peerVector)
        }.sorted { $0.node < $1.node }
    }
}

extension Mesh {
    /// The mesh as it is now. Loop thread.
    func snapshot() -> MeshSnapshot {
        loop.preconditionOnLoopThread()
        let linkViews = links.values.sorted { $0.id < $1.id }.map { link in
            MeshSnapshot.Link(
                id: link.id, peer: link.peer, department: link.peerDepartment, remote: link.remote, isOutbound: link.isOutbound,
                isEstablished: link.isEstablished, isClosed: link.isClosed, isSyncing: !link.isClosed && link.session.phase == .syncing,
                peerVector: link.session.peer, stats: link.stats, negotiated: link.session.negotiated,
                skippedMessages: link.session.skippedMessages)
        }
        let connected = Set(links.values.filter(\.isEstablished).compactMap(\.peer))
        let targetViews = membership.targets.sorted { $0.target.description < $1.target.description }.map { target in
            MeshSnapshot.Target(
                address: target.target.description, node: target.node, isSeed: target.isSeed,
                isLinked: target.link.map { links[$0] != nil } == true || target.node.map(connected.contains) == true,
                failures: target.failures, lastError: lastErrors[target.target], notBeforeMillis: target.notBeforeMillis)
        }
        return MeshSnapshot(
            selfID: selfID, department: settings.department,
            listen: settings.listen.map { PeerAddress(host: $0.host, port: Int(listenPort)).description },
            startedMillis: startedMillis, nowMillis: nowMillis(), localVector: localVector,
            links: linkViews, targets: targetViews, remembered: remembered, incompatible: incompatible, departments: departmentNames(),
            writePause: writePause)
    }

    /// Department names known here: this node's, those peers gave in their handshakes since the
    /// daemon started, and (for nodes it has not linked to) those trusted peers told of in peer
    /// exchange. Loop thread.
    func departmentNames() -> Departments {
        loop.preconditionOnLoopThread()
        var names = toldDepartments
        for (node, memory) in remembered where !memory.department.isEmpty { names[node] = memory.department }
        for link in links.values {
            if let peer = link.peer, !link.peerDepartment.isEmpty { names[peer] = link.peerDepartment }
        }
        names[selfID] = settings.department
        return names
    }

    /// An admin resolved the fork of `origin`: every link streams that origin again, and asks
    /// its peer to resend from what this node holds (what the peers sent of the blocked origin
    /// was dropped). Loop thread.
    func forkResolved(_ origin: NodeID) {
        loop.preconditionOnLoopThread()
        for link in links.values {
            link.forkResolved(origin: origin)
            link.resync()
        }
    }

    /// The open link past its Hello with `node`, to ask for its state digest. Loop thread.
    func syncingLink(to node: NodeID) -> PeerLink? {
        loop.preconditionOnLoopThread()
        return links.values.first { $0.peer == node && !$0.isClosed && $0.session.phase == .syncing }
    }
}
