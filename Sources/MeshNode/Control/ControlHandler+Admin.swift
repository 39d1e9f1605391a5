import Foundation
import MeshNet
import MeshControl
import MeshCRDT
import MeshModel
import MeshStore

/// Admin methods beyond `admin.status`, `admin.peers` and `admin.digest` (CONTROL.md §6). The
/// caller is already known to be an admin here.
extension ControlHandler {
    /// The admin methods (CONTROL.md §6); `ControlHandler` has checked that the caller is an admin.
    func registerAdminMethods() {
        methods.register(API.AdminStatus.self) { [unowned self] _, _, reply in
            let mesh = mesh.snapshot()
            let listen = mesh.listen
            let uptime = Int((Clock.wallMillis() - mesh.startedMillis) / 1000)
            let ops = Int(mesh.localVector.totalOps), origins = mesh.localVector.origins.count
            let node = mesh.selfID.base32, department = mesh.department
            let peers = mesh.links.filter(\.isEstablished).count
            let paused = mesh.writePause?.refusal
            let departments = departments()
            read(reply) { store throws(ControlError) in
                let bytes: Int64, ineffective: [IneffectiveOp.Kind: Int], held: [HeldOrigin]
                do {
                    bytes = try store.databaseBytes()
                    ineffective = try store.ineffectiveCounts()
                    held = try store.heldOrigins()
                } catch { throw ControlError.store(error) }
                return MeshControl.AdminStatus(
                    nodeId: node, department: department, listen: listen, uptimeSeconds: uptime, ops: ops, origins: origins,
                    dbBytes: Int(bytes), peersConnected: peers, opsBreakingRules: ineffective[.content] ?? 0,
                    opsUnknown: ineffective[.unknown] ?? 0, writesPaused: paused,
                    heldBack: held.map {
                        .init(
                            origin: $0.origin.base32, department: departments[$0.origin], ops: $0.ops, fromSeq: Int($0.firstSeq),
                            aheadMs: Int($0.firstHLC.millis) - Int($0.sinceMillis), dueMs: Int($0.dueMillis))
                    }, searchIndexReady: store.searchIndexReady)
            }
        }
        methods.register(API.AdminWritesResume.self) { [unowned self] _, user, reply in
            let pause = mesh.snapshot().writePause
            mesh.resumeWrites(because: "an admin (\(user.name)) lifted the pause, knowing the risk")
            reply(.success(WritesResumed(wasPaused: pause != nil, reason: pause?.refusal)))
        }
        methods.register(API.AdminDigest.self) { [unowned self] _, _, reply in
            read(reply) { store throws(ControlError) in
                do {
                    let vector = try store.versionVector()
                    return MeshControl.StateDigest(
                        digest: try store.digest().description, ops: Int(vector.totalOps),
                        heads: Dictionary(uniqueKeysWithValues: vector.origins.map { ($0.base32, Int(vector[$0].seq)) }))
                } catch { throw ControlError.store(error) }
            }
        }
        methods.register(API.AdminPeers.self) { [unowned self] _, _, reply in
            reply(.success(peersReport()))
        }
        methods.register(API.AdminReplication.self) { [unowned self] _, _, reply in
            reply(.success(replicationReport()))
        }
        methods.register(API.AdminWhere.self) { [unowned self] p, _, reply throws(ControlError) in
            try whereIs(try resolve(p.id), reply)
        }
        methods.register(API.AdminConflicts.self) { [unowned self] _, _, reply in
            read(reply) { store throws(ControlError) in
                try Self.store {
                    let names = try store.displayNames()
                    return ConflictsReport(ideas: try store.conflicts().map { ConflictsReport.Idea($0, names: names) })
                }
            }
        }
        methods.register(API.AdminForks.self) { [unowned self] _, _, reply in
            let departments = departments()
            read(reply) { store throws(ControlError) in
                ForksReport(forks: try Self.store { try store.quarantine() }.map {
                    ForksReport.Fork(
                        origin: $0.origin.base32, department: departments[$0.origin], seq: Int($0.seq), reason: $0.reason,
                        detectedMs: Int($0.detectedMillis))
                })
            }
        }
        methods.register(API.AdminForkResolve.self) { [unowned self] p, user, reply throws(ControlError) in
            try resolveFork(p.origin, user: user, reply)
        }
        methods.register(API.AdminTrustList.self) { [unowned self] _, _, reply in
            let departments = departments()
            reply(.success(MeshControl.TrustList(nodes: mesh.trust.entries.map {
                MeshControl.TrustList.Node(nodeId: $0.node.base32, source: $0.source.rawValue, department: departments[$0.node])
            })))
        }
        methods.register(API.AdminTrustAdd.self) { [unowned self] p, user, reply throws(ControlError) in
            reply(.success(try trustAdd(p.nodeId, user: user)))
        }
        methods.register(API.AdminTrustRemove.self) { [unowned self] p, user, reply throws(ControlError) in
            reply(.success(try trustRemove(p.nodeId, user: user)))
        }
        methods.register(API.AdminMetrics.self) { [unowned self] _, _, reply in
            let snapshot = metricsSnapshot()
            read(reply) { store throws(ControlError) in
                let (counts, bytes) = try Self.store { (try store.counts(), try store.databaseBytes()) }
                return MetricsText(text: snapshot.text(counts: counts, databaseBytes: bytes))
            }
        }
        methods.register(API.AdminVerify.self) { [unowned self] p, _, reply throws(ControlError) in
            try verify(p.peer, reply)
        }
        methods.register(API.AdminBackup.self) { [unowned self] p, user, reply throws(ControlError) in
            try backup(p.path, user: user, reply)
        }
    }

    // MARK: Replication

    /// Peers past their Hello, with what each is known to hold (its vector, plus what was sent).
    private func syncingPeers() -> [(node: NodeID, vector: VersionVector)] { mesh.snapshot().syncingPeers }

    private func replicationReport() -> ReplicationReport {
        let departments = departments(), local = mesh.localVector
        return ReplicationReport(
            origins: local.origins.map { ReplicationReport.Origin(origin: $0.base32, department: departments[$0], seq: Int(local[$0].seq)) },
            peers: syncingPeers().map { peer in
                ReplicationReport.Peer(
                    nodeId: peer.node.base32, department: departments[peer.node],
                    behind: Dictionary(uniqueKeysWithValues: local.origins.map { origin in
                        (origin.base32, Int(local[origin].seq > peer.vector[origin].seq ? local[origin].seq - peer.vector[origin].seq : 0))
                    }))
            })
    }

    /// Which peers hold the idea and its latest change: connected peers from what they are known
    /// to hold now, peers connected earlier from what they held when their link closed.
    private func whereIs(_ id: OpID, _ reply: Replier<WhereReport>) throws(ControlError) {
        let departments = departments()
        var known = syncingPeers().map { (node: $0.node, vector: $0.vector, connected: true) }
        let connected = Set(known.map(\.node))
        for (node, memory) in mesh.snapshot().remembered.sorted(by: { $0.key < $1.key }) where !connected.contains(node) && !memory.vector.origins.isEmpty {
            known.append((node, memory.vector, false))
        }
        let peers = known
        read(reply) { store throws(ControlError) in
            guard let history = try Self.store({ try store.history(of: id) }), let latest = history.last?.id else {
                throw ControlError(.notFound, "no idea \(id.short) here (yet)")
            }
            return WhereReport(idea: id.text, latest: latest.text, peers: peers.map { peer in
                WhereReport.Peer(
                    nodeId: peer.node.base32, department: departments[peer.node],
                    hasIdea: peer.vector[id.origin].seq >= id.seq, hasLatest: peer.vector[latest.origin].seq >= latest.seq,
                    connected: peer.connected)
            })
        }
    }

    // MARK: Verifying

    /// How long `admin.verify` waits for the peer's digest.
    static let verifyTimeoutMillis: UInt64 = 60_000

    /// Asks a connected peer for its state digest and compares it with this node's, taken after
    /// the answer arrives.
    private func verify(_ text: String, _ reply: Replier<VerifyResult>) throws(ControlError) {
        let syncing = syncingPeers().map(\.node)
        let node = try resolveNode(text, among: syncing, what: "connected peer")
        guard let link = mesh.syncingLink(to: node) else {
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
                    return VerifyResult(
                        peer: node.base32, equal: equal, firstDifferingOrigin: equal ? nil : differing?.base32,
                        digest: ours.digest.description, peerDigest: theirs.digest.map { String(format: "%02x", $0) }.joined())
                }
            }
        }
    }

    // MARK: Forks

    private func resolveFork(_ text: String, user: LocalUser, _ reply: Replier<ForkResolution>) throws(ControlError) {
        let logger = logger
        let name = user.name
        let resolved = LoopBound(reply.send, loop: loop)
        // Ask every syncing peer to resend from what this node holds: the ops of the unblocked
        // origin they sent while it was blocked were dropped.
        let resync = Replier<ForkResolution>(send: { [self] result in
            if case .success(let resolution as ForkResolution) = result, let origin = NodeID(base32: resolution.origin) {
                mesh.forkResolved(origin)
            }
            resolved.value()(result)
        })
        let names = departments()
        exclusive(resync) { store throws(ControlError) in
            let forked = try Self.store { try store.quarantine() }.map(\.origin)
            let origin = try Self.resolveNode(text, among: forked, names: names, what: "fork of an origin")
            let dropped = try Self.store { try store.resolveFork(origin: origin) }
            guard dropped > 0 else { throw ControlError(.notFound, "origin \(origin.short) has no fork here") }
            logger.notice("fork resolved by an admin: kept the held chain", metadata: [
                "origin": "\(origin.short)", "dropped": "\(dropped)", "user": "\(name)",
            ])
            return ForkResolution(origin: origin.base32, dropped: dropped)
        }
    }

    // MARK: Trust

    private func trustAdd(_ text: String, user: LocalUser) throws(ControlError) -> TrustChange {
        // A full id, or the name of a department this node has heard of (through a trusted peer).
        let known = departments().filter { $0.value.caseInsensitiveCompare(text) == .orderedSame }.map(\.key)
        guard let node = NodeID(base32: text.lowercased()) ?? (known.count == 1 ? known[0] : nil) else {
            throw ControlError(.invalid, known.count > 1
                ? "\(known.count) nodes are called \"\(text)\"; give the node id (52 base32 characters, as `ideameshd init` prints)"
                : "\"\(text)\" is not a node id (52 base32 characters, as `ideameshd init` prints) nor a department heard of here")
        }
        guard node != mesh.selfID else { throw ControlError(.notAllowed, "\(node.short) is this node; a node needs no trust in itself") }
        if let source = mesh.trust.source(of: node) {
            return TrustChange(nodeId: node.base32, source: source.rawValue, changed: false)
        }
        var nodes = mesh.trust.adminNodes
        nodes.insert(node)
        try saveTrust(nodes)
        mesh.trust.replace(admin: nodes)
        mesh.trustChanged(removed: [])  // the mesh may now dial it
        logger.notice("trust: node added by an admin", metadata: ["node": "\(node.short)", "user": "\(user.name)"])
        return TrustChange(nodeId: node.base32, source: TrustList.Source.admin.rawValue, changed: true)
    }

    private func trustRemove(_ text: String, user: LocalUser) throws(ControlError) -> TrustChange {
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
            return TrustChange(nodeId: node.base32, source: nil, changed: true)
        }
    }

    private func saveTrust(_ nodes: Set<NodeID>) throws(ControlError) {
        do throws(DaemonError) { try trustFile.save(nodes) } catch {
            throw ControlError(.unavailable, "cannot save the trust list: \(error)")
        }
    }

    // MARK: Backup

    private func backup(_ path: String, user: LocalUser, _ reply: Replier<BackupResult>) throws(ControlError) {
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
                return BackupResult(path: path, bytes: Int(bytes))
            } catch {
                throw ControlError.store(error)
            }
        }
    }
}
