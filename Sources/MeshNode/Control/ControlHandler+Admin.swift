import Foundation
import MeshNet
import MeshCRDT
import MeshModel
import MeshStore

/// Admin methods beyond `admin.status`, `admin.peers` and `admin.digest` (CONTROL.md §6). The
/// caller is already known to be an admin here.
extension ControlHandler {
    func dispatchAdmin(_ request: ControlRequest, user: LocalUser, _ reply: @escaping Reply) throws(ControlError) {
        switch request.method {
        case "admin.replication":
            _ = try request.decode(NoParams.self)
            reply(.success(replicationReport()))
        case "admin.where":
            try whereIs(try resolve(try request.decode(IdeaRef.self).id), reply)
        case "admin.conflicts":
            _ = try request.decode(NoParams.self)
            read(reply) { store throws(ControlError) in
                ConflictsJSON(ideas: try Self.store { try store.conflicts() }.map(ConflictJSON.init))
            }
        case "admin.forks":
            _ = try request.decode(NoParams.self)
            let departments = departments()
            read(reply) { store throws(ControlError) in
                ForksJSON(forks: try Self.store { try store.quarantine() }.map {
                    ForkJSON(
                        origin: $0.origin.base32, department: departments[$0.origin], seq: $0.seq, reason: $0.reason,
                        detected_ms: $0.detectedMillis)
                })
            }
        case "admin.fork.resolve":
            try resolveFork(try request.decode(OriginParams.self).origin, user: user, reply)
        case "admin.trust.list":
            _ = try request.decode(NoParams.self)
            let departments = departments()
            reply(.success(TrustListJSON(nodes: mesh.trust.entries.map {
                TrustJSON(node_id: $0.node.base32, source: $0.source.rawValue, department: departments[$0.node])
            })))
        case "admin.trust.add":
            reply(.success(try trustAdd(try request.decode(NodeParams.self).node_id, user: user)))
        case "admin.trust.remove":
            reply(.success(try trustRemove(try request.decode(NodeParams.self).node_id, user: user)))
        case "admin.metrics":
            _ = try request.decode(NoParams.self)
            let snapshot = metricsSnapshot()
            read(reply) { store throws(ControlError) in
                let (counts, bytes) = try Self.store { (try store.counts(), try store.databaseBytes()) }
                return MetricsJSON(text: snapshot.text(counts: counts, databaseBytes: bytes))
            }
        case "admin.verify":
            try verify(try request.decode(PeerParams.self).peer, reply)
        case "admin.backup":
            try backup(try request.decode(BackupParams.self).path, user: user, reply)
        default:
            throw Self.unknownMethod(request)
        }
    }

    // MARK: Replication

    /// Peers past their Hello, with what each is known to hold (its vector, plus what was sent).
    private func syncingPeers() -> [(node: NodeID, vector: VersionVector)] {
        mesh.links.values.compactMap { link in
            guard let peer = link.peer, link.isEstablished, link.session.phase == .syncing else { return nil }
            return (peer, link.session.peer)
        }.sorted { $0.node < $1.node }
    }

    private func replicationReport() -> ReplicationJSON {
        let departments = departments(), local = mesh.localVector
        return ReplicationJSON(
            origins: local.origins.map { OriginJSON(origin: $0.base32, department: departments[$0], seq: local[$0].seq) },
            peers: syncingPeers().map { peer in
                ReplicationPeerJSON(
                    node_id: peer.node.base32, department: departments[peer.node],
                    behind: Dictionary(uniqueKeysWithValues: local.origins.map { origin in
                        (origin.base32, local[origin].seq > peer.vector[origin].seq ? local[origin].seq - peer.vector[origin].seq : 0)
                    }))
            })
    }

    /// Which peers hold the idea and its latest change: connected peers from what they are known
    /// to hold now, peers connected earlier from what they held when their link closed.
    private func whereIs(_ id: OpID, _ reply: @escaping Reply) throws(ControlError) {
        let departments = departments()
        var known = syncingPeers().map { (node: $0.node, vector: $0.vector, connected: true) }
        let connected = Set(known.map(\.node))
        for (node, memory) in mesh.remembered.sorted(by: { $0.key < $1.key }) where !connected.contains(node) && !memory.vector.origins.isEmpty {
            known.append((node, memory.vector, false))
        }
        let peers = known
        read(reply) { store throws(ControlError) in
            guard let history = try Self.store({ try store.history(of: id) }), let latest = history.last?.id else {
                throw ControlError(.notFound, "no idea \(id.short) here (yet)")
            }
            return WhereJSON(idea: id.text, latest: latest.text, peers: peers.map { peer in
                WherePeerJSON(
                    node_id: peer.node.base32, department: departments[peer.node],
                    has_idea: peer.vector[id.origin].seq >= id.seq, has_latest: peer.vector[latest.origin].seq >= latest.seq,
                    connected: peer.connected)
            })
        }
    }

    // MARK: Verifying

    /// How long `admin.verify` waits for the peer's digest.
    static let verifyTimeoutMillis: UInt64 = 60_000

    /// Asks a connected peer for its state digest and compares it with this node's, taken after
    /// the answer arrives.
    private func verify(_ text: String, _ reply: @escaping Reply) throws(ControlError) {
        let syncing = syncingPeers().map(\.node)
        let node = try resolveNode(text, among: syncing, what: "connected peer")
        guard let link = mesh.links.values.first(where: { $0.peer == node && !$0.isClosed && $0.session.phase == .syncing }) else {
            throw ControlError(.notFound, "not connected to \(node.short) (see admin.peers)")
        }
        final class Once {
            var done = false
            var token: UInt64 = 0
        }
        let once = Once()
        let timer = LoopTimer.schedule(on: loop, after: .milliseconds(Self.verifyTimeoutMillis)) {
            guard !once.done else { return }
            once.done = true
            link.forgetDigest(once.token)
            reply(.failure(ControlError(.unavailable, "\(node.short) did not answer within \(Self.verifyTimeoutMillis / 1000) s")))
        }
        once.token = link.requestDigest { [self] result in
            guard !once.done else { return }
            once.done = true
            timer.cancel()
            switch result {
            case .failure(let failure):
                reply(.failure(ControlError(.unavailable, "\(node.short): \(failure.reason)")))
            case .success(let theirs):
                read(reply) { store throws(ControlError) in
                    let ours = try Self.store { try store.digestAndVector() }
                    let origins = Set(ours.vector.origins + theirs.vector.origins).sorted()
                    let differing = origins.first { ours.vector[$0] != theirs.vector[$0] }
                    let equal = ours.digest.bytes == theirs.digest
                    return VerifyJSON(
                        peer: node.base32, equal: equal, first_differing_origin: equal ? nil : differing?.base32,
                        digest: ours.digest.description, peer_digest: theirs.digest.map { String(format: "%02x", $0) }.joined())
                }
            }
        }
    }

    // MARK: Forks

    private func resolveFork(_ text: String, user: LocalUser, _ reply: @escaping Reply) throws(ControlError) {
        let logger = logger
        let name = user.name
        let resolved = UnsafeTransfer(reply)
        // Ask every syncing peer to resend from what this node holds: the ops of the unblocked
        // origin they sent while it was blocked were dropped.
        let resync: Reply = { [self] result in
            if case .success = result {
                for link in mesh.links.values { link.resync() }
            }
            resolved.value(result)
        }
        let names = departments()
        exclusive(resync) { store throws(ControlError) in
            let forked = try Self.store { try store.quarantine() }.map(\.origin)
            let origin = try Self.resolveNode(text, among: forked, names: names, what: "fork of an origin")
            let dropped = try Self.store { try store.resolveFork(origin: origin) }
            guard dropped > 0 else { throw ControlError(.notFound, "origin \(origin.short) has no fork here") }
            logger.notice("fork resolved by an admin: kept the held chain", metadata: [
                "origin": "\(origin.short)", "dropped": "\(dropped)", "user": "\(name)",
            ])
            return ForkResolvedJSON(origin: origin.base32, dropped: dropped)
        }
    }

    // MARK: Trust

    private func trustAdd(_ text: String, user: LocalUser) throws(ControlError) -> TrustChangeJSON {
        // A full id, or the name of a department this node has heard of (through a trusted peer).
        let known = departments().filter { $0.value.caseInsensitiveCompare(text) == .orderedSame }.map(\.key)
        guard let node = NodeID(base32: text.lowercased()) ?? (known.count == 1 ? known[0] : nil) else {
            throw ControlError(.invalid, known.count > 1
                ? "\(known.count) nodes are called \"\(text)\"; give the node id (52 base32 characters, as `ideameshd init` prints)"
                : "\"\(text)\" is not a node id (52 base32 characters, as `ideameshd init` prints) nor a department heard of here")
        }
        guard node != mesh.selfID else { throw ControlError(.notAllowed, "\(node.short) is this node; a node needs no trust in itself") }
        if let source = mesh.trust.source(of: node) {
            return TrustChangeJSON(node_id: node.base32, source: source.rawValue, changed: false)
        }
        var nodes = mesh.trust.adminNodes
        nodes.insert(node)
        try saveTrust(nodes)
        mesh.trust.replace(admin: nodes)
        mesh.trustChanged(removed: [])  // the mesh may now dial it
        logger.notice("trust: node added by an admin", metadata: ["node": "\(node.short)", "user": "\(user.name)"])
        return TrustChangeJSON(node_id: node.base32, source: TrustList.Source.admin.rawValue, changed: true)
    }

    private func trustRemove(_ text: String, user: LocalUser) throws(ControlError) -> TrustChangeJSON {
        let node = try resolveNode(text, among: Array(mesh.trust.all), what: "trusted node")
        switch mesh.trust.source(of: node) {
        case nil:
            throw ControlError(.notFound, "\(node.short) is not on the trust list")
        case .config?:
            throw ControlError(.notAllowed, "\(node.short) is trusted by the config's [trust] nodes: edit the config, then send the daemon SIGHUP")
        case .admin?:
            var nodes = mesh.trust.adminNodes
            nodes.remove(node)
            try saveTrust(nodes)
            let removed = mesh.trust.replace(admin: nodes)
            mesh.trustChanged(removed: removed)
            logger.notice("trust: node removed by an admin", metadata: ["node": "\(node.short)", "user": "\(user.name)"])
            return TrustChangeJSON(node_id: node.base32, source: nil, changed: true)
        }
    }

    private func saveTrust(_ nodes: Set<NodeID>) throws(ControlError) {
        do throws(DaemonError) { try trustFile.save(nodes) } catch {
            throw ControlError(.unavailable, "cannot save the trust list: \(error)")
        }
    }

    // MARK: Backup

    private func backup(_ path: String, user: LocalUser, _ reply: @escaping Reply) throws(ControlError) {
        guard path.hasPrefix("/"), !path.contains("\0") else { throw ControlError(.invalid, "path: must be absolute") }
        var info = stat()
        guard lstat(path, &info) != 0 else { throw ControlError(.invalid, "\(path) already exists; give a new file") }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ControlError(.invalid, "\(directory) is not a directory")
        }
        let logger = logger, name = user.name
        read(reply) { store throws(ControlError) in
            do {
                let bytes = try store.backup(to: path)
                logger.notice("backup written", metadata: ["path": "\(path)", "bytes": "\(bytes)", "user": "\(name)"])
                return BackupJSON(path: path, bytes: bytes)
            } catch {
                throw ControlError(.unavailable, "\(error)")
            }
        }
    }
}

// MARK: Parameters

private struct OriginParams: ControlParams {
    static let keys: Set<String> = ["origin"]
    var origin: String
}

private struct NodeParams: ControlParams {
    static let keys: Set<String> = ["node_id"]
    var node_id: String
}

private struct PeerParams: ControlParams {
    static let keys: Set<String> = ["peer"]
    var peer: String
}

private struct BackupParams: ControlParams {
    static let keys: Set<String> = ["path"]
    var path: String
}

// MARK: Results

private struct OriginJSON: Encodable, Sendable {
    let origin: String, department: String?, seq: UInt64
}

private struct ReplicationPeerJSON: Encodable, Sendable {
    let node_id: String, department: String?, behind: [String: UInt64]
}

private struct ReplicationJSON: Encodable, Sendable {
    let origins: [OriginJSON], peers: [ReplicationPeerJSON]
}

private struct WherePeerJSON: Encodable, Sendable {
    let node_id: String, department: String?, has_idea: Bool, has_latest: Bool, connected: Bool
}

private struct WhereJSON: Encodable, Sendable {
    let idea: String, latest: String, peers: [WherePeerJSON]
}

private struct ConflictJSON: Encodable, Sendable {
    struct Value: Encodable, Sendable {
        let value: String, author: String, writer: String, created_ms: UInt64, note: String?
    }
    struct RegisterJSON: Encodable, Sendable {
        let register: String, values: [Value]
    }
    let id: String, title: String, registers: [RegisterJSON]

    init(_ report: ConflictReport) {
        id = report.idea.text
        title = report.title
        registers = report.registers.map { conflict in
            RegisterJSON(register: "\(conflict.register)", values: conflict.values.map {
                Value(value: $0.value, author: $0.author, writer: $0.writer.text, created_ms: $0.hlc.millis, note: $0.note.isEmpty ? nil : $0.note)
            })
        }
    }
}

private struct ConflictsJSON: Encodable, Sendable {
    let ideas: [ConflictJSON]
}

private struct ForkJSON: Encodable, Sendable {
    let origin: String, department: String?, seq: UInt64, reason: String, detected_ms: UInt64
}

private struct ForksJSON: Encodable, Sendable {
    let forks: [ForkJSON]
}

private struct ForkResolvedJSON: Encodable, Sendable {
    let origin: String, dropped: Int
}

private struct TrustJSON: Encodable, Sendable {
    let node_id: String, source: String, department: String?
}

private struct TrustListJSON: Encodable, Sendable {
    let nodes: [TrustJSON]
}

private struct TrustChangeJSON: Encodable, Sendable {
    let node_id: String, source: String?, changed: Bool
}

private struct MetricsJSON: Encodable, Sendable {
    let text: String
}

private struct VerifyJSON: Encodable, Sendable {
    let peer: String, equal: Bool, first_differing_origin: String?, digest: String, peer_digest: String
}

private struct BackupJSON: Encodable, Sendable {
    let path: String, bytes: Int64
}
