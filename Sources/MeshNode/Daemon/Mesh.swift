import Foundation
import Logging
import MeshCRDT
import MeshNet
import MeshStore
import MeshWire

/// This node's place in the mesh (PROTOCOL.md §7): it listens for peers, dials seeds and the
/// addresses trusted peers tell it about, and streams the store's changes to every link. Loop
/// thread only.
///
/// The membership rules (which address to dial and when, inbound headroom, one link per pair,
/// backoff with jitter, handshake and idle timeouts, link rotation and trimming) are the pure
/// state machine `Membership` (MeshWire), which the simulator runs too. This type only performs
/// what it decides: resolving and connecting, accepting, the maintenance timer, closing links,
/// logging, and peer exchange (which addresses to tell, department names).
final class Mesh: @unchecked Sendable {
    struct Settings: Sendable {
        var identity: NodeIdentity
        var networkKey: [UInt8]
        var department: String
        var listen: PeerAddress?
        var seeds: [PeerAddress]
        var maxConnections: Int
        var sync = SyncSession.Config()
        var backoff = Backoff()
        var tickMillis: UInt64 = 250
        var handshakeTimeoutMillis: UInt64 = 10_000
        /// A peer that sends nothing (not even a Have) this long is presumed gone.
        var idleTimeoutMillis: UInt64 = 95_000
        var peerExchangeIntervalMillis: UInt64 = 60_000
        /// How often (on average) the node trims surplus links and rotates one; 0: never.
        var rotateIntervalMillis: UInt64 = 300_000
        /// Learned addresses kept at most.
        var maxLearnedAddresses = 1_024
        /// Test only (`IDEAMESH_TEST_SEND_UNKNOWN_KIND`): after each peer's Hello, send it an
        /// Envelope of this kind, which no version knows, as a newer node would (only where the
        /// negotiated version says the peer skips unknown kinds).
        var testUnknownKind: UInt32?

        var membership: Membership<PeerAddress>.Config {
            Membership.Config(
                maxConnections: maxConnections, backoff: backoff, handshakeTimeoutMillis: handshakeTimeoutMillis,
                idleTimeoutMillis: idleTimeoutMillis, rotateIntervalMillis: rotateIntervalMillis,
                maxLearnedTargets: maxLearnedAddresses)
        }
    }

    /// What this node remembers of a peer node since it started, across its links (they come
    /// and go): for the control API's department names, counters and where-is-it answers.
    struct PeerMemory {
        /// The department name its handshake gave.
        var department = ""
        /// What it was known to hold when its last link closed (seqs only).
        var vector = VersionVector()
        /// Traffic of its closed links (open links add their own).
        var bytesIn = 0, bytesOut = 0, opsIn = 0, opsOut = 0
        /// Messages of kinds this node does not know, skipped on its closed links.
        var messagesSkipped = 0
    }

    /// A peer node whose Hello shared no protocol version with this node (PROTOCOL.md §6): its
    /// links close at the Hello. Kept (for `admin peers`) until a link with it gets past a Hello.
    struct IncompatiblePeer {
        var department: String
        /// Where the last such link was.
        var address: String
        var mismatch: VersionMismatch
        var lastWallMillis: UInt64
        /// Such links since the daemon started.
        var count: Int
    }

    let loop: EventLoop
    let worker: StoreWorker
    let trust: TrustList
    let logger: Logger
    let settings: Settings
    let startedMillis: UInt64
    private(set) var localVector: VersionVector
    /// Why local writes are paused (the store's record, mirrored here): until a peer has told
    /// this node how far its own history goes and the store holds that much.
    private(set) var writePause: WritePause?
    private(set) var links: [Int: PeerLink] = [:]
    /// Who to dial and when, which links to keep (PROTOCOL.md §7). Its link ids are the links'.
    private(set) var membership: Membership<PeerAddress>
    /// The last error of each address dialled (for `admin peers`), until a Hello arrives there.
    private(set) var lastErrors: [PeerAddress: String] = [:]
    private(set) var listenPort: UInt16 = 0
    private(set) var remembered: [NodeID: PeerMemory] = [:]
    /// Trusted nodes (so, as many as the trust list at most) too old for this node, or too new.
    private(set) var incompatible: [NodeID: IncompatiblePeer] = [:]
    /// Department names trusted peers told (peer exchange), of nodes this node may have no link
    /// to: labels for people, which a node's own handshake (`remembered`) overrides. At most
    /// `maxToldDepartments`.
    private(set) var toldDepartments: [NodeID: String] = [:]
    static let maxToldDepartments = 10_000
    private var listener: StreamListener?
    private var timer: LoopTimer?
    private var lastPeerExchangeMillis: UInt64 = 0
    private var stopping = false
    private var random = SystemRandomNumberGenerator()
    /// The rotation's draws (`Membership` takes them apart from the others).
    private var rotationRandom = SystemRandomNumberGenerator()

    init(
        settings: Settings, loop: EventLoop, worker: StoreWorker, trust: TrustList, localVector: VersionVector,
        writePause: WritePause?, logger: Logger
    ) {
        self.settings = settings
        self.writePause = writePause
        self.loop = loop
        self.worker = worker
        self.trust = trust
        self.localVector = localVector
        self.logger = logger
        self.startedMillis = Clock.wallMillis()
        membership = Membership(selfID: settings.identity.nodeID, config: settings.membership, trusted: trust.all)
        for seed in settings.seeds { membership.addSeed(seed) }
    }

    var selfID: NodeID { settings.identity.nodeID }

    func nowMillis() -> UInt64 { MonotonicClock.millis() }

    /// Listens (if configured), starts the maintenance timer and dials the seeds.
    func start() throws(NetError) {
        loop.preconditionOnLoopThread()
        if let listen = settings.listen {
            let listener = try StreamListener(
                on: .ip(host: listen.host, port: listen.port), loop: loop,
                onError: { [logger] error in logger.warning("accept failed", metadata: ["error": "\(error)"]) },
                onAccept: { [unowned self] connection in accepted(connection) })
            self.listener = listener
            listenPort = UInt16(listener.port ?? listen.port)
            logger.info("listening for peers", metadata: ["address": "\(listen.host):\(listenPort)"])
        }
        timer = LoopTimer.schedule(
            on: loop, after: .milliseconds(settings.tickMillis), repeating: .milliseconds(settings.tickMillis)
        ) { [unowned self] in tick() }
        membership.start(nowMillis: nowMillis(), using: &rotationRandom)
        maintain()
    }

    /// Says goodbye to every peer and stops listening; `completion` runs once every link has
    /// closed (or after `timeoutMillis`).
    func stop(timeoutMillis: UInt64 = 2_000, _ completion: @escaping () -> Void) {
        loop.preconditionOnLoopThread()
        stopping = true
        listener?.close()
        listener = nil
        timer?.cancel()
        timer = nil
        let open = links.values.map(\.connection)
        for link in links.values { link.close(reason: "node shutting down", sendGoodbye: true) }
        // The sockets close once their goodbyes are written; wait for that, within limits.
        let deadline = nowMillis() + timeoutMillis
        func check() {
            if open.allSatisfy({ $0.isClosing }) || nowMillis() >= deadline {
                completion()
            } else {
                LoopTimer.schedule(on: loop, after: .milliseconds(20)) { check() }
            }
        }
        check()
    }

    // MARK: Store changes

    func localAdvanced(_ vector: VersionVector) {
        loop.preconditionOnLoopThread()
        localVector = vector
        for link in links.values { link.localAdvanced(vector) }
        if let pause = writePause, pause.peerHolds > 0, vector[selfID].seq >= pause.peerHolds {
            resumeWrites(because: "caught up with its own history (\(vector[selfID].seq) ops, as a peer holds)")
        }
    }

    // MARK: Own history (writes paused after a restore)

    /// A peer's Hello showed how much of this node's own history it holds: resume writes paused
    /// for want of that word, or wait for the store to catch up, or pause them when the peer
    /// holds more than the store (restored by hand, or lost writes).
    private func ownHistoryHeard(peerHolds: UInt64, from link: PeerLink) {
        let held = localVector[selfID].seq
        let peer = link.peerDepartment.isEmpty ? link.peer?.short ?? link.remote : link.peerDepartment
        if let pause = writePause {
            switch pause.heard(peerHolds: peerHolds, held: held) {
            case .unchanged: break
            case .resume: resumeWrites(because: "\(peer) holds \(peerHolds) ops of this node's own, its store \(held)")
            case .waitFor(let seq):
                var waiting = pause
                waiting.peerHolds = seq
                setWritePause(waiting)
                logger.notice("writes stay paused until this node holds its own ops up to \(seq), as \(peer) does", metadata: ["held": "\(held)"])
            }
        } else if let pause = WritePause.needed(peerHolds: peerHolds, held: held, peer: peer, nowMillis: Clock.wallMillis()) {
            setWritePause(pause)
            logger.warning("a peer holds more of this node's own history than its store: writes paused until it has caught up", metadata: [
                "peer": "\(peer)", "peer_holds": "\(peerHolds)", "held": "\(held)",
            ])
        }
    }

    private func setWritePause(_ pause: WritePause) {
        writePause = pause
        worker.exclusive({ store in try store.pauseWrites(pause) }) { [logger] result in
            if case .failure(let error) = result { logger.error("cannot record the write pause", metadata: ["error": "\(error)"]) }
        }
    }

    /// Lets local writes go on again (`why` for the log).
    func resumeWrites(because why: String) {
        loop.preconditionOnLoopThread()
        guard writePause != nil else { return }
        writePause = nil
        logger.notice("local writes resumed: \(why)")
        worker.exclusive({ store in try store.resumeWrites() }) { [logger] result in
            if case .failure(let error) = result { logger.error("cannot record that writes resumed", metadata: ["error": "\(error)"]) }
        }
    }

    // MARK: Trust

    /// The trust list changed (SIGHUP, `admin trust`): drop links to nodes no longer on it.
    func trustChanged(removed: Set<NodeID>) {
        loop.preconditionOnLoopThread()
        perform(membership.trustChanged(trusted: trust.all))
    }

    // MARK: Links

    private func accepted(_ connection: Connection) {
        guard !stopping else { connection.close(); return }
        guard let id = membership.inbound(nowMillis: nowMillis()) else {
            logger.info("refusing a connection: too many open", metadata: ["links": "\(links.count)", "from": "\(connection.peerDescription)"])
            connection.close()
            return
        }
        if addLink(connection, id: id, direction: .inbound, role: .responder) == nil {
            membership.linkClosed(link: id, nowMillis: nowMillis(), using: &random)
        }
    }

    @discardableResult
    private func addLink(_ connection: Connection, id: Int, direction: PeerLink.Direction, role: NoiseHandshake.Role) -> PeerLink? {
        let channel: SecureChannel
        let trust = trust
        do {
            channel = try SecureChannel(
                role: role, identity: settings.identity, networkKey: settings.networkKey,
                department: settings.department, isTrusted: { trust.contains($0) })
        } catch {
            logger.error("cannot set up a secure channel", metadata: ["error": "\(error)"])
            connection.close()
            return nil
        }
        let link = PeerLink(id: id, connection: connection, direction: direction, channel: channel, mesh: self)
        links[link.id] = link
        link.start()
        return link
    }

    /// A link finished its handshake with a trusted node. Returns false when it was closed
    /// because this node already has a link to that node.
    func established(_ link: PeerLink) -> Bool {
        guard let peer = link.peer else { return false }
        remembered[peer, default: PeerMemory()].department = link.peerDepartment
        let (keep, actions) = membership.established(link: link.id, peer: peer, nowMillis: nowMillis())
        perform(actions)
        return keep
    }

    /// A message from the peer arrived on the link (it is alive).
    func heard(_ link: PeerLink) {
        membership.heard(link: link.id, nowMillis: nowMillis())
    }

    /// The peer's Hello arrived: note where it listens, and tell it the peers we know.
    /// Only now does a dialled link count as a success: the initiator completes its handshake
    /// before the responder has checked trust, so a refusal comes after `established`.
    func helloReceived(_ link: PeerLink) {
        guard let peer = link.peer else { return }
        if case .outbound(let address) = link.direction { lastErrors[address] = nil }
        incompatible[peer] = nil
        let actions = membership.helloReceived(link: link.id, using: &rotationRandom)
        if link.direction == .inbound, link.session.peerListenPort != 0,
           case .ip(let host, _)? = link.connection.remoteAddress {
            let address = PeerAddress(host: host, port: Int(link.session.peerListenPort))
            if membership.learned(address, node: peer) {
                logger.debug("learned a peer address", metadata: ["node": "\(peer.short)", "address": "\(address)"])
            }
        }
        ownHistoryHeard(peerHolds: link.session.peer[selfID].seq, from: link)
        sendPeers(to: link)
        // The others learn of the newcomer (its address and department) now, not at the next
        // peer-exchange interval.
        for other in links.values where other !== link && other.session.phase == .syncing { sendPeers(to: other) }
        perform(actions)
    }

    /// The peer's Hello shared no protocol version with ours: the link is closing. Remember it for
    /// the admin (the link's own log says why at warning).
    func versionMismatch(_ link: PeerLink, _ mismatch: VersionMismatch) {
        guard let peer = link.peer else { return }
        let count = (incompatible[peer]?.count ?? 0) + 1
        incompatible[peer] = IncompatiblePeer(
            department: link.peerDepartment, address: link.remote, mismatch: mismatch, lastWallMillis: Clock.wallMillis(), count: count)
    }

    func linkClosed(_ link: PeerLink, reason: String, failed: Bool) {
        links[link.id] = nil
        if let peer = link.peer {
            var memory = remembered[peer, default: PeerMemory()]
            memory.bytesIn += link.stats.bytesIn
            memory.bytesOut += link.stats.bytesOut
            memory.opsIn += link.stats.opsIn
            memory.opsOut += link.stats.opsOut
            memory.messagesSkipped += link.session.skippedMessages
            if !link.session.peer.origins.isEmpty { memory.vector = link.session.peer }
            remembered[peer] = memory
        }
        if case .outbound(let address) = link.direction { lastErrors[address] = reason }
        membership.linkClosed(link: link.id, failed: failed, nowMillis: nowMillis(), using: &random)
    }

    // MARK: Peer exchange

    private func sendPeers(to link: PeerLink) {
        let peers = knownPeers().filter { $0.nodeID != link.peer && $0.isValid }.prefix(SyncMessage.maxPeers)
        if !peers.isEmpty { link.send(.peers(Array(peers))) }
    }

    /// Addresses of trusted nodes this node has reached or been told about.
    func knownPeers() -> [PeerInfo] {
        var seen = Set<NodeID>()
        var out = [PeerInfo]()
        for target in membership.targets.sorted(by: { $0.target.description < $1.target.description }) {
            guard let node = target.node, node != selfID, trust.contains(node), !seen.contains(node) else { continue }
            seen.insert(node)
            let department = remembered[node]?.department ?? toldDepartments[node] ?? ""
            let info = PeerInfo(nodeID: node, address: target.target.description, department: department)
            // A name too long for the wire is left out, not the entry.
            out.append(info.isValid ? info : PeerInfo(nodeID: node, address: target.target.description))
        }
        return out
    }

    /// A trusted peer told us where other nodes listen, and their departments' names: keep the
    /// addresses of nodes we trust (`Membership.learned` checks), and the names of any (their
    /// ops may reach us through others).
    func learn(_ peers: [PeerInfo], from link: PeerLink) {
        for info in peers where info.nodeID != selfID {
            if !info.department.isEmpty, toldDepartments.count < Self.maxToldDepartments || toldDepartments[info.nodeID] != nil {
                toldDepartments[info.nodeID] = info.department
            }
            guard let address = PeerAddress(info.address) else { continue }
            if membership.learned(address, node: info.nodeID) {
                logger.debug("learned a peer address", metadata: ["node": "\(info.nodeID.short)", "address": "\(address)"])
            }
        }
    }

    // MARK: Dialling

    private func tick() {
        let now = nowMillis()
        perform(membership.tick(nowMillis: now, using: &rotationRandom))
        if now >= lastPeerExchangeMillis + settings.peerExchangeIntervalMillis {
            lastPeerExchangeMillis = now
            for link in links.values where link.session.phase == .syncing { sendPeers(to: link) }
        }
        maintain()
    }

    /// Dials targets, chosen at random, while there is room for more links.
    private func maintain() {
        guard !stopping else { return }
        perform(membership.fill(nowMillis: nowMillis(), using: &random))
    }

    /// Does what `membership` decided.
    private func perform(_ actions: [Membership<PeerAddress>.Action]) {
        for action in actions {
            switch action {
            case .dial(let address, let id, let rotation):
                if rotation {
                    logger.debug("rotation: dialling one more peer", metadata: ["address": "\(address)", "links": "\(links.count)"])
                }
                dial(address, link: id)
            case .tickSession(let id):
                links[id]?.tick(nowMillis: nowMillis())
            case .close(let id, let reason):
                guard let link = links[id] else {
                    membership.linkClosed(link: id, nowMillis: nowMillis(), using: &random)
                    continue
                }
                switch reason {
                case .handshakeTimeout:
                    link.fail("\(reason)")
                case .trimming:
                    logger.info("trimming links", metadata: ["links": "\(links.count)", "max_connections": "\(settings.maxConnections)"])
                    link.close(reason: "\(reason)", sendGoodbye: true)
                case .rotating:
                    logger.info("rotating links", metadata: ["closing": "\(link.peer?.short ?? "?")", "links": "\(links.count)"])
                    link.close(reason: "\(reason)", sendGoodbye: true)
                case .silent, .duplicate, .untrusted:
                    link.close(reason: "\(reason)", sendGoodbye: true)
                }
            }
        }
    }

    private func dial(_ address: PeerAddress, link id: Int) {
        Resolver.resolve(host: address.host, port: address.port, on: loop) { [unowned self] result in
            switch result {
            case .failure(let error):
                dialFailed(address, link: id, "\(error)")
            case .success(let addresses):
                guard let first = addresses.first else { return dialFailed(address, link: id, "no address for \(address.host)") }
                Connection.connect(to: first, on: loop) { [unowned self] result in
                    switch result {
                    case .failure(let error):
                        dialFailed(address, link: id, "\(error)")
                    case .success(let connection):
                        guard !stopping else {
                            connection.close()
                            membership.linkClosed(link: id, nowMillis: nowMillis(), using: &random)
                            return
                        }
                        membership.dialSucceeded(link: id, nowMillis: nowMillis())
                        if addLink(connection, id: id, direction: .outbound(address), role: .initiator) == nil {
                            membership.linkClosed(link: id, nowMillis: nowMillis(), using: &random)
                        }
                    }
                }
            }
        }
    }

    private func dialFailed(_ address: PeerAddress, link id: Int, _ error: String) {
        let (failures, delay) = membership.dialFailed(link: id, nowMillis: nowMillis(), using: &random)
        lastErrors[address] = error
        let level: Logger.Level = failures <= 1 || failures % 10 == 0 ? .info : .debug
        logger.log(level: level, "cannot reach peer", metadata: [
            "address": "\(address)", "error": "\(error)", "failures": "\(failures)", "retry_in_ms": "\(delay)",
        ])
    }
}
