import Foundation
import MeshCRDT
import MeshModel
import MeshWire

/// A deterministic simulation of an ideamesh mesh: up to thousands of nodes, each running the
/// real sync state machine (`SyncSession`) on every link, exchanging the real protobuf messages
/// (`SyncMessage.encode`/`decode`; bytes counted as framed and encrypted on the wire,
/// `WireCost`) over a simulated network, on a virtual clock. Nothing here reads a clock, a file
/// or a socket: a run is a function of its `SimulationConfig`, seed included.
///
/// **Events.** A priority queue by virtual time; events due at the same time run in the order
/// they were scheduled. Every node's timer fires every `tickMillis` (each node at its own random
/// phase): its sessions' periodic Haves, handshake and idle timeouts, rotation, and dialling.
///
/// **Network.** Each message (the three handshake messages too) is lost with probability `loss`;
/// otherwise it arrives after a delay drawn uniformly from `delayMillis`, and never before an
/// earlier message of the same link and direction (TCP keeps order). A lost message models a
/// message lost *inside* a connection that stays up (a batch dropped on the way, a store that
/// failed to apply it): the sender's view of the peer has already advanced, so nothing is resent
/// until the receiver notices a gap (the next batch of that origin does not follow what it holds:
/// its `SyncSession` answers with a Have, at most once a second per link) or the periodic
/// Have finds the views differ (PROTOCOL.md §4). That is the repair path under test. A lost
/// Hello makes the peer close the connection ("expected Hello first"), which is then redialled;
/// a lost handshake message leaves the link to the 10 s handshake timeout. Partitions drop every
/// message between the groups and make dials between them time out.
///
/// **Membership** is the daemon's own: each node runs a `Membership` state machine (MeshWire), as
/// `Mesh` does, whose targets are the other nodes' indexes: dial targets and when, inbound
/// headroom, one link per pair, backoff with jitter, handshake and idle timeouts, link rotation
/// and trimming (PROTOCOL.md §7). The simulator only performs its actions on the simulated
/// network. A dial connects at once (TCP's connect is not modelled, only the handshake's
/// messages), so a connection counts from its dial at both ends. Rotation draws from a random
/// stream of its own, so that a run without rotation draws what it drew before rotation existed.
/// Peer exchange is not simulated: every node knows every other node's address, the state
/// `Peers` messages lead to. Applying a batch takes no virtual time, and a link has no bandwidth
/// limit (batches of a few ideas are small); delays are the network's.
///
/// **Ops** are real signed ops (`SignedOp.make`) in an in-memory log per node (`OpLog`), applied
/// with the store's own checks (`PreparedBatch`: contiguous, chained, signed, idempotent). Views
/// are not materialized.
public final class Simulation {
    enum Event {
        case tick(node: Int)
        case write(idea: Int)
        /// Handshake message `step` (1…3) of a link arrives.
        case handshake(link: Int, step: Int)
        /// A sync message arrives at `side` of a link; `hops`: for a batch, per op, the links it
        /// will have crossed from its origin once applied here.
        case deliver(link: Int, side: Int, bytes: [UInt8], hops: [UInt16]?)
        /// The in-sync measurement window opens (0) or closes (1).
        case mark(Int)
    }

    /// A written idea: where, when, and how far it has spread.
    struct IdeaProgress {
        let node: Int
        let writtenMillis: UInt64
        var seq: UInt64 = 0
        var holders = 0
        var maxHops = 0
        var convergedMillis: UInt64?
    }

    public let config: SimulationConfig
    private var queue = EventQueue<Event>()
    private(set) var now: UInt64 = 0
    private(set) var nodes: [SimNode] = []
    private(set) var links: [SimLink] = []
    private let originIndex: [NodeID: Int]
    private var network: SplitMix64
    private var choices: SplitMix64
    /// Rotation's own stream: a run without rotation draws exactly what it drew before it existed.
    private var rotation: SplitMix64
    private(set) var ideas: [IdeaProgress] = []
    /// (origin, seq) of each written idea → its index in `ideas`.
    private var ideaAt: [OpKey: Int] = [:]
    private var stats = SimulationStats()
    private let handshakeBytes: [Int]
    private static let wallEpochMillis: UInt64 = 1_750_000_000_000

    struct OpKey: Hashable {
        let origin: Int
        let seq: UInt64
    }

    public init(config: SimulationConfig) {
        precondition(config.problems.isEmpty, "invalid simulation config: \(config.problems)")
        self.config = config
        // Independent streams, so that changing the network does not change the workload.
        var seeds = SplitMix64(seed: config.seed)
        var identitySeeds = SplitMix64(seed: seeds.next())
        network = SplitMix64(seed: seeds.next())
        choices = SplitMix64(seed: seeds.next())
        var workload = SplitMix64(seed: seeds.next())
        rotation = SplitMix64(seed: seeds.next())

        var identities = [NodeIdentity]()
        for _ in 0..<config.nodes {
            var seed = [UInt8]()
            for _ in 0..<4 { withUnsafeBytes(of: identitySeeds.next().littleEndian) { seed += $0 } }
            // 32 bytes of seed: a valid Ed25519 private key, always.
            guard let identity = try? NodeIdentity(seed: seed) else { preconditionFailure("a 32-byte seed is a valid key") }
            identities.append(identity)
        }
        // Every node knows every node (itself too, which its membership never dials), in index
        // order: the state peer exchange leads to. One directory, shared by all the nodes.
        var directory = Membership<Int>.Directory()
        directory.reserveCapacity(identities.count)
        for (i, identity) in identities.enumerated() { directory.addSeed(i, node: identity.nodeID) }
        var index = [NodeID: Int]()
        for (i, identity) in identities.enumerated() {
            let membership = Membership(selfID: identity.nodeID, config: config.membership, directory: directory)
            nodes.append(SimNode(index: i, identity: identity, department: "dept-\(i)", membership: membership))
            index[identity.nodeID] = i
        }
        originIndex = index
        let label = "dept-\(config.nodes)".utf8.count  // as long as the longest label
        handshakeBytes = WireCost.handshake(initiatorDepartmentBytes: label, responderDepartmentBytes: label)

        // The history every node starts with: `historyOpsPerOrigin` ideas from each of the first
        // `historyOrigins` nodes, already everywhere.
        for origin in 0..<config.historyOrigins where config.historyOpsPerOrigin > 0 {
            var log = OpLog()
            var clock = HybridClock()
            for k in 0..<config.historyOpsPerOrigin {
                let hlc = clock.tick(wallMillis: Self.wallEpochMillis - 86_400_000 + UInt64(k))
                _ = log.write(.ideaCreate(Self.content("history \(origin)-\(k)")), author: "staff", hlc: hlc,
                              identity: nodes[origin].identity, origin: origin)
            }
            let list = Array(log.slice(origin, from: 1, count: config.historyOpsPerOrigin))
            let zeros = [UInt16](repeating: 0, count: list.count)
            for i in nodes.indices {
                nodes[i].log.adopt(list, origin: origin, id: nodes[origin].id)
                nodes[i].hops[origin] = zeros
            }
        }

        for k in 0..<config.ideas {
            let node = workload.below(config.nodes)
            ideas.append(IdeaProgress(node: node, writtenMillis: config.writeStartMillis + UInt64(k) * config.writeSpacingMillis))
        }
    }

    static func content(_ title: String) -> IdeaContent {
        IdeaContent(title: title, problem: "Patients wait too long for \(title)", solution: "Try a huddle at shift change", theme: "flow")
    }

    /// Runs to convergence plus the in-sync window (or to `maxVirtualMillis`) and reports. Once.
    public func run() -> SimulationReport {
        precondition(queue.total == 0, "a simulation runs once")
        for i in nodes.indices { queue.schedule(.tick(node: i), at: UInt64(choices.below(Int(config.tickMillis)))) }
        for i in nodes.indices { nodes[i].membership.start(nowMillis: 0, using: &rotation) }
        for k in ideas.indices { queue.schedule(.write(idea: k), at: ideas[k].writtenMillis) }
        var window: (start: SimulationStats, end: SimulationStats?)?
        var stopAt = config.maxVirtualMillis
        while let entry = queue.pop() {
            guard entry.time <= stopAt else { break }
            now = entry.time
            switch entry.payload {
            case .tick(let node):
                tick(node)
                queue.schedule(.tick(node: node), at: now + config.tickMillis)
            case .write(let idea):
                write(idea)
            case .handshake(let link, let step):
                handshake(link, step: step)
            case .deliver(let link, let side, let bytes, let hops):
                deliver(link, side: side, bytes: bytes, hops: hops)
            case .mark(let which):
                if which == 0 { window = (snapshot(), nil) } else { window?.end = snapshot() }
            }
            if stats.convergedMillis == nil, stats.convergedIdeas == ideas.count, allVectorsEqual() {
                stats.convergedMillis = now
                stats.atConvergence = nodes.map { ($0.sent, $0.received) }
                // Let the last exchanges settle for two intervals, then watch the in-sync mesh.
                let open = now + 2 * config.haveIntervalMillis
                let close = open + UInt64(config.inSyncIntervals) * config.haveIntervalMillis
                queue.schedule(.mark(0), at: open)
                queue.schedule(.mark(1), at: close)
                stopAt = close
            }
        }
        stats.events = queue.total
        return SimulationReport(simulation: self, stats: stats, window: window.flatMap { w in w.end.map { (w.start, $0) } })
    }

    // MARK: Report inputs

    func snapshot() -> SimulationStats {
        var copy = stats
        copy.snapshotMillis = now
        copy.openLinks = links.filter { $0.phase == .established }.count
        copy.traffic = nodes.map { ($0.sent, $0.received) }
        return copy
    }

    private func allVectorsEqual() -> Bool {
        let first = nodes[0].log.vector
        return nodes.allSatisfy { $0.log.vector == first }
    }

    // MARK: Writes

    private func write(_ k: Int) {
        let n = ideas[k].node
        if stats.firstWriteMillis == nil {
            stats.firstWriteMillis = now
            stats.atFirstWrite = nodes.map { ($0.sent, $0.received) }
            stats.linksAtFirstWrite = links.filter { $0.phase == .established }.count
            stats.degreeAtFirstWrite = nodes.map { node in node.links.filter { links[$0].phase == .established }.count }
        }
        let hlc = nodes[n].clock.tick(wallMillis: Self.wallEpochMillis + now)
        _ = nodes[n].log.write(.ideaCreate(Self.content("idea \(k)")), author: "staff", hlc: hlc, identity: nodes[n].identity, origin: n)
        nodes[n].hops[n, default: []].append(0)
        let seq = nodes[n].log.vector[nodes[n].id].seq
        ideas[k].seq = seq
        ideaAt[OpKey(origin: n, seq: seq)] = k
        arrived(origin: n, seq: seq, at: n, hops: 0)
        localAdvanced(n)
    }

    /// Node `node` now holds op (origin, seq), having crossed `hops` links.
    private func arrived(origin: Int, seq: UInt64, at node: Int, hops: UInt16) {
        guard let k = ideaAt[OpKey(origin: origin, seq: seq)] else { return }
        ideas[k].holders += 1
        ideas[k].maxHops = max(ideas[k].maxHops, Int(hops))
        stats.deliveryHops.append(hops)
        stats.deliveryMillis.append(now - ideas[k].writtenMillis)
        if ideas[k].holders == nodes.count {
            ideas[k].convergedMillis = now
            stats.convergedIdeas += 1
        }
    }

    // MARK: Timer

    private func tick(_ n: Int) {
        perform(nodes[n].membership.tick(nowMillis: now, using: &rotation), at: n)
        perform(nodes[n].membership.fill(nowMillis: now, using: &choices), at: n)
    }

    /// Does what node `n`'s membership decided.
    private func perform(_ actions: [Membership<Int>.Action], at n: Int) {
        for action in actions {
            switch action {
            case .dial(let j, let member, let rotation):
                if rotation { stats.rotationDials += 1 }
                dial(from: n, to: j, member: member)
            case .tickSession(let member):
                guard let id = nodes[n].linkOf[member], links[id].phase != .closed else { continue }
                let side = links[id].side(of: n)
                perform(links[id].sessions[side].tick(nowMillis: now), link: id, side: side, hops: nil)
                pump(id, side: side)
            case .close(let member, let reason):
                switch reason {
                case .handshakeTimeout: stats.handshakeTimeouts += 1
                case .silent: stats.idleTimeouts += 1
                case .trimming: stats.trimmed += 1
                case .rotating: stats.rotations += 1
                case .duplicate: stats.duplicateLinks += 1
                case .untrusted: break
                }
                if let id = nodes[n].linkOf[member] { close(id, reason: "\(reason)") }
            }
        }
    }

    // MARK: Sync

    private func localAdvanced(_ n: Int) {
        let vector = nodes[n].log.vector
        for id in nodes[n].links {
            let side = links[id].side(of: n)
            guard links[id].phase != .closed, links[id].established[side] else { continue }
            links[id].sessions[side].localAdvanced(vector)
            pump(id, side: side)
        }
    }

    /// The socket can always take more: send every batch the peer lacks.
    private func pump(_ id: Int, side: Int) {
        while links[id].phase != .closed, links[id].established[side], let action = links[id].sessions[side].nextBatch() {
            perform([action], link: id, side: side, hops: nil)
        }
    }

    private func perform(_ actions: [SyncSession.Action], link id: Int, side: Int, hops: [UInt16]?) {
        let n = links[id].ends[side]
        for action in actions {
            guard links[id].phase != .closed else { return }
            switch action {
            case .send(let message):
                send(message, link: id, side: side, hops: nil)
            case .sendOps(let origin, let from, let count):
                guard let o = originIndex[origin] else { preconditionFailure("ops of an unknown origin") }
                let ops = Array(nodes[n].log.slice(o, from: from, count: count))
                precondition(ops.count == count, "a session asked for ops its node does not hold")
                let start = Int(from) - 1
                let relayed = nodes[n].hops[o]![start..<(start + count)].map { $0 &+ 1 }
                send(.batch(ops), link: id, side: side, hops: relayed)
            case .apply(let ops):
                apply(ops, link: id, side: side, hops: hops)
            case .learnPeers:
                break  // peer exchange is not simulated (every node knows every address)
            case .close(let reason), .peerLeft(let reason):
                close(id, reason: reason)
            }
        }
    }

    private func apply(_ batch: [SignedOp], link id: Int, side: Int, hops: [UInt16]?) {
        let n = links[id].ends[side]
        let outcome = nodes[n].log.apply(batch, originIndex: { self.originIndex[$0] }, verifySignature: config.verifySignatures)
        switch outcome {
        case .accepted(let origin, let lastSeq, let firstNewSeq, let applied):
            stats.batchesReceived += 1
            stats.duplicateOps += batch.count - applied
            if applied > 0 {
                guard let o = originIndex[origin] else { preconditionFailure("applied ops of an unknown origin") }
                let firstSeq = lastSeq - UInt64(batch.count) + 1
                for seq in firstNewSeq...lastSeq {
                    let h = hops?[Int(seq - firstSeq)] ?? 1
                    nodes[n].hops[o, default: []].append(h)
                    arrived(origin: o, seq: seq, at: n, hops: h)
                }
            }
            links[id].sessions[side].applied(origin: origin, through: lastSeq, local: nodes[n].log.vector)
            if applied > 0 { localAdvanced(n) }
        case .gap:
            stats.gaps += 1
            // The session answers a gap with a Have at most once a second.
            let actions = links[id].sessions[side].rejected(resend: true, reason: "gap", local: nodes[n].log.vector, nowMillis: now)
            if !actions.isEmpty { stats.gapHaves += 1 }
            perform(actions, link: id, side: side, hops: nil)
        case .refused(let why):
            stats.refusedBatches += 1
            perform(links[id].sessions[side].rejected(resend: false, reason: why, local: nodes[n].log.vector, nowMillis: now), link: id, side: side, hops: nil)
        case .fork:
            stats.forks += 1  // cannot happen here: every origin writes one chain
        }
    }

    // MARK: Network

    private func send(_ message: SyncMessage, link id: Int, side: Int, hops: [UInt16]?) {
        let bytes = message.encode()
        let wire = WireCost.message(envelopeBytes: bytes.count)
        stats.count(message, wireBytes: wire)
        transmit(link: id, from: side, wireBytes: wire, event: .deliver(link: id, side: 1 - side, bytes: bytes, hops: hops))
    }

    /// Puts a message on the wire from `side`: counted as sent, then lost or delivered in order.
    private func transmit(link id: Int, from side: Int, wireBytes: Int, event: Event) {
        let sender = links[id].ends[side], receiver = links[id].ends[1 - side]
        nodes[sender].sent.add(wireBytes)
        stats.messagesSent += 1
        // Always draw, so that a partition does not shift the rest of the run's random choices.
        let roll = Double(network.next() >> 11) / Double(UInt64(1) << 53)
        let delaySpan = config.delayMillis.upperBound - config.delayMillis.lowerBound
        let delay = config.delayMillis.lowerBound + (delaySpan == 0 ? 0 : network.next() % (delaySpan + 1))
        if config.partitions.contains(where: { $0.separates(sender, receiver, nodes: nodes.count, at: now) }) {
            stats.partitioned += 1
            return
        }
        if roll < config.loss {
            stats.lost += 1
            return
        }
        let at = max(now + delay, links[id].lastArrivalMillis[1 - side])
        links[id].lastArrivalMillis[1 - side] = at
        queue.schedule(event, at: at)
    }

    private func deliver(_ id: Int, side: Int, bytes: [UInt8], hops: [UInt16]?) {
        // A closed link's messages are gone; one that arrives before this side's handshake
        // finished (its last handshake message was lost) could not be decrypted.
        guard links[id].phase != .closed, links[id].established[side] else { return }
        let n = links[id].ends[side]
        nodes[n].received.add(WireCost.message(envelopeBytes: bytes.count))
        if let member = links[id].member[side] { nodes[n].membership.heard(link: member, nowMillis: now) }
        let message: SyncMessage
        do { message = try SyncMessage.decode(bytes) } catch {
            preconditionFailure("the simulator sent an undecodable message: \(error)")
        }
        let awaitingHello = links[id].sessions[side].phase == .awaitingHello
        perform(links[id].sessions[side].receive(message, nowMillis: now), link: id, side: side, hops: hops)
        if awaitingHello, links[id].sessions[side].phase == .syncing, let member = links[id].member[side] {
            perform(nodes[n].membership.helloReceived(link: member, using: &rotation), at: n)
        }
        pump(id, side: side)
    }

    // MARK: Connections

    /// Node `n` dials node `j` (its membership's link `member`); the connection is up at once.
    private func dial(from n: Int, to j: Int, member: Int) {
        let id = links.count
        let session = SyncSession.Config(batchOps: config.batchOps, haveIntervalMillis: config.haveIntervalMillis, resendHaveIntervalMillis: config.gapHaveIntervalMillis)
        links.append(SimLink(id: id, dialler: n, acceptor: j, member: member, now: now, session: session))
        nodes[n].links.append(id)
        nodes[n].linkOf[member] = id
        nodes[n].membership.dialSucceeded(link: member, nowMillis: now)
        stats.dials += 1
        stats.handshakeBytes += handshakeBytes[0]
        transmit(link: id, from: 0, wireBytes: handshakeBytes[0], event: .handshake(link: id, step: 1))
    }

    private func handshake(_ id: Int, step: Int) {
        guard links[id].phase != .closed else { return }
        let side = step == 2 ? 0 : 1  // who receives this message
        let n = links[id].ends[side]
        nodes[n].received.add(handshakeBytes[step - 1])
        switch step {
        case 1:
            // The connection arrives: its membership accepts it or refuses it (full). It counts
            // from the dial (see the type's comment).
            guard let member = nodes[n].membership.inbound(nowMillis: links[id].openedMillis) else {
                stats.refusedConnections += 1
                close(id, reason: "too many connections")
                return
            }
            links[id].member[1] = member
            nodes[n].linkOf[member] = id
            nodes[n].links.append(id)
            stats.handshakeBytes += handshakeBytes[1]
            transmit(link: id, from: 1, wireBytes: handshakeBytes[1], event: .handshake(link: id, step: 2))
        case 2:
            // The initiator completes its handshake and sends the last message, then its Hello.
            links[id].established[0] = true
            stats.handshakeBytes += handshakeBytes[2]
            transmit(link: id, from: 0, wireBytes: handshakeBytes[2], event: .handshake(link: id, step: 3))
            guard established(id, side: 0) else { return }
            start(id, side: 0)
        default:
            links[id].established[1] = true
            links[id].phase = .established
            guard established(id, side: 1) else { return }
            start(id, side: 1)
        }
    }

    private func start(_ id: Int, side: Int) {
        let n = links[id].ends[side]
        let actions = links[id].sessions[side].start(local: nodes[n].log.vector, department: nodes[n].department, listenPort: 7400, nowMillis: now)
        perform(actions, link: id, side: side, hops: nil)
    }

    /// `side`'s handshake completed: its membership keeps the link, or closes it or an older one
    /// to the same node (one link per pair). False when `id` is the one closed.
    private func established(_ id: Int, side: Int) -> Bool {
        let n = links[id].ends[side]
        guard let member = links[id].member[side] else { return false }
        let (keep, actions) = nodes[n].membership.established(link: member, peer: nodes[links[id].ends[1 - side]].id, nowMillis: now)
        perform(actions, at: n)
        return keep
    }

    /// Closes a link at both ends; each end's membership hears of it (the dialler backs off).
    private func close(_ id: Int, reason: String) {
        guard links[id].phase != .closed else { return }
        links[id].phase = .closed
        stats.closes += 1
        for side in 0..<2 {
            let n = links[id].ends[side]
            nodes[n].links.removeAll { $0 == id }
            guard let member = links[id].member[side] else { continue }
            nodes[n].linkOf[member] = nil
            nodes[n].membership.linkClosed(link: member, nowMillis: now, using: &choices)
        }
    }
}
