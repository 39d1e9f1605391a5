import ArgumentParser
import Foundation
import MeshSim

/// `ideamesh-bench simulate`: the mesh in the deterministic simulator (MeshSim): the real sync
/// state machine and wire encoding on every link of up to thousands of nodes, over a simulated
/// network with loss, delay and partitions, on a virtual clock. The same options (seed included)
/// print the same JSON, byte for byte, except `wall_seconds` (`--no-wall-seconds` leaves it out).
struct SimulateBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a mesh of many nodes: rounds and virtual time to convergence, bytes per node.",
        discussion: """
            Ideas are written at random nodes once the mesh has formed; the run ends when every \
            node holds every op (all version vectors equal), after watching the in-sync mesh for a \
            few Have intervals. A round is one hop: an idea's rounds are the most links it crossed \
            to reach a node. The target is rounds <= 2*log2(nodes) for every idea ("met"). \
            A lost message is lost inside a connection that stays up; the gap reply and the \
            periodic Have repair it. Times are virtual milliseconds.
            """)

    @Option(help: "Nodes in the mesh.")
    var nodes = 1_000

    @Option(help: "Ideas written, each at a random node.")
    var ideas = 20

    @Option(help: "Probability that a message is lost (0 to <1).")
    var loss = 0.01

    @Option(name: .customLong("delay-ms"), help: ArgumentHelp("One-way delay of each message, uniform in MIN..MAX milliseconds.", valueName: "min..max"))
    var delay = "5..50"

    @Option(help: "max_connections of every node.")
    var maxConnections = 8

    @Option(name: .customLong("have-interval-ms"), help: "Interval of the periodic Have, in milliseconds (ideameshd: 30000).")
    var haveInterval: UInt64 = 1_000

    @Option(name: .customLong("rotate-interval-ms"), help: "Link rotation interval, in milliseconds (jittered 50-150%; 0: off; ideameshd: 300000).")
    var rotateInterval: UInt64 = 300_000

    @Option(help: ArgumentHelp(
        "A partition: from START to END ms, the first FRACTION of the nodes (default 0.5) cannot reach the others. Repeatable.",
        valueName: "start..end[:fraction]"))
    var partition: [String] = []

    @Option(help: "Seed of every random choice.")
    var seed: UInt64 = 1

    @Option(help: "Origins of the history every node starts with.")
    var historyOrigins = 16

    @Option(help: "Ops of each history origin.")
    var historyOps = 4

    @Option(name: .customLong("write-start-ms"), help: "When the first idea is written (the mesh forms before).")
    var writeStart: UInt64 = 5_000

    @Option(name: .customLong("write-spacing-ms"), help: "Time between two writes.")
    var writeSpacing: UInt64 = 100

    @Option(help: "Have intervals watched after convergence to measure the in-sync mesh.")
    var inSyncIntervals = 5

    @Option(name: .customLong("max-virtual-ms"), help: "Stop (not converged) at this virtual time.")
    var maxVirtual: UInt64 = 600_000

    @Flag(help: "Skip the origin's signature check on received batches (to measure what it costs; the chain is still checked).")
    var noVerifySignatures = false

    @Flag(help: "Leave wall_seconds out, so that two runs can be compared byte for byte.")
    var noWallSeconds = false

    var simulationConfig: SimulationConfig {
        get throws {
            var config = SimulationConfig()
            config.nodes = nodes
            config.ideas = ideas
            config.loss = loss
            let ends = delay.split(separator: ".", omittingEmptySubsequences: true)
            guard delay.contains(".."), ends.count == 2, let low = UInt64(ends[0]), let high = UInt64(ends[1]), low <= high else {
                throw ValidationError("--delay-ms must be MIN..MAX milliseconds, e.g. 5..50")
            }
            config.delayMillis = low...high
            config.maxConnections = maxConnections
            config.haveIntervalMillis = haveInterval
            config.rotateIntervalMillis = rotateInterval
            config.partitions = try partition.map { text in
                guard let p = Partition(parsing: Substring(text)) else {
                    throw ValidationError("--partition must be START..END[:FRACTION], e.g. 6000..20000:0.3 (got \(text))")
                }
                return p
            }
            config.seed = seed
            config.historyOrigins = historyOrigins
            config.historyOpsPerOrigin = historyOps
            config.writeStartMillis = writeStart
            config.writeSpacingMillis = writeSpacing
            config.inSyncIntervals = inSyncIntervals
            config.maxVirtualMillis = maxVirtual
            config.verifySignatures = !noVerifySignatures
            return config
        }
    }

    func validate() throws {
        let problems = try simulationConfig.problems
        if let first = problems.first { throw ValidationError(first) }
    }

    func run() throws {
        let config = try simulationConfig
        let watch = Stopwatch()
        let report = Simulation(config: config).run()
        let output = Output(report: report, wallSeconds: noWallSeconds ? nil : watch.seconds)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(output), as: UTF8.self))
    }

    /// The report, plus the wall-clock time the run took (the only figure that varies).
    struct Output: Encodable {
        let report: SimulationReport
        let wallSeconds: Double?

        enum Keys: String, CodingKey { case wallSeconds }

        func encode(to encoder: any Encoder) throws {
            try report.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encodeIfPresent(wallSeconds, forKey: .wallSeconds)
        }
    }
}
