import ArgumentParser
import Foundation
import MeshClient
#if canImport(Glibc)
import Glibc
#endif

/// `ideamesh-bench cli`: the `ideamesh submit` round trip as staff see it, from the process
/// start to the daemon's acknowledgement of a durable write, against one real `ideameshd`.
struct CliBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cli",
        abstract: "`ideamesh submit` round trip (process start to acknowledged durable write) against a real daemon.",
        discussion: """
            Runs the real `ideameshd` and `ideamesh` found next to this executable (build both: \
            `swift build -c release`). One daemon is made (`ideameshd init --new-network`) and \
            started; then, --samples times each (after --warmup unmeasured runs of each):

            - cli_submit: `ideamesh submit --socket S --title … --problem … --solution …` is \
            spawned (posix_spawn; stdin and stdout /dev/null, stderr to a file) and timed on a \
            monotonic clock from just before the spawn to the return of waitpid; it must exit 0. \
            This is the figure of the target (median < 30 ms).
            - control_submit: the same `idea.submit` as one request over a control connection \
            opened once (MeshClient's ControlConnection): the daemon's share of the round trip.
            - process_start: `ideamesh --version`, spawned and timed the same way: the bare cost \
            of starting the CLI process.

            The runs alternate (cli, control, version) so that drift affects all three alike. At \
            the end `idea.list` must count every idea submitted (warm-ups included).

            Output: one JSON object; times in ms. Keys: bench ("cli"), samples, warmup, cpus, \
            cli_submit, control_submit, process_start (each: samples_ms, median_ms, p90_ms, \
            max_ms, min_ms, mean_ms), cli_overhead_median_ms (cli_submit median minus \
            control_submit median), ideas_expected, ideas_listed, targets: submit_round_trip_median_ms \
            (< 30) with value, target and met.
            """)

    @Option(help: "Measured runs of each kind.")
    var samples = 50

    @Option(help: "Unmeasured runs of each kind first (page cache, daemon warm-up).")
    var warmup = 3

    @Option(help: ArgumentHelp("Directory for the node and its log (default: a temporary one, removed afterwards).", valueName: "dir"))
    var dir: String?

    @Option(help: ArgumentHelp("The daemon's log level.", valueName: "level"))
    var logLevel = "info"

    func validate() throws {
        guard samples >= 1 && samples <= 100_000 else { throw ValidationError("--samples must be 1…100000") }
        guard warmup >= 0 && warmup <= 1_000 else { throw ValidationError("--warmup must be 0…1000") }
    }

    func run() throws {
        do { try measure() } catch {
            if Interruption.happened { Thread.sleep(forTimeInterval: 60) }
            throw error
        }
    }

    func measure() throws {
        let temporary = dir == nil
        let base = URL(fileURLWithPath: dir ?? NSTemporaryDirectory() + "ideamesh-bench-cli-\(getpid())").standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { if temporary { removeTree(base) } }
        if temporary { Interruption.removeOnInterrupt(base) }
        let cli = try Self.findCLI()
        let cluster = try BenchDaemons(base: base)
        defer { cluster.stopAll() }

        let node = try cluster.initNode("cli", department: "Bench", networkKeyFrom: nil)
        try cluster.configure(node, department: "Bench", listen: false, seeds: [], trusted: [])
        let daemon = try cluster.start(node, logLevel: logLevel)
        _ = try daemon.control()  // waits for the socket
        let connection: ControlConnection
        do { connection = try ControlConnection(path: node.socket) } catch {
            throw BenchError("cannot open a control connection: \(error)\(daemon.logTail())")
        }

        let stderrPath = base + "/ideamesh.stderr"
        func submitArguments(_ k: Int) -> [String] {
            [
                "ideamesh", "submit", "--socket", node.socket,
                "--title", "CLI probe \(k)", "--problem", "How long does ideamesh submit take, start to acknowledged write?",
                "--solution", "Spawn it and time it to its exit.", "--tags", "bench",
            ]
        }
        func params(_ k: Int) -> [String: Any] {
            [
                "title": "Control probe \(k)", "problem": "How long does idea.submit take over an open connection?",
                "solution": "Send it and time the reply.", "tags": ["bench"],
            ]
        }
        func spawnChecked(_ arguments: [String]) throws -> Double {
            let (seconds, status) = try Self.spawn(cli, arguments, stderr: stderrPath)
            guard status == 0 else {
                let text = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
                throw BenchError("\(arguments.joined(separator: " ")) exited \(status): \(text)\(daemon.logTail())")
            }
            return seconds
        }
        func controlSubmit(_ k: Int) throws -> Double {
            let watch = Stopwatch()
            do {
                let result = try connection.call("idea.submit", params(k))
                let seconds = watch.seconds
                guard result["id"] is String else { throw BenchError("idea.submit gave no id") }
                return seconds
            } catch let error as ControlClientError {
                throw BenchError("idea.submit over the control connection: \(error)\(daemon.logTail())")
            }
        }

        var cliMs = [Double](), controlMs = [Double](), versionMs = [Double]()
        var k = 0
        for round in 0..<(warmup + samples) {
            let measured = round >= warmup
            let a = try spawnChecked(submitArguments(k))
            let b = try controlSubmit(k)
            let c = try spawnChecked(["ideamesh", "--version"])
            k += 1
            if measured {
                cliMs.append(a * 1000)
                controlMs.append(b * 1000)
                versionMs.append(c * 1000)
            }
        }

        // Every idea landed: one per CLI run and one per control request.
        let expected = 2 * (warmup + samples)
        let listed = SyncBench.int(try daemon.call("idea.list", ["limit": 1])["total"])
        guard listed == expected else {
            throw BenchError("idea.list counts \(listed) ideas; \(expected) were submitted\(daemon.logTail())")
        }

        let median = cliMs.median
        let report: [String: Any] = [
            "bench": "cli",
            "samples": samples,
            "warmup": warmup,
            "cpus": ProcessInfo.processInfo.activeProcessorCount,
            "cli_submit": Self.summary(cliMs),
            "control_submit": Self.summary(controlMs),
            "process_start": Self.summary(versionMs),
            "cli_overhead_median_ms": median - controlMs.median,
            "ideas_expected": expected,
            "ideas_listed": listed,
            "targets": ["submit_round_trip_median_ms": SyncBench.target(median, "< 30", median < 30)],
        ]
        let json = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
        FileHandle.standardOutput.write(json)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    static func summary(_ ms: [Double]) -> [String: Any] {
        [
            "samples_ms": ms.map { ($0 * 1000).rounded() / 1000 },
            "median_ms": ms.median,
            "p90_ms": ms.percentile(0.9),
            "max_ms": ms.max() ?? 0,
            "min_ms": ms.min() ?? 0,
            "mean_ms": ms.isEmpty ? 0 : ms.reduce(0, +) / Double(ms.count),
        ]
    }

    /// The `ideamesh` next to this executable.
    static func findCLI() throws -> String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let path = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("ideamesh").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw BenchError("no ideamesh at \(path): build it first: swift build -c release (with the same --scratch-path as this bench)")
        }
        return path
    }

    /// Spawns `path` with `arguments` (argv[0] first; stdin and stdout /dev/null, stderr to
    /// `stderr`) and waits for it: the seconds from just before posix_spawn to the return of
    /// waitpid, and its exit status (128 + signal when killed).
    static func spawn(_ path: String, _ arguments: [String], stderr: String) throws -> (seconds: Double, status: Int32) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let watch = Stopwatch()
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environ)
        guard spawned == 0 else { throw BenchError("posix_spawn \(path): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw BenchError("waitpid: \(String(cString: strerror(errno)))") }
        }
        let seconds = watch.seconds
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import.
        let signal = status & 0x7f
        return (seconds, signal == 0 ? (status >> 8) & 0xff : 128 + signal)
    }
}
