import Foundation

/// What a simulated run measured. Every figure is a function of the config (seed included), so
/// the same config gives an equal report, and the same JSON.
///
/// **Rounds.** The mesh pushes every op to every connected peer that lacks it as soon as it
/// arrives (PROTOCOL.md §4), so gossip does not advance in synchronized rounds; a round here is
/// one hop: a node that learns an op from a peer that had it after r hops has it after r + 1 (the
/// origin: 0). An idea's `rounds` is the most hops any node needed to get it, by the path it
/// actually arrived on (a lost batch repaired by a Have arrives later, and maybe by a longer
/// path). The target is `rounds ≤ 2·log2(N)` for every idea. `have_intervals` gives the same
/// spread in units of the Have interval (virtual time ÷ interval), for the repair path's view.
public struct SimulationReport: Codable, Equatable, Sendable {
    /// Nearest-rank percentiles of a set of values, and its mean.
    public struct Summary: Codable, Equatable, Sendable {
        public var count: Int
        public var mean: Double
        public var p50: Double
        public var p99: Double
        public var max: Double

        init(_ values: [Double]) {
            count = values.count
            guard !values.isEmpty else { mean = 0; p50 = 0; p99 = 0; max = 0; return }
            let sorted = values.sorted()
            func rank(_ p: Double) -> Double {
                let index = Int((p * Double(sorted.count)).rounded(.up)) - 1
                return sorted[Swift.max(0, Swift.min(sorted.count - 1, index))]
            }
            mean = sorted.reduce(0, +) / Double(sorted.count)
            p50 = rank(0.5)
            p99 = rank(0.99)
            max = sorted[sorted.count - 1]
        }
    }

    public struct Mesh: Codable, Equatable, Sendable {
        /// Established links when the first idea was written, and each node's number of them.
        public var links: Int
        public var degree: Summary
        public var dials: Int
        public var refusedConnections: Int
        public var handshakeTimeouts: Int
        public var idleTimeouts: Int
        public var duplicateLinks: Int
        public var closes: Int
        /// Link rotation: dials made by a full node, links it then closed ("rotating links"), and
        /// links closed because a node had more than `maxConnections`.
        public var rotationDials: Int
        public var rotations: Int
        public var trimmed: Int
    }

    public struct Network: Codable, Equatable, Sendable {
        public var messagesSent: Int
        public var lost: Int
        public var partitioned: Int
        public var handshakeBytes: Int
    }

    public struct Sync: Codable, Equatable, Sendable {
        public var batchesReceived: Int
        /// Ops received that the node already held (pushed by several peers at once).
        public var duplicateOps: Int
        /// Batches that did not follow what the receiver held, and the Haves sent in reply.
        public var gaps: Int
        public var gapHaves: Int
        public var refusedBatches: Int
        public var forks: Int
        public var messagesByKind: [String: Int]
        public var bytesByKind: [String: Int]
    }

    /// An in-sync mesh: the traffic of `intervals` Have intervals, starting two intervals after
    /// convergence.
    public struct InSync: Codable, Equatable, Sendable {
        public var intervals: Int
        public var links: Int
        public var bytesPerLinkPerInterval: Double
        public var bytesPerNodePerInterval: Summary
        public var messagesByKind: [String: Int]
    }

    public var bench = "simulate"
    public var config: SimulationConfig
    public var converged: Bool
    /// Virtual time from the first write until every node held every op (all version vectors equal).
    public var convergedAfterMillis: UInt64?
    public var roundsLimit: Double
    /// Every idea reached every node within `roundsLimit` rounds.
    public var met: Bool
    /// Per idea (ideas that reached every node): the most rounds (hops) a node needed.
    public var rounds: Summary
    /// Per idea: virtual time from its write until every node held it.
    public var convergenceMillis: Summary
    /// `convergenceMillis` in Have intervals.
    public var haveIntervals: Summary
    /// Per idea and node: hops, and virtual time from the write.
    public var deliveryHops: Summary
    public var deliveryMillis: Summary
    public var ideasConverged: Int
    /// Per node, sent from the first write until convergence (to the end, if none).
    public var bytesPerNode: Summary
    public var messagesPerNode: Summary
    /// Per node, sent over the whole run (the mesh forming, Hellos, the in-sync window too).
    public var totalBytesPerNode: Summary
    public var inSync: InSync?
    public var mesh: Mesh
    public var network: Network
    public var sync: Sync
    public var virtualMillis: UInt64
    public var events: UInt64

    init(simulation: Simulation, stats: SimulationStats, window: (start: SimulationStats, end: SimulationStats)?) {
        let config = simulation.config
        let ideas = simulation.ideas
        self.config = config
        converged = stats.convergedMillis != nil
        if let end = stats.convergedMillis, let start = stats.firstWriteMillis { convergedAfterMillis = end - start }
        let limit = 2 * log2(Double(config.nodes))
        roundsLimit = limit
        let done = ideas.filter { $0.convergedMillis != nil }
        ideasConverged = done.count
        met = done.count == ideas.count && done.allSatisfy { Double($0.maxHops) <= limit }
        rounds = Summary(done.map { Double($0.maxHops) })
        let millis = done.map { Double($0.convergedMillis! - $0.writtenMillis) }
        convergenceMillis = Summary(millis)
        haveIntervals = Summary(millis.map { $0 / Double(config.haveIntervalMillis) })
        deliveryHops = Summary(stats.deliveryHops.map { Double($0) })
        deliveryMillis = Summary(stats.deliveryMillis.map { Double($0) })

        let nodes = simulation.nodes
        let from = stats.atFirstWrite.isEmpty ? nodes.map { _ in (SimNode.Traffic(), SimNode.Traffic()) } : stats.atFirstWrite
        let to = stats.atConvergence.isEmpty ? nodes.map { ($0.sent, $0.received) } : stats.atConvergence
        bytesPerNode = Summary(zip(from, to).map { Double($1.sent.bytes - $0.sent.bytes) })
        messagesPerNode = Summary(zip(from, to).map { Double($1.sent.messages - $0.sent.messages) })
        totalBytesPerNode = Summary(nodes.map { Double($0.sent.bytes) })

        if let (start, end) = window {
            let intervals = config.inSyncIntervals
            let perNode = zip(start.traffic, end.traffic).map { Double($1.sent.bytes - $0.sent.bytes) / Double(intervals) }
            let total = perNode.reduce(0, +)
            inSync = InSync(
                intervals: intervals, links: end.openLinks,
                bytesPerLinkPerInterval: end.openLinks == 0 ? 0 : total / Double(end.openLinks),
                bytesPerNodePerInterval: Summary(perNode),
                messagesByKind: Self.byKind { end.kindMessages[$0] - start.kindMessages[$0] })
        }
        mesh = Mesh(
            links: stats.linksAtFirstWrite, degree: Summary(stats.degreeAtFirstWrite.map { Double($0) }), dials: stats.dials,
            refusedConnections: stats.refusedConnections, handshakeTimeouts: stats.handshakeTimeouts,
            idleTimeouts: stats.idleTimeouts, duplicateLinks: stats.duplicateLinks, closes: stats.closes,
            rotationDials: stats.rotationDials, rotations: stats.rotations, trimmed: stats.trimmed)
        network = Network(messagesSent: stats.messagesSent, lost: stats.lost, partitioned: stats.partitioned, handshakeBytes: stats.handshakeBytes)
        sync = Sync(
            batchesReceived: stats.batchesReceived, duplicateOps: stats.duplicateOps, gaps: stats.gaps, gapHaves: stats.gapHaves,
            refusedBatches: stats.refusedBatches, forks: stats.forks,
            messagesByKind: Self.byKind { stats.kindMessages[$0] }, bytesByKind: Self.byKind { stats.kindBytes[$0] })
        virtualMillis = simulation.now
        events = stats.events
    }

    private static func byKind(_ value: (Int) -> Int) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: SimulationStats.Kind.allCases.map { ($0.name, value($0.rawValue)) })
    }
}
