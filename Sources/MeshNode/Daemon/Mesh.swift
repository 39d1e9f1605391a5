import Foundation
import Logging
import MeshCRDT
import MeshNet
import MeshStore
import MeshWire

/// This node's place in the mesh (PROTOCOL.md §7): it listens for peers, dials seeds and the
/// addresses trusted peers tell it about, keeps at most `maxConnections` links, redials with
/// backoff and jitter, rotates its links now and then (so that a mesh split by a long partition
/// joins up again once it heals), and streams the store's changes to every link. Loop thread only.
///
/// **Rotation** (PROTOCOL.md §7), every `rotateIntervalMillis`, jittered to a random time in
/// [½, 1½] of it, on the maintenance tick (no timer of its own):
/// 1. Trim: links past their Hello beyond `maxConnections` (inbound headroom let them in) are
///    closed, chosen at random, with a Goodbye ("trimming links over max_connections").
/// 2. If the node is still at or above `maxConnections` (handshaking links and dials in flight
///    count), it dials one target chosen at random among those `maintain` would dial (trusted,
///    not connected, backoff expired), although it is full.
/// 3. Only once that link's Hello arrives, and only if the node then has more than
///    `maxConnections` links past their Hello, it closes one *other* such link, chosen uniformly
///    at random (not the oldest: any link may be the one that keeps a region joined), with a
///    Goodbye ("rotating links"). A dial that fails, or a link that closes before its Hello,
///    closes nothing: a rotation never takes the node below `maxConnections`.
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
        /// Inbound connections accepted beyond `maxConnections`, so a newcomer can always reach a
        /// seed and learn other addresses (it may then be closed when the seed trims, at its next
        /// rotation).
        var inboundHeadroom: Int { max(2, maxConnections / 2) }
        /// How often (on average) the node trims surplus links and rotates one; 0: never.
        var rotateIntervalMillis: UInt64 = 300_000
        /// Learned addresses kept at most.
        var maxLearnedAddresses = 1_024
    }

    /// An address this node dials: a seed, or one a trusted peer gave.
    struct DialTarget {
        var address: PeerAddress
        var isSeed: Bool
        /// The node found there (learned addresses come with it; seeds once connected).
        var node: NodeID?
        var failures = 0
        var notBeforeMillis: UInt64 = 0
        var dialing = false
        var linkID: Int?
        var lastError: String?
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
    }

    let loop: EventLoop
    let worker: StoreWorker
    let trust: TrustList
    let logger: Logger
    let settings: Settings
    let startedMillis: UInt64
    private(set) var localVector: VersionVector
    private(set) var links: [Int: PeerLink] = [:]
    private(set) var targets: [PeerAddress: DialTarget] = [:]
    private(set) var listenPort: UInt16 = 0
    private(set) var remembered: [NodeID: PeerMemory] = [:]
    /// Department names trusted peers told (peer exchange), of nodes this node may have no link
    /// to: labels for people, which a node's own handshake (`remembered`) overrides. At most
    /// `maxToldDepartments`.
    private(set) var toldDepartments: [NodeID: String] = [:]
    static let maxToldDepartments = 10_000
    private var listener: StreamListener?
    private var timer: LoopTimer?
    private var nextLinkID = 1
    private var lastPeerExchangeMillis: UInt64 = 0
    /// When the next rotation is due (nil: rotation is off).
    private var nextRotationMillis: UInt64?
    /// The address dialled by the rotation in progress, until its Hello arrives or it fails.
    private var rotatingTo: PeerAddress?
    private var stopping = false
    private var random = SystemRandomNumberGenerator()

    init(settings: Settings, loop: EventLoop, worker: StoreWorker, trust: TrustList, localVector: VersionVector, logger: Logger) {
        self.settings = settings
        self.loop = loop
        self.worker = worker
        self.trust = trust
        self.localVector = localVector
        self.logger = logger
        self.startedMillis = Clock.wallMillis()
        for seed in settings.seeds { targets[seed] = DialTarget(address: seed, isSeed: true) }
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
        if settings.rotateIntervalMillis > 0 { nextRotationMillis = nowMillis() + rotationDelay() }
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
        localVector = vector
        for link in links.values { link.localAdvanced(vector) }
    }

    // MARK: Trust

    /// The trust list changed (SIGHUP): drop links to nodes no longer on it.
    func trustChanged(removed: Set<NodeID>) {
        for link in Array(links.values) {
            if let peer = link.peer, removed.contains(peer) {
                link.close(reason: "node \(peer.short) was removed from the trust list", sendGoodbye: true)
            }
        }
    }

    // MARK: Links

    private func accepted(_ connection: Connection) {
        guard !stopping else { connection.close(); return }
        if links.count >= settings.maxConnections + settings.inboundHeadroom {
            logger.info("refusing a connection: too many open", metadata: ["links": "\(links.count)", "from": "\(connection.peerDescription)"])
            connection.close()
            return
        }
        addLink(connection, direction: .inbound, role: .responder)
    }

    @discardableResult
    private func addLink(_ connection: Connection, direction: PeerLink.Direction, role: NoiseHandshake.Role) -> PeerLink? {
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
        let link = PeerLink(id: nextLinkID, connection: connection, direction: direction, channel: channel, mesh: self)
        nextLinkID += 1
        links[link.id] = link
        link.start()
        return link
    }

    /// A link finished its handshake with a trusted node. Returns false when it was closed
    /// because this node already has a link to that node.
    func established(_ link: PeerLink) -> Bool {
        guard let peer = link.peer else { return false }
        remembered[peer, default: PeerMemory()].department = link.peerDepartment
        if case .outbound(let address) = link.direction { targets[address]?.node = peer }
        if let other = links.values.first(where: { $0 !== link && $0.peer == peer && $0.isEstablished && !$0.isClosed }) {
            // Both sides pick the same survivor: the link dialled by the smaller node id (the
            // older one when both were dialled by the same side).
            let loser = initiator(of: link) == initiator(of: other) || initiator(of: other) < initiator(of: link) ? link : other
            loser.close(reason: "duplicate connection to \(peer.short)", sendGoodbye: true)
            return loser !== link
        }
        return true
    }

    private func initiator(of link: PeerLink) -> NodeID {
        link.isOutbound ? selfID : link.peer!
    }

    /// The peer's Hello arrived: note where it listens, and tell it the peers we know.
    /// Only now does a dialled link count as a success: the initiator completes its handshake
    /// before the responder has checked trust, so a refusal comes after `established`.
    func helloReceived(_ link: PeerLink) {
        guard let peer = link.peer else { return }
        if case .outbound(let address) = link.direction {
            targets[address]?.failures = 0
            targets[address]?.lastError = nil
            if address == rotatingTo { rotated(to: link) }
        }
        if link.direction == .inbound, link.session.peerListenPort != 0,
           case .ip(let host, _)? = link.connection.remoteAddress {
            remember(PeerAddress(host: host, port: Int(link.session.peerListenPort)), node: peer, isSeed: false)
        }
        sendPeers(to: link)
        // The others learn of the newcomer (its address and department) now, not at the next
        // peer-exchange interval.
        for other in links.values where other !== link && other.session.phase == .syncing { sendPeers(to: other) }
    }

    func linkClosed(_ link: PeerLink, reason: String) {
        links[link.id] = nil
        if let peer = link.peer {
            var memory = remembered[peer, default: PeerMemory()]
            memory.bytesIn += link.stats.bytesIn
            memory.bytesOut += link.stats.bytesOut
            memory.opsIn += link.stats.opsIn
            memory.opsOut += link.stats.opsOut
            if !link.session.peer.origins.isEmpty { memory.vector = link.session.peer }
            remembered[peer] = memory
        }
        guard case .outbound(let address) = link.direction else { return }
        if address == rotatingTo {
            // Still set: the rotation's link closed before its Hello (`rotated` clears it).
            rotatingTo = nil
            logger.debug("rotation: the new link closed before its Hello; nothing closed", metadata: ["address": "\(address)", "reason": "\(reason)"])
        }
        guard var target = targets[address] else { return }
        target.linkID = nil
        let now = nowMillis()
        if let established = link.stats.establishedMillis, now - established > 5_000 {
            // It worked for a while: come back soon (with jitter), and back off if it fails again.
            target.failures = 1
        } else {
            target.failures += 1
        }
        target.lastError = reason
        target.notBeforeMillis = now + settings.backoff.delay(failures: target.failures, using: &random)
        targets[address] = target
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
        for target in targets.values.sorted(by: { $0.address.description < $1.address.description }) {
            guard let node = target.node, node != selfID, trust.contains(node), !seen.contains(node) else { continue }
            seen.insert(node)
            let department = remembered[node]?.department ?? toldDepartments[node] ?? ""
            let info = PeerInfo(nodeID: node, address: target.address.description, department: department)
            // A name too long for the wire is left out, not the entry.
            out.append(info.isValid ? info : PeerInfo(nodeID: node, address: target.address.description))
        }
        return out
    }

    /// A trusted peer told us where other nodes listen, and their departments' names: keep the
    /// addresses of nodes we trust, and the names of any (their ops may reach us through others).
    func learn(_ peers: [PeerInfo], from link: PeerLink) {
        for info in peers where info.nodeID != selfID {
            if !info.department.isEmpty, toldDepartments.count < Self.maxToldDepartments || toldDepartments[info.nodeID] != nil {
                toldDepartments[info.nodeID] = info.department
            }
            guard trust.contains(info.nodeID), let address = PeerAddress(info.address) else { continue }
            remember(address, node: info.nodeID, isSeed: false)
        }
    }

    private func remember(_ address: PeerAddress, node: NodeID, isSeed: Bool) {
        if targets[address] != nil {
            if targets[address]?.node == nil { targets[address]?.node = node }
            return
        }
        guard !targets.values.contains(where: { $0.node == node }) else { return }
        guard targets.values.filter({ !$0.isSeed }).count < settings.maxLearnedAddresses else { return }
        logger.debug("learned a peer address", metadata: ["node": "\(node.short)", "address": "\(address)"])
        targets[address] = DialTarget(address: address, isSeed: isSeed, node: node)
    }

    // MARK: Dialling

    private func tick() {
        let now = nowMillis()
        for link in Array(links.values) { link.tick(nowMillis: now) }
        if now >= lastPeerExchangeMillis + settings.peerExchangeIntervalMillis {
            lastPeerExchangeMillis = now
            for link in links.values where link.session.phase == .syncing { sendPeers(to: link) }
        }
        if let due = nextRotationMillis, now >= due {
            nextRotationMillis = now + rotationDelay()
            rotate()
        }
        maintain()
    }

    /// Dials targets, chosen at random, while there is room for more links.
    private func maintain() {
        guard !stopping else { return }
        var room = settings.maxConnections - links.count - dialingCount
        guard room > 0 else { return }
        var candidates = dialCandidates()
        candidates.shuffle(using: &random)
        for target in candidates where room > 0 {
            room -= 1
            dial(target.address)
        }
    }

    private var dialingCount: Int { targets.values.filter(\.dialing).count }

    /// Targets this node may dial now: not being dialled or linked, backoff expired, and not a
    /// node it is connected to, itself, or one it does not trust.
    private func dialCandidates() -> [DialTarget] {
        let now = nowMillis()
        let connected = Set(links.values.compactMap(\.peer))
        return targets.values.filter { target in
            guard !target.dialing, target.linkID == nil, target.notBeforeMillis <= now else { return false }
            guard let node = target.node else { return true }
            return node != selfID && !connected.contains(node) && trust.contains(node)
        }
    }

    // MARK: Rotation

    /// A random time in [½, 1½] of the rotation interval.
    private func rotationDelay() -> UInt64 {
        let interval = settings.rotateIntervalMillis
        return UInt64.random(in: (interval / 2)...(interval + interval / 2), using: &random)
    }

    /// Links whose peer's Hello has arrived, in link order.
    private var syncingLinks: [PeerLink] {
        links.values.filter { !$0.isClosed && $0.session.phase == .syncing }.sorted { $0.id < $1.id }
    }

    /// Trims links beyond `maxConnections`, then, when full, dials one more target at random
    /// (`rotated` closes another link once it is up). See the type's comment.
    private func rotate() {
        guard !stopping else { return }
        var syncing = syncingLinks
        if syncing.count > settings.maxConnections {
            let surplus = syncing.count - settings.maxConnections
            logger.info("trimming links", metadata: ["links": "\(syncing.count)", "max_connections": "\(settings.maxConnections)"])
            syncing.shuffle(using: &random)
            for link in syncing.prefix(surplus) { link.close(reason: "trimming links over max_connections", sendGoodbye: true) }
        }
        guard rotatingTo == nil, links.count + dialingCount >= settings.maxConnections,
              let target = dialCandidates().randomElement(using: &random) else { return }
        logger.debug("rotation: dialling one more peer", metadata: ["address": "\(target.address)", "links": "\(links.count)"])
        rotatingTo = target.address
        dial(target.address)
    }

    /// The rotation's new link is up (its Hello arrived): close one other link at random if the
    /// node now has more than `maxConnections`; otherwise (a link closed meanwhile) keep them all.
    private func rotated(to new: PeerLink) {
        rotatingTo = nil
        let others = syncingLinks.filter { $0 !== new }
        guard others.count + 1 > settings.maxConnections, let old = others.randomElement(using: &random) else { return }
        logger.info("rotating links", metadata: [
            "new": "\(new.peer?.short ?? "?")", "closing": "\(old.peer?.short ?? "?")", "links": "\(others.count + 1)",
        ])
        old.close(reason: "rotating links", sendGoodbye: true)
    }

    private func dial(_ address: PeerAddress) {
        targets[address]?.dialing = true
        Resolver.resolve(host: address.host, port: address.port, on: loop) { [unowned self] result in
            switch result {
            case .failure(let error):
                dialFailed(address, "\(error)")
            case .success(let addresses):
                guard let first = addresses.first else { return dialFailed(address, "no address for \(address.host)") }
                Connection.connect(to: first, on: loop) { [unowned self] result in
                    switch result {
                    case .failure(let error):
                        dialFailed(address, "\(error)")
                    case .success(let connection):
                        targets[address]?.dialing = false
                        guard !stopping else { connection.close(); return }
                        if let link = addLink(connection, direction: .outbound(address), role: .initiator) {
                            targets[address]?.linkID = link.id
                        } else if address == rotatingTo {
                            rotatingTo = nil
                        }
                    }
                }
            }
        }
    }

    private func dialFailed(_ address: PeerAddress, _ error: String) {
        if address == rotatingTo { rotatingTo = nil }
        guard var target = targets[address] else { return }
        target.dialing = false
        target.failures += 1
        target.lastError = error
        let delay = settings.backoff.delay(failures: target.failures, using: &random)
        target.notBeforeMillis = nowMillis() + delay
        targets[address] = target
        let level: Logger.Level = target.failures <= 1 || target.failures % 10 == 0 ? .info : .debug
        logger.log(level: level, "cannot reach peer", metadata: [
            "address": "\(address)", "error": "\(error)", "failures": "\(target.failures)", "retry_in_ms": "\(delay)",
        ])
    }
}
