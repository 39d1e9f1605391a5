import MeshCRDT

/// This node's place in the mesh (PROTOCOL.md §7) as a pure state machine: events in, actions
/// out. The daemon's `Mesh` drives it over libuv (resolving, connecting, listening, timers,
/// logging) and the simulator (`MeshSim.Simulation`) on its virtual clock, so both run these
/// rules. Time comes in as `nowMillis`, randomness as a generator the caller passes.
///
/// `Target` is what the node dials: an address (`Mesh`), or another node's index (`Simulation`).
/// What each target is lives in a `Directory` (a value machines may share); how its dials went
/// is the machine's own, kept only for targets dialled. Link ids are the machine's own, handed
/// out by `dial` actions and `inbound`.
///
/// Events: `start`, `tick` (timeouts, the links' own timers, rotation), `fill` (dial while there
/// is room), `inbound` (accept or refuse), `dialSucceeded`/`dialFailed`, `established` (the
/// handshake: one link per pair), `heard`, `helloReceived` (success; completes a rotation),
/// `linkClosed` (backoff), `learned` (peer exchange), `trustChanged`. Actions: `dial`, `close`
/// (with a `CloseReason`), `tickSession`.
///
/// **Links.** A link is *open* from its dial (or its acceptance) until the adapter reports
/// `linkClosed`; a link this machine decided to close (an action `.close`) stops counting at
/// once, although it is gone only when reported closed.
/// - *Dialling*: a node dials only while its open links are fewer than `maxConnections` (`fill`),
///   choosing uniformly at random among the targets it may dial: not itself, trusted (when the
///   target's node is known), not one it has an outbound link to or an established link with,
///   not one whose backoff has not expired. Random draws first (cheap however many targets
///   there are); when they keep missing (few may be dialled), one full scan, at most once per
///   `fullScanIntervalMillis`.
/// - *Inbound headroom*: it accepts inbound connections while its connected links (dials in
///   flight aside) are fewer than `maxConnections + max(2, maxConnections / 2)`, and refuses
///   beyond that.
/// - *One link per pair*: when a link's handshake completes and another established link to the
///   same node exists, both nodes keep the one dialled by the smaller node id (of two dialled by
///   the same node, the older); the other is closed ("duplicate connection").
/// - *Backoff*: after a failed dial, or an outbound link that closed within `successMillis` of its
///   handshake, or any link that closed for a failure, the target waits `Backoff.delay(failures:)`;
///   a link that lasted longer and closed cleanly resets the failures to 1 (one that lasted and
///   failed, to 2). The peer's Hello does not reset them: a peer that refuses us right after it
///   backs off exponentially.
/// - *Timeouts* (`tick`): a handshake not complete within `handshakeTimeoutMillis`, a peer heard
///   nothing from for `idleTimeoutMillis`.
///
/// **Rotation**, every `rotateIntervalMillis` (0: never), jittered uniformly over [½, 1½] of it,
/// on `tick`:
/// 1. Trim: links past their Hello beyond `maxConnections` (the inbound headroom let them in)
///    are closed, chosen at random ("trimming links over max_connections").
/// 2. If the node is still at or above `maxConnections` open links (handshaking links and dials
///    in flight count), it dials one target chosen at random among those it may dial, although
///    it is full.
/// 3. Only once that link's Hello arrives (`helloReceived`), and only if the node then has more
///    than `maxConnections` links past their Hello, it closes one *other* such link, chosen
///    uniformly at random ("rotating links"). A dial that fails, or a link that closes before its
///    Hello, closes nothing: a rotation never takes the node below `maxConnections`.
///
/// Rotation draws from a generator of its own (`rotationRandom`), so that a run of the simulator
/// without rotation draws exactly what it would without the feature.
public struct Membership<Target: Hashable & Sendable>: Sendable {
    public struct Config: Sendable, Equatable {
        public var maxConnections: Int
        public var backoff: Backoff
        public var handshakeTimeoutMillis: UInt64
        /// A peer that sends nothing (not even a Have) this long is presumed gone.
        public var idleTimeoutMillis: UInt64
        /// How often (on average) the node trims surplus links and rotates one; 0: never.
        public var rotateIntervalMillis: UInt64
        /// Targets learned from peers (`learned`) kept at most.
        public var maxLearnedTargets: Int
        /// An outbound link that lasted longer than this after its handshake counts as a success.
        public var successMillis: UInt64 = 5_000
        /// When random draws find no target to dial, a full scan at most this often.
        public var fullScanIntervalMillis: UInt64 = 1_000

        public init(
            maxConnections: Int = 8, backoff: Backoff = Backoff(), handshakeTimeoutMillis: UInt64 = 10_000,
            idleTimeoutMillis: UInt64 = 95_000, rotateIntervalMillis: UInt64 = 300_000, maxLearnedTargets: Int = 1_024
        ) {
            precondition(maxConnections >= 1)
            self.maxConnections = maxConnections
            self.backoff = backoff
            self.handshakeTimeoutMillis = handshakeTimeoutMillis
            self.idleTimeoutMillis = idleTimeoutMillis
            self.rotateIntervalMillis = rotateIntervalMillis
            self.maxLearnedTargets = maxLearnedTargets
        }

        /// Inbound connections accepted beyond `maxConnections`, so a newcomer can always reach a
        /// seed and learn other addresses (the seed may close it at its next rotation's trim).
        public var inboundHeadroom: Int { max(2, maxConnections / 2) }
    }

    public typealias LinkID = Int

    public enum Direction: Equatable, Sendable {
        case inbound
        case outbound(Target)
    }

    /// Why this machine closes a link.
    public enum CloseReason: Equatable, Sendable, CustomStringConvertible {
        case handshakeTimeout
        case silent(millis: UInt64)
        case duplicate(NodeID)
        case trimming
        case rotating
        case untrusted(NodeID)

        public var description: String {
            switch self {
            case .handshakeTimeout: "handshake timed out"
            case .silent(let millis): "peer silent for \(millis / 1000) s"
            case .duplicate(let node): "duplicate connection to \(node.short)"
            case .trimming: "trimming links over max_connections"
            case .rotating: "rotating links"
            case .untrusted(let node): "node \(node.short) was removed from the trust list"
            }
        }
    }

    public enum Action: Equatable, Sendable {
        /// Dial `target` as link `link`, then report `dialSucceeded` or `dialFailed`. `rotation`:
        /// dialled by a rotation, although the node is full.
        case dial(Target, link: LinkID, rotation: Bool)
        /// Close the link (with a Goodbye giving the reason, where the link is established), then
        /// report `linkClosed`.
        case close(LinkID, CloseReason)
        /// Run the link's own timer (its sync session's periodic Have).
        case tickSession(LinkID)
    }

    /// The targets a node knows: what each is (an address or index, seed or learned, the node
    /// found there), in the order they became known. A value, so machines that know the same
    /// targets (the simulator's nodes, which all know every node) share one copy until one of
    /// them learns something new. What changes as a target is dialled is the machine's own.
    public struct Directory: Sendable {
        public struct Entry: Sendable {
            public let target: Target
            /// Configured (a seed), not learned from a peer.
            public let isSeed: Bool
            /// The node found there (learned targets come with it; seeds once connected).
            public internal(set) var node: NodeID?
        }

        public private(set) var entries: [Entry] = []
        private var index: [Target: Int] = [:]
        private(set) var learnedCount = 0

        public init() {}

        public var count: Int { entries.count }

        public mutating func reserveCapacity(_ count: Int) {
            entries.reserveCapacity(count)
            index.reserveCapacity(count)
        }

        /// A target from configuration (a seed; the simulator: every node, with its id), kept
        /// whatever the limit on learned ones. False when it was known already.
        @discardableResult
        public mutating func addSeed(_ target: Target, node: NodeID? = nil) -> Bool {
            guard index[target] == nil else { return false }
            index[target] = entries.count
            entries.append(Entry(target: target, isSeed: true, node: node))
            return true
        }

        public func slot(of target: Target) -> Int? { index[target] }

        mutating func addLearned(_ target: Target, node: NodeID) {
            learnedCount += 1
            index[target] = entries.count
            entries.append(Entry(target: target, isSeed: false, node: node))
        }

        mutating func setNode(_ node: NodeID, at slot: Int) {
            entries[slot].node = node
        }
    }

    /// What changes as a target is dialled (absent: never dialled).
    struct DialState: Sendable {
        var failures = 0
        var notBeforeMillis: UInt64 = 0
        /// The outbound link to it (being dialled, handshaking or open).
        var link: LinkID?
    }

    /// A target this node may dial, as the control API shows it.
    public struct TargetState: Sendable {
        public let target: Target
        /// Configured (a seed), not learned from a peer.
        public let isSeed: Bool
        /// The node found there (learned targets come with it; seeds once connected).
        public var node: NodeID?
        public var failures = 0
        public var notBeforeMillis: UInt64 = 0
        /// The outbound link to it (being dialled, handshaking or open).
        public var link: LinkID?
    }

    public enum LinkPhase: Equatable, Sendable {
        /// Being dialled: no connection yet.
        case dialing
        case handshaking
        /// Handshake complete: the peer is known.
        case established
        /// The peer's Hello arrived.
        case syncing
    }

    public struct LinkState: Sendable {
        public let id: LinkID
        public let direction: Direction
        /// The target's slot in the directory (outbound links).
        let slot: Int?
        public var phase: LinkPhase
        public var peer: NodeID?
        public var openedMillis: UInt64
        public var establishedMillis: UInt64?
        public var lastHeardMillis: UInt64
        /// Closed by this machine: counts no more, gone once reported closed.
        public var closing = false

        var isOutbound: Bool { direction != .inbound }
    }

    public let selfID: NodeID
    public let config: Config
    /// The targets it knows, in the order they became known.
    public private(set) var directory: Directory
    /// By directory slot: the targets dialled so far.
    private var dialStates: [Int: DialState] = [:]
    /// Open links in the order they opened.
    public private(set) var links: [LinkState] = []
    private var nextLinkID = 1
    private var nextRotationMillis: UInt64?
    /// The link dialled by the rotation in progress, until its Hello arrives or it closes.
    public private(set) var rotatingLink: LinkID?
    private var lastFullScanMillis: UInt64?
    /// The nodes this node trusts (nil: every node).
    public private(set) var trusted: Set<NodeID>?

    public init(selfID: NodeID, config: Config, trusted: Set<NodeID>? = nil, directory: Directory = Directory()) {
        self.selfID = selfID
        self.config = config
        self.trusted = trusted
        self.directory = directory
    }

    // MARK: Reading

    public func trusts(_ node: NodeID) -> Bool { trusted?.contains(node) ?? true }

    public func target(_ target: Target) -> TargetState? { directory.slot(of: target).map(targetState) }

    /// Every target, in the order they became known.
    public var targets: [TargetState] { directory.entries.indices.map(targetState) }

    private func targetState(_ slot: Int) -> TargetState {
        let entry = directory.entries[slot], state = dialStates[slot] ?? DialState()
        return TargetState(
            target: entry.target, isSeed: entry.isSeed, node: entry.node, failures: state.failures,
            notBeforeMillis: state.notBeforeMillis, link: state.link)
    }

    public func link(_ id: LinkID) -> LinkState? { links.first { $0.id == id } }

    /// Open links, dials in flight included (not those this machine is closing).
    public var openCount: Int { links.reduce(0) { $0 + ($1.closing ? 0 : 1) } }

    // MARK: Targets

    /// A target from configuration (a seed), kept whatever the limit on learned ones.
    public mutating func addSeed(_ target: Target, node: NodeID? = nil) {
        directory.addSeed(target, node: node)
    }

    /// A peer told where `node` listens (peer exchange), or an inbound peer's Hello did. Kept
    /// when the node is trusted, not this one, not known at another target, and the learned
    /// targets are not at their limit. True when it is new.
    @discardableResult
    public mutating func learned(_ target: Target, node: NodeID) -> Bool {
        guard node != selfID, trusts(node) else { return false }
        if let slot = directory.slot(of: target) {
            if directory.entries[slot].node == nil { directory.setNode(node, at: slot) }
            return false
        }
        guard !directory.entries.contains(where: { $0.node == node }), directory.learnedCount < config.maxLearnedTargets else {
            return false
        }
        directory.addLearned(target, node: node)
        return true
    }

    /// The trust list changed: closes the links to nodes no longer on it.
    public mutating func trustChanged(trusted: Set<NodeID>?) -> [Action] {
        self.trusted = trusted
        var actions = [Action]()
        for link in links where !link.closing {
            if let peer = link.peer, !trusts(peer) { actions.append(closing(link.id, .untrusted(peer))) }
        }
        return actions
    }

    // MARK: Time

    /// The node starts: schedules its first rotation. Dialling starts with `fill`.
    public mutating func start(nowMillis: UInt64, using rotationRandom: inout some RandomNumberGenerator) {
        if config.rotateIntervalMillis > 0 { nextRotationMillis = nowMillis + rotationDelay(using: &rotationRandom) }
    }

    /// The periodic timer: each open link's handshake or idle timeout, else its own timer
    /// (`tickSession`), in the order the links opened; then the rotation, when it is due.
    /// Call `fill` once these actions are done.
    public mutating func tick(nowMillis now: UInt64, using rotationRandom: inout some RandomNumberGenerator) -> [Action] {
        var actions = [Action]()
        for link in links where !link.closing {
            switch link.phase {
            case .dialing:
                continue
            case .handshaking:
                if now >= link.openedMillis + config.handshakeTimeoutMillis { actions.append(closing(link.id, .handshakeTimeout)) }
            case .established, .syncing:
                if now >= link.lastHeardMillis + config.idleTimeoutMillis {
                    actions.append(closing(link.id, .silent(millis: now - link.lastHeardMillis)))
                } else {
                    actions.append(.tickSession(link.id))
                }
            }
        }
        if let due = nextRotationMillis, now >= due {
            nextRotationMillis = now + rotationDelay(using: &rotationRandom)
            actions += rotate(nowMillis: now, using: &rotationRandom)
        }
        return actions
    }

    /// Dials targets, chosen at random, while there is room for more links.
    public mutating func fill(nowMillis now: UInt64, using random: inout some RandomNumberGenerator) -> [Action] {
        var room = config.maxConnections - openCount
        guard room > 0, directory.count > 0 else { return [] }
        var actions = [Action]()
        // Uniform among the targets it may dial, by rejection sampling; when that keeps missing
        // (few may be dialled), a full scan, at most once per `fullScanIntervalMillis`.
        var attempts = 0
        while room > 0 && attempts < 64 {
            attempts += 1
            let index = Int.random(in: 0..<directory.count, using: &random)
            guard mayDial(index, nowMillis: now) else { continue }
            room -= 1
            actions.append(dial(index, nowMillis: now, rotation: false))
        }
        if let last = lastFullScanMillis, now < last + config.fullScanIntervalMillis { return actions }
        guard room > 0 else { return actions }
        lastFullScanMillis = now
        var candidates = directory.entries.indices.filter { mayDial($0, nowMillis: now) }
        candidates.shuffle(using: &random)
        for index in candidates.prefix(room) { actions.append(dial(index, nowMillis: now, rotation: false)) }
        return actions
    }

    /// A peer's message arrived on the link (it is alive).
    public mutating func heard(link id: LinkID, nowMillis: UInt64) {
        guard let i = position(of: id) else { return }
        links[i].lastHeardMillis = nowMillis
    }

    // MARK: Connections

    /// The dial's connection is up; its handshake starts.
    public mutating func dialSucceeded(link id: LinkID, nowMillis: UInt64) {
        guard let i = position(of: id) else { return }
        links[i].phase = .handshaking
        links[i].openedMillis = nowMillis
        links[i].lastHeardMillis = nowMillis
    }

    /// The dial failed: the target backs off. Returns its failures in a row and the wait before
    /// it may be dialled again.
    @discardableResult
    public mutating func dialFailed(link id: LinkID, nowMillis: UInt64, using random: inout some RandomNumberGenerator) -> (failures: Int, retryInMillis: UInt64) {
        guard let i = position(of: id) else { return (0, 0) }
        let link = links.remove(at: i)
        if rotatingLink == id { rotatingLink = nil }
        guard let slot = link.slot else { return (0, 0) }
        var state = dialStates[slot] ?? DialState()
        state.link = nil
        state.failures += 1
        let delay = config.backoff.delay(failures: state.failures, using: &random)
        state.notBeforeMillis = nowMillis + delay
        dialStates[slot] = state
        return (state.failures, delay)
    }

    /// A connection arrived: its link id, or nil when the node is full (close it at once).
    public mutating func inbound(nowMillis: UInt64) -> LinkID? {
        let connected = links.reduce(0) { $0 + ($1.closing || $1.phase == .dialing ? 0 : 1) }
        guard connected < config.maxConnections + config.inboundHeadroom else { return nil }
        let id = nextLinkID
        nextLinkID += 1
        links.append(LinkState(id: id, direction: .inbound, slot: nil, phase: .handshaking, openedMillis: nowMillis, lastHeardMillis: nowMillis))
        return id
    }

    /// The link's handshake completed with `peer` (a trusted node). Returns whether the link is
    /// kept (false: it duplicates an older one and is being closed) and what to do.
    public mutating func established(link id: LinkID, peer: NodeID, nowMillis: UInt64) -> (keep: Bool, actions: [Action]) {
        guard let i = position(of: id), !links[i].closing else { return (false, []) }
        links[i].phase = .established
        links[i].peer = peer
        links[i].establishedMillis = nowMillis
        // (Written only when it changes: the directory may be shared.)
        if let slot = links[i].slot, directory.entries[slot].node != peer { directory.setNode(peer, at: slot) }
        let link = links[i]
        guard let other = links.first(where: { $0.id != id && !$0.closing && $0.peer == peer }) else { return (true, []) }
        // Both sides pick the same survivor: the link dialled by the smaller node id (the older
        // one when both were dialled by the same side).
        let mine = initiator(of: link), theirs = initiator(of: other)
        let loser = mine == theirs || theirs < mine ? id : other.id
        return (loser != id, [closing(loser, .duplicate(peer))])
    }

    /// The peer's Hello arrived: the link is in use. An outbound link's target counts a success;
    /// the rotation that dialled it completes (step 3).
    public mutating func helloReceived(link id: LinkID, using rotationRandom: inout some RandomNumberGenerator) -> [Action] {
        guard let i = position(of: id), !links[i].closing else { return [] }
        links[i].phase = .syncing
        // No reset of the target's failures here: a link that comes up and is closed at once
        // for a failure (a peer that keeps refusing our batches) must back off like a refused
        // dial. `linkClosed` resets the streak once a link has lasted.
        guard rotatingLink == id else { return [] }
        rotatingLink = nil
        let others = syncingLinks().filter { $0 != id }
        guard others.count + 1 > config.maxConnections, let old = others.randomElement(using: &rotationRandom) else { return [] }
        return [closing(old, .rotating)]
    }

    /// The link closed (whoever closed it). An outbound link's target backs off: a link that
    /// lasted counts one failure, one that did not another failure in a row. `failed`: it closed
    /// for a failure (the handshake, the protocol, a refused batch, a Goodbye that says so),
    /// which counts one more failure in a row even after a link that lasted, so a peer that is
    /// reached but keeps failing is redialled with the same exponential backoff as a refused dial.
    public mutating func linkClosed(
        link id: LinkID, failed: Bool = false, nowMillis now: UInt64, using random: inout some RandomNumberGenerator
    ) {
        guard let i = position(of: id) else { return }
        let link = links.remove(at: i)
        // A rotation whose link closed before its Hello: nothing else is closed.
        if rotatingLink == id { rotatingLink = nil }
        guard let slot = link.slot else { return }
        var state = dialStates[slot] ?? DialState()
        state.link = nil
        let lasted = link.establishedMillis.map { now - $0 > config.successMillis } ?? false
        switch (lasted, failed) {
        case (true, false): state.failures = 1
        case (true, true): state.failures = 2
        case (false, _): state.failures += 1
        }
        state.notBeforeMillis = now + config.backoff.delay(failures: state.failures, using: &random)
        dialStates[slot] = state
    }

    // MARK: Rotation

    /// Trims links beyond `maxConnections`, then, when full, dials one more target at random
    /// (`helloReceived` closes another once it is up). See the type's comment.
    private mutating func rotate(nowMillis now: UInt64, using random: inout some RandomNumberGenerator) -> [Action] {
        var actions = [Action]()
        var syncing = syncingLinks()
        if syncing.count > config.maxConnections {
            let surplus = syncing.count - config.maxConnections
            syncing.shuffle(using: &random)
            for id in syncing.prefix(surplus) { actions.append(closing(id, .trimming)) }
        }
        guard rotatingLink == nil, openCount >= config.maxConnections else { return actions }
        let candidates = directory.entries.indices.filter { mayDial($0, nowMillis: now) }
        guard let index = candidates.randomElement(using: &random) else { return actions }
        let action = dial(index, nowMillis: now, rotation: true)
        if case .dial(_, let link, _) = action { rotatingLink = link }
        actions.append(action)
        return actions
    }

    /// A random time in [½, 1½] of the rotation interval.
    private func rotationDelay(using random: inout some RandomNumberGenerator) -> UInt64 {
        let interval = config.rotateIntervalMillis
        return interval / 2 + random.next() % (interval + 1)
    }

    /// Links past the peer's Hello, in the order they opened.
    private func syncingLinks() -> [LinkID] {
        links.filter { !$0.closing && $0.phase == .syncing }.map(\.id)
    }

    // MARK: Parts

    /// Whether the target may be dialled now: no outbound link to it, backoff expired, and its
    /// node (when known) not this one, trusted, and not linked already.
    private func mayDial(_ index: Int, nowMillis: UInt64) -> Bool {
        if let state = dialStates[index], state.link != nil || state.notBeforeMillis > nowMillis { return false }
        guard let node = directory.entries[index].node else { return true }
        return node != selfID && trusts(node) && !links.contains { !$0.closing && $0.peer == node }
    }

    private mutating func dial(_ index: Int, nowMillis: UInt64, rotation: Bool) -> Action {
        let id = nextLinkID
        nextLinkID += 1
        dialStates[index, default: DialState()].link = id
        let target = directory.entries[index].target
        links.append(LinkState(id: id, direction: .outbound(target), slot: index, phase: .dialing, openedMillis: nowMillis, lastHeardMillis: nowMillis))
        return .dial(target, link: id, rotation: rotation)
    }

    /// Marks the link closing (it counts no more; a rotation waiting for it is over, having
    /// closed nothing) and says to close it.
    private mutating func closing(_ id: LinkID, _ reason: CloseReason) -> Action {
        if let i = position(of: id) { links[i].closing = true }
        if rotatingLink == id { rotatingLink = nil }
        return .close(id, reason)
    }

    private func initiator(of link: LinkState) -> NodeID {
        link.isOutbound ? selfID : link.peer ?? selfID
    }

    private func position(of id: LinkID) -> Int? { links.firstIndex { $0.id == id } }
}
