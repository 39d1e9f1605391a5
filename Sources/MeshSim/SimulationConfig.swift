import MeshWire

/// What a simulated run looks like: the mesh, the network and the workload. Every field has the
/// default `ideamesh-bench simulate` uses; times are virtual milliseconds.
public struct SimulationConfig: Sendable, Equatable, Codable {
    /// Nodes in the mesh (each a department, each an origin when it writes).
    public var nodes = 1_000
    /// New ideas written during the run, each at a node chosen at random.
    public var ideas = 20
    /// Probability that any one message (handshake messages included) is lost on the way.
    public var loss = 0.01
    /// One-way delay of a message, uniform in this range (per message; a link stays in order).
    public var delayMillis: ClosedRange<UInt64> = 5...50
    /// `max_connections` of every node (PROTOCOL.md §7; `ideameshd` default 8).
    public var maxConnections = 8
    /// The periodic Have of every sync session (`ideameshd` uses 30 s; the simulator 1 s).
    public var haveIntervalMillis: UInt64 = 1_000
    /// Link rotation (`rotate_interval_seconds`; `ideameshd` default 300 s): how often, on
    /// average, a node trims links over `maxConnections` and swaps one link for another. 0: off.
    public var rotateIntervalMillis: UInt64 = 300_000
    /// Partitions: during each window, nodes of different groups cannot reach each other.
    public var partitions: [Partition] = []
    /// Seed of every random choice; a run is a function of its config.
    public var seed: UInt64 = 1

    /// Origins of the history every node holds at the start (the first nodes), and ops of each.
    public var historyOrigins = 16
    public var historyOpsPerOrigin = 4
    /// The first idea is written here (the mesh forms before), the others `writeSpacingMillis` apart.
    public var writeStartMillis: UInt64 = 5_000
    public var writeSpacingMillis: UInt64 = 100
    /// After convergence, Have intervals watched to measure what an in-sync mesh costs.
    public var inSyncIntervals = 5
    /// A run that has not converged by then stops and says so.
    public var maxVirtualMillis: UInt64 = 600_000
    /// Check the origin's signature on each batch's last new op, as a receiver must. Off only to
    /// measure what the check costs the simulator; the chain is checked either way.
    public var verifySignatures = true

    // What `ideameshd` fixes (PROTOCOL.md §7, `Mesh.Settings`, `PeerLink`).
    /// Ops per batch (`SyncSession.Config.batchOps`).
    public var batchOps = 256
    /// How often each node's timer runs: session ticks (periodic Haves), timeouts, dialling.
    public var tickMillis: UInt64 = 250
    public var handshakeTimeoutMillis: UInt64 = 10_000
    public var idleTimeoutMillis: UInt64 = 95_000
    /// A gap is answered with a Have at most this often per link.
    public var gapHaveIntervalMillis: UInt64 = 1_000
    /// Reconnect backoff (PROTOCOL.md §7): base and cap.
    public var backoffBaseMillis: UInt64 = 500
    public var backoffCapMillis: UInt64 = 60_000

    public init() {}

    /// Each node's membership rules: `ideameshd`'s, with this run's bounds and times.
    public var membership: Membership<Int>.Config {
        Membership.Config(
            maxConnections: maxConnections, backoff: Backoff(baseMillis: backoffBaseMillis, capMillis: backoffCapMillis),
            handshakeTimeoutMillis: handshakeTimeoutMillis, idleTimeoutMillis: idleTimeoutMillis,
            rotateIntervalMillis: rotateIntervalMillis, maxLearnedTargets: 0)
    }

    /// What is wrong with this config, if anything (for a command's validation).
    public var problems: [String] {
        var out = [String]()
        if nodes < 2 || nodes > 10_000 { out.append("nodes must be 2…10000") }
        if ideas < 1 || ideas > 100_000 { out.append("ideas must be 1…100000") }
        if !(loss >= 0 && loss < 1) { out.append("loss must be in [0, 1)") }
        if maxConnections < 1 { out.append("max connections must be at least 1") }
        if haveIntervalMillis < 1 { out.append("the Have interval must be at least 1 ms") }
        if historyOrigins < 0 || historyOrigins > nodes { out.append("history origins must be 0…nodes") }
        if historyOpsPerOrigin < 0 || historyOpsPerOrigin > 10_000 { out.append("history ops per origin must be 0…10000") }
        if batchOps < 1 { out.append("batch ops must be at least 1") }
        if tickMillis < 1 { out.append("tick must be at least 1 ms") }
        if backoffBaseMillis < 1 || backoffCapMillis < backoffBaseMillis { out.append("the backoff base must be at least 1 ms and the cap at least the base") }
        for partition in partitions {
            if partition.startMillis >= partition.endMillis { out.append("a partition must end after it starts") }
            if !(partition.fraction > 0 && partition.fraction < 1) { out.append("a partition's fraction must be in (0, 1)") }
        }
        return out
    }
}

/// During `startMillis..<endMillis`, the first `fraction` of the nodes (by index; the mesh's
/// links are random, so this is a random group) and the rest cannot reach each other: messages
/// between them are lost and dials between them fail. Links across stay open (TCP does not
/// notice a silent network) until the idle timeout closes them; afterwards the mesh heals.
public struct Partition: Sendable, Equatable, Codable {
    public var startMillis: UInt64
    public var endMillis: UInt64
    public var fraction: Double

    public init(startMillis: UInt64, endMillis: UInt64, fraction: Double = 0.5) {
        self.startMillis = startMillis
        self.endMillis = endMillis
        self.fraction = fraction
    }

    /// `START..END` or `START..END:FRACTION` (milliseconds of virtual time), e.g. `6000..20000:0.3`.
    public init?(parsing text: Substring) {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard let window = parts.first else { return nil }
        guard let dots = window.firstRange(of: ".."), let start = UInt64(window[..<dots.lowerBound]),
              let end = UInt64(window[dots.upperBound...]) else { return nil }
        var fraction = 0.5
        if parts.count == 2 {
            guard let f = Double(parts[1]) else { return nil }
            fraction = f
        }
        self.init(startMillis: start, endMillis: end, fraction: fraction)
    }

    func separates(_ a: Int, _ b: Int, nodes: Int, at now: UInt64) -> Bool {
        guard now >= startMillis && now < endMillis else { return false }
        let cut = Int((Double(nodes) * fraction).rounded())
        return (a < cut) != (b < cut)
    }
}
