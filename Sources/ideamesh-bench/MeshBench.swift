import ArgumentParser
import Foundation
import MeshCRDT
#if canImport(Glibc)
import Glibc
#endif

/// `ideamesh-bench mesh`: N real daemons on loopback, a partial mesh as the daemons build it from
/// a few seeds each; ideas written at random nodes; how long until every node holds each one,
/// what the mesh costs in bytes per node, and each daemon's memory.
struct MeshBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mesh",
        abstract: "Propagation time, bytes per node and RSS of N real daemons on loopback.",
        discussion: """
            Runs the real `ideameshd` found next to this executable (build both: \
            `swift build -c release`). Steps:

            1. N nodes are made with `ideameshd init` (one network key), each trusting every \
            other. Node i lists as seeds node i−1 and up to --seeds − 1 other earlier nodes, \
            chosen with --seed; from there the daemons' own peer exchange and bounded random \
            dialling (--max-connections) build the mesh. The bench waits until every node has at \
            least min(2, N−1) syncing links and holds a first idea written at node 0.
            2. --ideas times, every --interval-ms: an idea is submitted at a node chosen at random \
            (`idea.submit`, timed from just before the call), and every node is polled \
            (`admin.status` op counts, one sweep over the nodes after another) until each holds it. \
            Propagation time is the time until the last node holds it; arrival times at each node \
            are kept too. A sweep takes well under 10 ms with 32 nodes, which bounds the resolution.
            3. Bytes per node: bytes_in + bytes_out over the node's links (`admin.peers`: \
            handshakes, framing, encryption; not TCP/IP headers) at the end minus at the start \
            of step 2, so they cover the ideas plus the periodic Haves of that time. RSS: each \
            daemon's VmRSS and VmHWM at the end.

            Output: one JSON object: bench ("mesh"), nodes, ideas, max_connections, seed, cpus, \
            links (per node: min, mean, max), propagation_ms (p50, p90, p99, max, samples), \
            arrival_ms (over every node and idea: p50, p99, max), bytes_per_node (mean, max, \
            per_idea_mean), rss_bytes (mean, max), peak_rss_bytes (mean, max), seconds, and \
            targets: propagation_p99_ms (<= 1000 with 32 nodes).
            """)

    @Option(help: "How many daemons (2…64).")
    var nodes = 16

    @Option(help: "Ideas to time.")
    var ideas = 50

    @Option(name: .customLong("interval-ms"), help: "Pause between ideas, in ms.")
    var intervalMs = 100

    @Option(help: "Seeds each node lists (node i−1 and others before it).")
    var seeds = 3

    @Option(name: .customLong("max-connections"), help: "Each daemon's [network] max_connections.")
    var maxConnections = 8

    @Option(help: "Seed of the random choices (seeds, where ideas are written).")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Directory for the nodes and logs (default: a temporary one, removed afterwards).", valueName: "dir"))
    var dir: String?

    @Option(name: .customLong("log-level"), help: "The daemons' log level.")
    var logLevel = "notice"

    func validate() throws {
        guard (2...64).contains(nodes) else { throw ValidationError("--nodes must be 2…64") }
        guard (1...10_000).contains(ideas) else { throw ValidationError("--ideas must be 1…10000") }
        guard (0...60_000).contains(intervalMs) else { throw ValidationError("--interval-ms must be 0…60000") }
        guard (1...16).contains(seeds) else { throw ValidationError("--seeds must be 1…16") }
        guard (1...256).contains(maxConnections) else { throw ValidationError("--max-connections must be 1…256") }
    }

    func run() throws {
        let base = dir ?? NSTemporaryDirectory() + "ideamesh-bench-mesh-\(getpid())"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        if dir == nil { Interruption.removeOnInterrupt(base) }
        let cluster = try BenchDaemons(base: base)
        defer {
            cluster.stopAll()
            if dir == nil { removeTree(base) }
        }
        let report = try measure(cluster)
        let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    func measure(_ cluster: BenchDaemons) throws -> [String: Any] {
        let started = Stopwatch()
        var rng = SplitMix64(seed: seed)
        var made = [BenchDaemons.Node]()
        for i in 0..<nodes {
            made.append(try cluster.initNode("n\(i)", department: "Ward \(i)", networkKeyFrom: made.first))
        }
        for (i, node) in made.enumerated() {
            var chosen = i > 0 ? [i - 1] : []
            var earlier = Array(0..<max(0, i - 1))
            while chosen.count < seeds, !earlier.isEmpty {
                chosen.append(earlier.remove(at: Int(rng.next() % UInt64(earlier.count))))
            }
            try cluster.configure(
                node, department: "Ward \(i)", listen: true, seeds: chosen.map { made[$0] },
                trusted: made.filter { $0.id != node.id }, maxConnections: maxConnections)
        }
        let daemons = try made.map { try cluster.start($0, logLevel: logLevel) }

        // Up: every node linked, and holding a first idea written at node 0.
        let wantLinks = min(2, nodes - 1)
        let up = Stopwatch()
        while try daemons.contains(where: { try syncingLinks($0) < wantLinks }) {
            guard up.seconds < 60 else { throw BenchError("the mesh did not come up in 60 s\(daemons[0].logTail())") }
            usleep(20_000)
        }
        var expected = 1
        _ = try daemons[0].call("idea.submit", idea(0))
        _ = try waitAll(daemons, ops: expected, timeout: 60)

        let bytesBefore = try daemons.map(linkBytes)
        var propagation = [Double](), arrivals = [Double]()
        for k in 1...ideas {
            let at = Int(rng.next() % UInt64(nodes))
            let watch = Stopwatch()
            _ = try daemons[at].call("idea.submit", idea(k))
            expected += 1
            let times = try waitAll(daemons, ops: expected, timeout: 30, watch: watch)
            propagation.append((times.max() ?? 0) * 1000)
            arrivals += times.map { $0 * 1000 }
            if intervalMs > 0 { usleep(UInt32(intervalMs) * 1000) }
        }
        let bytes = try zip(daemons.map(linkBytes), bytesBefore).map { Double($0 - $1) }
        let links = try daemons.map { Double(try syncingLinks($0)) }
        let rss = daemons.map { Double($0.currentRSS()) }, peak = daemons.map { Double($0.peakRSS()) }

        let p99 = propagation.percentile(0.99)
        return [
            "bench": "mesh", "nodes": nodes, "ideas": ideas, "max_connections": maxConnections, "seeds": seeds, "seed": seed,
            "cpus": ProcessInfo.processInfo.activeProcessorCount, "interval_ms": intervalMs,
            "links": ["min": links.min() ?? 0, "mean": links.mean, "max": links.max() ?? 0],
            "propagation_ms": [
                "p50": propagation.median, "p90": propagation.percentile(0.9), "p99": p99, "max": propagation.max() ?? 0,
                "samples": propagation,
            ],
            "arrival_ms": ["p50": arrivals.median, "p99": arrivals.percentile(0.99), "max": arrivals.max() ?? 0],
            "bytes_per_node": ["mean": bytes.mean, "max": bytes.max() ?? 0, "per_idea_mean": bytes.mean / Double(ideas)],
            "rss_bytes": ["mean": rss.mean, "max": rss.max() ?? 0],
            "peak_rss_bytes": ["mean": peak.mean, "max": peak.max() ?? 0],
            "seconds": started.seconds,
            "targets": [
                "propagation_p99_ms": SyncBench.target(p99, "<= 1000", p99 <= 1000)
            ],
        ]
    }

    private func idea(_ k: Int) -> [String: Any] {
        ["title": "Mesh probe \(k)", "problem": "How long does an idea take to reach every node?", "solution": "Write at one node, poll all."]
    }

    /// Polls every node that does not yet hold `ops` ops, sweep after sweep, until all do; each
    /// node's arrival time by `watch`.
    private func waitAll(_ daemons: [DaemonProcess], ops: Int, timeout: Double, watch: Stopwatch = Stopwatch()) throws -> [Double] {
        var arrived = [Double?](repeating: nil, count: daemons.count)
        while arrived.contains(where: { $0 == nil }) {
            for (i, daemon) in daemons.enumerated() where arrived[i] == nil {
                if SyncBench.int(try daemon.call("admin.status")["ops"]) >= ops { arrived[i] = watch.seconds }
            }
            guard watch.seconds < timeout else {
                let missing = arrived.enumerated().filter { $0.element == nil }.map(\.offset)
                throw BenchError("nodes \(missing) did not reach \(ops) ops in \(Int(timeout)) s\(daemons[missing[0]].logTail())")
            }
        }
        return arrived.map { $0 ?? 0 }
    }

    private func syncingLinks(_ daemon: DaemonProcess) throws -> Int {
        (try daemon.call("admin.peers")["peers"] as? [[String: Any]] ?? []).filter { $0["state"] as? String == "syncing" }.count
    }

    private func linkBytes(_ daemon: DaemonProcess) throws -> Int {
        (try daemon.call("admin.peers")["peers"] as? [[String: Any]] ?? []).reduce(0) {
            $0 + SyncBench.int($1["bytes_in"]) + SyncBench.int($1["bytes_out"])
        }
    }
}
