import Foundation
import MeshClient
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One department's node in an end-to-end test: its data dir (made by the real
/// `ideameshd init`), its config, its `ideameshd run` process with stderr in a log file per run,
/// and requests to its control socket.
///
/// Not thread-safe: one test task drives it.
final class DaemonNode {
    let name: String
    let department: String
    let dataDir: String
    let nodeID: String
    let port: Int
    let controlSocket: String
    private let logPrefix: String
    private(set) var process: ChildProcess?
    private(set) var logPaths: [String] = []
    /// Whether the test means this daemon to be up: the cluster fails fast when one dies.
    private(set) var shouldBeRunning = false

    typealias Exit = ChildProcess.Exit

    /// `admin.digest`.
    struct Digest: Equatable, CustomStringConvertible {
        var digest: String
        var ops: Int
        var heads: [String: Int]
        var description: String { "\(digest.prefix(12))… ops=\(ops) heads=\(heads.mapValues { $0 })" }
    }

    /// One open connection in `admin.peers`.
    struct Peer: CustomStringConvertible {
        var nodeID: String?
        var state: String
        var direction: String
        var batchesRefused: Int
        var description: String { "\(nodeID.map { String($0.prefix(10)) } ?? "?") \(direction) \(state)" }
    }

    init(name: String, department: String, dataDir: String, nodeID: String, port: Int, controlSocket: String, logPrefix: String) {
        self.name = name
        self.department = department
        self.dataDir = dataDir
        self.nodeID = nodeID
        self.port = port
        self.controlSocket = controlSocket
        self.logPrefix = logPrefix
    }

    var short: String { String(nodeID.prefix(10)) }
    var address: String { "127.0.0.1:\(port)" }
    var configPath: String { dataDir + "/ideameshd.toml" }
    var storePath: String { dataDir + "/ideamesh.sqlite" }
    var networkKeyPath: String { dataDir + "/network.key" }

    // MARK: Config

    /// Overwrites the node's config: listen on its port (unless `listens` is false: the node
    /// then only dials out, and no peer can learn an address for it), dial `seeds` and
    /// `seedAddresses` (e.g. a `FaultProxy`'s), trust `trust` (node ids).
    func configure(
        seeds: [DaemonNode] = [], seedAddresses: [String] = [], trust: [String], listens: Bool = true, extra: String = ""
    ) throws {
        func list(_ items: [String]) -> String { "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        let text = """
            [node]
            department = "\(department)"
            [network]
            \(listens ? "listen = \"\(address)\"" : "")
            seeds = \(list(seeds.map(\.address) + seedAddresses))
            [trust]
            nodes = \(list(trust))
            [control]
            socket = "\(controlSocket)"
            \(extra)
            """
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func configure(seeds: [DaemonNode] = [], seedAddresses: [String] = [], trust: [DaemonNode], listens: Bool = true) throws {
        try configure(seeds: seeds, seedAddresses: seedAddresses, trust: trust.map(\.nodeID), listens: listens)
    }

    // MARK: Process

    var isRunning: Bool { process?.isRunning ?? false }

    /// Starts `ideameshd run` (without waiting for it to be ready); stderr goes to a new log file.
    /// `blockedSignals`: start it with these signals blocked, as a parent that blocks them would.
    /// `environment`: variables added to (or replacing) this process's, e.g. libfaketime's.
    /// `launcher`: a command that execs the daemon in its own process (same pid), e.g.
    /// `["/bin/sh", "-c", "exec \"$@\"", "sh"]`; the daemon's path and arguments follow it.
    func launch(blockedSignals: [Int32] = [], environment: [String: String] = [:], launcher: [String] = []) throws {
        guard !isRunning else { throw HarnessError("\(name) is already running") }
        let logPath = "\(logPrefix).run\(logPaths.count + 1).log"
        let command = launcher + [Harness.ideameshd, "run", "--data", dataDir, "--log-level", "debug"]
        process = try ChildProcess(
            executable: command[0], arguments: Array(command.dropFirst()),
            stdout: "/dev/null", stderr: logPath,
            environment: environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { $1 },
            blockedSignals: blockedSignals)
        logPaths.append(logPath)
        shouldBeRunning = true
    }

    /// Waits until the control socket answers a ping (and says this node's id).
    func waitReady(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        var lastError = "no attempt"
        // Attempt, then check the deadline: a test starved of threads by others (the pool is as
        // wide as the cores) must not fail without one more look once it runs again.
        while true {
            guard let process, process.isRunning else {
                shouldBeRunning = false
                throw HarnessError("\(name) exited while starting (\(exit.map { "\($0)" } ?? "?"))\n\(logTail())")
            }
            do {
                let pong = try ControlSocketClient(path: controlSocket, timeoutSeconds: 5).request("ping").get()
                guard pong["node_id"] as? String == nodeID else { throw HarnessError("\(name): ping answered by \(pong)") }
                return
            } catch {
                lastError = "\(error)"
            }
            guard ContinuousClock.now < deadline else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("\(name) not ready after \(timeout): \(lastError)\n\(logTail())")
    }

    func start(environment: [String: String] = [:]) async throws {
        try launch(environment: environment)
        try await waitReady()
    }

    /// The running daemon's resident set size in bytes (VmRSS in /proc/PID/status; Linux).
    func residentBytes() throws -> Int {
        guard let process, process.isRunning else { throw HarnessError("\(name) is not running") }
        let status = try String(contentsOfFile: "/proc/\(process.pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap({ Int($0) }) else {
            throw HarnessError("\(name): no VmRSS in /proc/\(process.pid)/status")
        }
        return kib * 1024
    }

    /// The last run's end, once it has ended.
    var exit: Exit? {
        guard let process, !process.isRunning else { return nil }
        return process.exit
    }

    func send(signal signo: Int32) throws {
        guard let process else { throw HarnessError("\(name) was never started") }
        if signo == SIGKILL || signo == SIGTERM || signo == SIGINT { shouldBeRunning = false }
        guard process.signal(signo) else { throw HarnessError("\(name) (pid \(process.pid)) is not running") }
    }

    func waitForExit(timeout: Duration = .seconds(15)) async throws -> Exit {
        guard let process else { throw HarnessError("\(name) was never started") }
        if let exit = try await process.waitForExit(timeout: timeout) { return exit }
        throw HarnessError("\(name) still running \(timeout) after it was asked to stop\n\(logTail())")
    }

    /// SIGTERM, and the way it ended.
    func terminate(timeout: Duration = .seconds(15)) async throws -> Exit {
        try send(signal: SIGTERM)
        return try await waitForExit(timeout: timeout)
    }

    /// SIGKILL, and the way it ended.
    func kill9() async throws -> Exit {
        try send(signal: SIGKILL)
        return try await waitForExit()
    }

    /// Teardown: SIGKILL and reap (synchronously, for `defer`).
    func forceStop() {
        shouldBeRunning = false
        process?.killAndReap()
    }

    // MARK: Logs

    /// Every run's stderr, oldest first.
    var log: String {
        logPaths.enumerated().map { index, path in
            "--- \(name) run \(index + 1) ---\n" + ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
        }.joined()
    }

    /// The last run's stderr.
    var currentLog: String {
        logPaths.last.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
    }

    func logTail(lines: Int = 60) -> String {
        let all = log.split(separator: "\n", omittingEmptySubsequences: false)
        return "=== \(name) (\(short), \(address)) log, last \(min(lines, all.count)) lines ===\n" + all.suffix(lines).joined(separator: "\n")
    }

    // MARK: Control requests

    func client() throws -> ControlSocketClient { try ControlSocketClient(path: controlSocket) }

    func request(_ method: String, _ params: [String: Any]? = nil) throws -> ControlResponse {
        try client().request(method, params)
    }

    /// A request that must succeed: its result.
    func call(_ method: String, _ params: [String: Any]? = nil) throws -> [String: Any] {
        let reply = try request(method, params)
        guard reply.ok else { throw HarnessError("\(name): \(method) failed: \(reply.line)") }
        return reply.result
    }

    /// Submits an idea (as the test's OS user); returns its id.
    @discardableResult
    func submit(_ title: String) throws -> String {
        let result = try call("idea.submit", ["title": title, "problem": "problem of \(title)", "solution": "solution of \(title)"])
        guard let id = result["id"] as? String else { throw HarnessError("\(name): idea.submit gave no id: \(result)") }
        return id
    }

    /// Submits ideas over one connection, every request sent before the first reply is read
    /// (CONTROL.md allows it; replies come in order). Returns their ids.
    func submitPipelined(_ titles: [String]) throws -> [String] {
        let client = try client()
        try client.write(try titles.map {
            try ControlSocketClient.encode("idea.submit", ["title": $0, "problem": "problem of \($0)", "solution": "solution of \($0)"]) + "\n"
        }.joined())
        return try titles.map { title in
            let reply = try ControlResponse(line: try client.readLine())
            guard let id = try reply.get()["id"] as? String else { throw HarnessError("\(name): no id for \(title): \(reply)") }
            return id
        }
    }

    func digest() throws -> Digest {
        let result = try call("admin.digest")
        guard let digest = result["digest"] as? String, let ops = jsonInt(result["ops"]), let heads = result["heads"] as? [String: Any] else {
            throw HarnessError("\(name): malformed admin.digest: \(result)")
        }
        return Digest(digest: digest, ops: ops, heads: heads.compactMapValues(jsonInt))
    }

    func peers() throws -> [Peer] {
        let result = try call("admin.peers")
        guard let peers = result["peers"] as? [[String: Any]] else { throw HarnessError("\(name): malformed admin.peers: \(result)") }
        return peers.map {
            Peer(nodeID: $0["node_id"] as? String, state: $0["state"] as? String ?? "?",
                 direction: $0["direction"] as? String ?? "?", batchesRefused: jsonInt($0["batches_refused"]) ?? 0)
        }
    }

    /// Node ids of the peers in sync with this node.
    func syncingPeers() throws -> Set<String> {
        Set(try peers().filter { $0.state == "syncing" }.compactMap(\.nodeID))
    }

    /// The node ids of the addresses this node dials (`admin.peers` "addresses").
    func dialledNodes() throws -> Set<String> {
        let result = try call("admin.peers")
        let addresses = result["addresses"] as? [[String: Any]] ?? []
        return Set(addresses.compactMap { $0["node_id"] as? String })
    }

    func ideaTitles() throws -> [String] {
        let result = try call("idea.list", ["limit": 10_000])
        guard let ideas = result["ideas"] as? [[String: Any]] else { throw HarnessError("\(name): malformed idea.list: \(result)") }
        return ideas.compactMap { $0["title"] as? String }
    }
}
