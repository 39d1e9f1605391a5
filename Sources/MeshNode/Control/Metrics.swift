import MeshCRDT
import MeshStore

/// `admin.metrics`: the node's counters in the Prometheus text exposition format (version
/// 0.0.4). The mesh's part is taken on the loop thread; the store's is added off it.
struct MetricsSnapshot: Sendable {
    struct Peer: Sendable {
        var node: NodeID
        var connected: Bool
        var bytesIn = 0, bytesOut = 0, opsIn = 0, opsOut = 0
        /// Messages of kinds this node does not know (a newer peer's), skipped.
        var messagesSkipped = 0
        /// Ops this node holds that the peer is not known to hold (connected peers only).
        var opsBehind: UInt64?
    }

    var ops: UInt64
    var origins: Int
    var peersConnected: Int
    var peers: [Peer]
    /// Nodes that share no protocol version with this one (PROTOCOL.md §6).
    var incompatiblePeers: Int
    var uptimeSeconds: UInt64

    /// The exposition: a `# HELP` and `# TYPE` line per metric family, then its samples.
    func text(counts: StoreCounts, databaseBytes: Int64) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples { out += "\(name)\(sample.labels) \(sample.value)\n" }
        }
        func one(_ value: some BinaryInteger) -> [(labels: String, value: String)] { [("", "\(value)")] }
        func perPeer(_ value: (Peer) -> Int?) -> [(labels: String, value: String)] {
            peers.compactMap { peer in value(peer).map { ("{node_id=\"\(peer.node.base32)\"}", "\($0)") } }
        }
        family("ideamesh_ops_total", "counter", "Ops held in the store, of every origin.", one(ops))
        family("ideamesh_origins", "gauge", "Origins (departments' nodes) whose ops are held.", one(origins))
        family("ideamesh_ideas", "gauge", "Ideas held.", one(counts.ideas))
        family("ideamesh_conflicts", "gauge", "Ideas with concurrent values in a field or the status.", one(counts.conflicts))
        family("ideamesh_forks", "gauge", "Quarantined fork ops waiting for an admin.", one(counts.forks))
        family("ideamesh_forked_origins", "gauge", "Origins blocked by an unresolved fork.", one(counts.forkedOrigins))
        family("ideamesh_ops_without_effect", "gauge",
               "Ops held without effect: reason=\"content\" breaks a content rule, reason=\"unknown\" a body this version cannot read.",
               IneffectiveOp.Kind.allCases.map { ("{reason=\"\($0.rawValue)\"}", "\(counts.ineffective[$0] ?? 0)") })
        family("ideamesh_held_ops", "gauge", "Ops held back: stamped too far ahead of this node's clock, kept but not applied yet.",
               one(counts.heldOps))
        family("ideamesh_held_origins", "gauge", "Origins with ops held back.", one(counts.heldOrigins))
        family("ideamesh_peers_connected", "gauge", "Peer connections past their handshake.", one(peersConnected))
        family("ideamesh_peer_connected", "gauge", "1 while a peer is connected, 0 after it was.", perPeer { $0.connected ? 1 : 0 })
        family("ideamesh_peer_bytes_in_total", "counter", "Bytes received from a peer since the daemon started.", perPeer(\.bytesIn))
        family("ideamesh_peer_bytes_out_total", "counter", "Bytes sent to a peer since the daemon started.", perPeer(\.bytesOut))
        family("ideamesh_peer_ops_in_total", "counter", "Ops received from a peer since the daemon started.", perPeer(\.opsIn))
        family("ideamesh_peer_ops_out_total", "counter", "Ops sent to a peer since the daemon started.", perPeer(\.opsOut))
        family("ideamesh_peer_messages_skipped_total", "counter", "Messages of kinds this node does not know, from a peer, skipped.",
               perPeer(\.messagesSkipped))
        family("ideamesh_incompatible_peers", "gauge", "Nodes whose Hello shared no protocol version with this node: one of the two must be upgraded.",
               one(incompatiblePeers))
        family("ideamesh_peer_ops_behind", "gauge", "Ops this node holds that a connected peer is not known to hold.",
               perPeer { $0.opsBehind.map { Int($0) } })
        family("ideamesh_db_bytes", "gauge", "Size of the store's database file and its WAL.", one(databaseBytes))
        family("ideamesh_uptime_seconds", "gauge", "Seconds since the daemon started.", one(uptimeSeconds))
        return out
    }
}

extension ControlHandler {
    /// The mesh's counters, on the loop thread: every peer connected since the start, its closed
    /// links' traffic plus its open links'.
    func metricsSnapshot() -> MetricsSnapshot {
        let mesh = mesh.snapshot()
        var peers = [NodeID: MetricsSnapshot.Peer]()
        for (node, memory) in mesh.remembered {
            peers[node] = MetricsSnapshot.Peer(
                node: node, connected: false, bytesIn: memory.bytesIn, bytesOut: memory.bytesOut, opsIn: memory.opsIn, opsOut: memory.opsOut,
                messagesSkipped: memory.messagesSkipped)
        }
        let local = mesh.localVector
        for link in mesh.links {
            guard let node = link.peer else { continue }
            var peer = peers[node] ?? MetricsSnapshot.Peer(node: node, connected: false)
            peer.bytesIn += link.stats.bytesIn
            peer.bytesOut += link.stats.bytesOut
            peer.opsIn += link.stats.opsIn
            peer.opsOut += link.stats.opsOut
            peer.messagesSkipped += link.skippedMessages
            if link.isEstablished && !link.isClosed {
                peer.connected = true
                if link.isSyncing {
                    peer.opsBehind = local.origins.reduce(UInt64(0)) { sum, origin in
                        sum + (local[origin].seq > link.peerVector[origin].seq ? local[origin].seq - link.peerVector[origin].seq : 0)
                    }
                }
            }
            peers[node] = peer
        }
        return MetricsSnapshot(
            ops: local.totalOps, origins: local.origins.count,
            peersConnected: mesh.links.filter(\.isEstablished).count,
            peers: peers.values.sorted { $0.node < $1.node }, incompatiblePeers: mesh.incompatible.count,
            uptimeSeconds: (Clock.wallMillis() - mesh.startedMillis) / 1000)
    }
}
