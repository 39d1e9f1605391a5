import Foundation
import MeshClient
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One department's `ideameshd` on loopback: its data dir (made by the real `ideameshd init`),
/// its config, its `ideameshd run` process with stderr in a log file per run, and requests to
/// its control socket.
///
/// Not thread-safe: one task drives it.
public final class DaemonNode {
    public let name: String
    public let department: String
    public let dataDir: String
    public let nodeID: String
    public let port: Int
    public let controlSocket: String
    private let logPrefix: String
    private let oneLogFile: Bool
    public private(set) var process: ChildProcess?
    public private(set) var logPaths: [String] = []
    /// Whether the caller means this daemon to be up: a cluster fails fast when one dies.
    public private(set) var shouldBeRunning = false

    public typealias Exit = ChildProcess.Exit

    /// `admin.digest`.
    public struct Digest: Equatable, CustomStringConvertible, Sendable {
        public var digest: String
        public var ops: Int
        public var heads: [String: Int]
        public var description: String { "\(digest.prefix(12))… ops=\(ops) heads=\(heads.mapValues { $0 })" }
    }

    /// One open connection in `admin.peers`.
    public struct Peer: CustomStringConvertible, Sendable {
        public var nodeID: String?
        public var state: String
        public var direction: String
        public var batchesRefused: Int
        public var description: String { "\(nodeID.map { String($0.prefix(10)) } ?? "?") \(direction) \(state)" }
    }

    /// `logPrefix`: each run's stderr goes to `<logPrefix>.runN.log`, or with `oneLogFile` every
    /// run's to `<logPrefix>.log`, one after the other.
    public init(
        name: String, department: String, dataDir: String, nodeID: String, port: Int, controlSocket: String, logPrefix: String,
        oneLogFile: Bool = false
    ) {
        self.name = name
        self.department = department
        self.dataDir = dataDir
        self.nodeID = nodeID
        self.port = port
        self.controlSocket = controlSocket
        self.logPrefix = logPrefix
        self.oneLogFile = oneLogFile
    }

    public var short: String { String(nodeID.prefix(10)) }
    public var address: String { "127.0.0.1:\(port)" }
    public var configPath: String { dataDir + "/ideameshd.toml" }
    public var storePath: String { dataDir + "/ideamesh.sqlite" }
    public var networkKeyPath: String { dataDir + "/network.key" }

    // MARK: Init

    /// Runs `ideameshd init` for a data dir, with a new network key or a copy of
    /// `networkKeyFrom`'s; returns the node id it printed and its whole output.
    public static func initialize(
        dataDir: String, department: String, networkKeyFrom: String?, ideameshd: String = Loopback.ideameshd
    ) throws(HarnessError) -> (nodeID: String, output: String) {
        var arguments = ["init", "--data", dataDir, "--dept", department]
        if let networkKeyFrom { arguments += ["--network-key", networkKeyFrom] } else { arguments.append("--new-network") }
        let (status, stdout, stderr) = try runToEnd(ideameshd, arguments)
        guard status == 0 else {
            throw HarnessError("ideameshd \(arguments.joined(separator: " ")) failed (\(status)): \(stderr)\(stdout)")
        }
        guard let line = stdout.split(separator: "\n").first(where: { $0.contains("node id:") }),
              let id = line.split(separator: " ").last.map(String.init), id.count == 52 else {
            throw HarnessError("no node id in the output of ideameshd init: \(stdout)")
        }
        return (id, stdout + stderr)
    }

    // MARK: Config

    /// Overwrites the node's config: listen on its port (unless `listens` is false: the node
    /// then only dials out, and no peer can learn an address for it), dial `seeds` and
    /// `seedAddresses` (e.g. a fault proxy's), trust the nodes `trustIDs` names; `extra` goes
    /// after the control socket.
    /// `web`: serve the web pages on this `host:port` (nil: `[web] enabled = false`).
    public func configure(
        seeds: [DaemonNode] = [], seedAddresses: [String] = [], trustIDs: [String], listens: Bool = true, extra: String = "",
        web: String? = nil, webSessionTimeoutSeconds: Int? = nil
    ) throws(HarnessError) {
        var config = LoopbackConfig(
            department: department, listen: listens ? address : nil, seeds: seeds.map(\.address) + seedAddresses,
            trust: trustIDs, controlSocket: controlSocket)
        config.extra = extra
        config.web = web
        config.webSessionTimeoutSeconds = webSessionTimeoutSeconds
        try config.write(to: configPath)
    }

    public func configure(
        seeds: [DaemonNode] = [], seedAddresses: [String] = [], trust: [DaemonNode] = [], listens: Bool = true, extra: String = "",
        web: String? = nil, webSessionTimeoutSeconds: Int? = nil
    ) throws(HarnessError) {
        try configure(
            seeds: seeds, seedAddresses: seedAddresses, trustIDs: trust.map(\.nodeID), listens: listens, extra: extra, web: web,
            webSessionTimeoutSeconds: webSessionTimeoutSeconds)
    }

    /// `ideameshd web-password`: the ward passcode (`user` nil) or `user`'s own password, given
    /// on standard input as a script would.
    public func setWebPassword(user: String?, secret: String, ideameshd: String = Loopback.ideameshd) throws(HarnessError) {
        let arguments = ["web-password", "--data", dataDir] + (user.map { ["--user", $0] } ?? ["--passcode"])
        let (status, stdout, stderr) = try Self.runToEnd(ideameshd, arguments, input: secret + "\n")
        guard status == 0 else {
            throw HarnessError("ideameshd \(arguments.joined(separator: " ")) failed (\(status)): \(stderr)\(stdout)")
        }
    }

    /// Runs a command to its end; its exit status, stdout and stderr. Output goes through files,
    /// not pipes: a child another thread spawns meanwhile may inherit a pipe's write end and
    /// hold it open (a daemon for minutes), and reading a pipe to its end would wait for it.
    static func runToEnd(_ executable: String, _ arguments: [String], input: String? = nil) throws(HarnessError) -> (Int32, String, String) {
        let base = NSTemporaryDirectory() + "ideamesh-run-\(UUID().uuidString.prefix(8))"
        let paths = (in: base + ".in", out: base + ".out", err: base + ".err")
        defer { for path in [paths.in, paths.out, paths.err] { unlink(path) } }
        for path in [paths.out, paths.err] { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        _ = FileManager.default.createFile(atPath: paths.in, contents: Data((input ?? "").utf8))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        do {
            process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: paths.in))
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: paths.out))
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: paths.err))
            try process.run()
        } catch {
            throw HarnessError("cannot run \(executable): \(error)")
        }
        process.waitUntilExit()
        let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        return (process.terminationStatus, read(paths.out), read(paths.err))
    }

    // MARK: Process

    public var isRunning: Bool { process?.isRunning ?? false }

    /// Starts `ideameshd run` (without waiting for it to be ready); stderr goes to a new log file.
    /// `blockedSignals`: start it with these signals blocked, as a parent that blocks them would.
    /// `environment`: variables added to (or replacing) this process's, e.g. libfaketime's.
    /// `launcher`: a command that execs the daemon in its own process (same pid), e.g.
    /// `["/bin/sh", "-c", "exec \"$@\"", "sh"]`; the daemon's path and arguments follow it.
    /// `newProcessGroup`: a terminal's Ctrl-C then reaches only this process, which stops the
    /// daemon in its own time (the demo).
    public func launch(
        logLevel: String = "debug", blockedSignals: [Int32] = [], environment: [String: String] = [:], launcher: [String] = [],
        newProcessGroup: Bool = false, ideameshd: String = Loopback.ideameshd
    ) throws(HarnessError) {
        guard !isRunning else { throw HarnessError("\(name) is already running") }
        let logPath = oneLogFile ? "\(logPrefix).log" : "\(logPrefix).run\(logPaths.count + 1).log"
        let command = launcher + [ideameshd, "run", "--data", dataDir, "--log-level", logLevel]
        do {
            process = try ChildProcess(
                executable: command[0], arguments: Array(command.dropFirst()),
                stdout: "/dev/null", stderr: logPath,
                environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
                blockedSignals: blockedSignals, newProcessGroup: newProcessGroup)
        } catch {
            throw HarnessError("cannot start \(name)'s daemon: \(error)")
        }
        if logPaths.last != logPath { logPaths.append(logPath) }
        shouldBeRunning = true
    }

    /// One look: whether the control socket answers a ping with this node's id; throws once the
    /// daemon has exited.
    public func answersPing() throws(HarnessError) -> Bool {
        guard let process, process.isRunning else {
            shouldBeRunning = false
            throw HarnessError("\(name) exited while starting (\(exit.map { "\($0)" } ?? "?"))\n\(logTail())")
        }
        guard let pong = try? ControlConnection(path: controlSocket, timeoutSeconds: 5).call("ping") else { return false }
        return pong["node_id"] as? String == nodeID
    }

    /// Waits until the control socket answers a ping with this node's id.
    public func waitReady(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        // Look, then check the deadline: a task starved of threads by others (the pool is as wide
        // as the cores) must not fail without one more look once it runs again.
        while true {
            if try answersPing() { return }
            guard ContinuousClock.now < deadline else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("\(name) not ready after \(timeout)\n\(logTail())")
    }

    /// `waitReady` for a caller that is not async (it blocks the thread).
    public func waitReadyBlocking(timeout: Duration = .seconds(60)) throws(HarnessError) {
        let deadline = ContinuousClock.now + timeout
        while true {
            if try answersPing() { return }
            guard ContinuousClock.now < deadline else { break }
            usleep(50_000)
        }
        throw HarnessError("\(name) not ready after \(timeout)\n\(logTail())")
    }

    public func start(environment: [String: String] = [:]) async throws {
        try launch(environment: environment)
        try await waitReady()
    }

    /// The running daemon's resident set size in bytes (VmRSS in /proc/PID/status; Linux).
    public func residentBytes() throws(HarnessError) -> Int {
        guard let process, process.isRunning else { throw HarnessError("\(name) is not running") }
        guard let status = try? String(contentsOfFile: "/proc/\(process.pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap({ Int($0) }) else {
            throw HarnessError("\(name): no VmRSS in /proc/\(process.pid)/status")
        }
        return kib * 1024
    }

    /// The last run's end, once it has ended.
    public var exit: Exit? {
        guard let process, !process.isRunning else { return nil }
        return process.exit
    }

    public func send(signal signo: Int32) throws(HarnessError) {
        guard let process else { throw HarnessError("\(name) was never started") }
        if signo == SIGKILL || signo == SIGTERM || signo == SIGINT { shouldBeRunning = false }
        guard process.signal(signo) else { throw HarnessError("\(name) (pid \(process.pid)) is not running") }
    }

    public func waitForExit(timeout: Duration = .seconds(15)) async throws -> Exit {
        guard let process else { throw HarnessError("\(name) was never started") }
        if let exit = try await process.waitForExit(timeout: timeout) { return exit }
        throw HarnessError("\(name) still running \(timeout) after it was asked to stop\n\(logTail())")
    }

    /// SIGTERM, and the way it ended.
    public func terminate(timeout: Duration = .seconds(15)) async throws -> Exit {
        try send(signal: SIGTERM)
        return try await waitForExit(timeout: timeout)
    }

    /// SIGKILL, and the way it ended.
    public func kill9() async throws -> Exit {
        try send(signal: SIGKILL)
        return try await waitForExit()
    }

    /// SIGTERM, then SIGKILL if it has not exited within `grace`; blocks the thread. For callers
    /// that are not async (the demo, the benchmarks).
    public func stopBlocking(grace: Duration = .seconds(10)) {
        shouldBeRunning = false
        guard let process, process.isRunning else { return }
        _ = process.signal(SIGTERM)
        let deadline = ContinuousClock.now + grace
        while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        process.killAndReap()
    }

    /// Teardown: SIGKILL and reap (synchronously, for `defer`).
    public func forceStop() {
        shouldBeRunning = false
        process?.killAndReap()
    }

    // MARK: Logs

    /// Every run's stderr, oldest first.
    public var log: String {
        logPaths.enumerated().map { index, path in
            "--- \(name) run \(index + 1) ---\n" + ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
        }.joined()
    }

    /// The last run's stderr.
    public var currentLog: String {
        logPaths.last.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? ""
    }

    public func logTail(lines: Int = 60) -> String {
        let all = log.split(separator: "\n", omittingEmptySubsequences: false)
        return "=== \(name) (\(short), \(address)) log, last \(min(lines, all.count)) lines ===\n" + all.suffix(lines).joined(separator: "\n")
    }

    // MARK: Control requests

    /// A new connection to the control socket.
    public func client(timeoutSeconds: Int = 30) throws(ControlClientError) -> ControlConnection {
        try ControlConnection(path: controlSocket, timeoutSeconds: timeoutSeconds)
    }

    /// One request and its reply, whatever it is.
    public func request(_ method: String, _ params: [String: Any]? = nil) throws -> ControlReplyLine {
        try client().request(method, params)
    }

    /// A request that must succeed: its result.
    public func call(_ method: String, _ params: [String: Any]? = nil) throws -> [String: Any] {
        let reply = try request(method, params)
        guard reply.ok else { throw HarnessError("\(name): \(method) failed: \(reply.line)") }
        return reply.result
    }

    /// Whether this daemon knows `method` (an unknown one answers `unknown_method`; a known one
    /// called with bad parameters answers something else).
    public func supports(_ method: String) -> Bool {
        guard let reply = try? request(method, ["__probe__": true]) else { return false }
        return reply.ok || reply.errorCode != "unknown_method"
    }

    /// Submits an idea (as this process's OS user); returns its id.
    @discardableResult
    public func submit(_ title: String, theme: String? = nil, tags: [String] = []) throws -> String {
        var params: [String: Any] = ["title": title, "problem": "problem of \(title)", "solution": "solution of \(title)"]
        if let theme { params["theme"] = theme }
        if !tags.isEmpty { params["tags"] = tags }
        guard let id = try call("idea.submit", params)["id"] as? String else { throw HarnessError("\(name): idea.submit gave no id") }
        return id
    }

    /// Submits ideas over one connection, every request sent before the first reply is read
    /// (CONTROL.md allows it; replies come in order). Returns their ids.
    public func submitPipelined(_ titles: [String]) throws -> [String] {
        let client = try client()
        try client.write(try titles.map {
            try ControlConnection.encode("idea.submit", ["title": $0, "problem": "problem of \($0)", "solution": "solution of \($0)"]) + "\n"
        }.joined())
        return try titles.map { title in
            let reply = try ControlReplyLine(line: try client.readLine())
            guard reply.ok, let id = reply.result["id"] as? String else { throw HarnessError("\(name): no id for \(title): \(reply)") }
            return id
        }
    }

    /// Defines themes as a leader would (this process's user runs the daemon, so is a leader):
    /// an idea may only be filed under a defined theme.
    public func defineThemes(_ codes: String...) throws {
        for code in codes { _ = try call("theme.define", ["code": code, "name": code.capitalized]) }
    }

    public func show(_ id: String) throws -> [String: Any] { try call("idea.show", ["id": id]) }

    public func opCount() throws -> Int { try digest().ops }

    public func digest() throws -> Digest {
        let result = try call("admin.digest")
        guard let digest = result["digest"] as? String, let ops = jsonInt(result["ops"]), let heads = result["heads"] as? [String: Any] else {
            throw HarnessError("\(name): malformed admin.digest: \(result)")
        }
        return Digest(digest: digest, ops: ops, heads: heads.compactMapValues(jsonInt))
    }

    public func peers() throws -> [Peer] {
        let result = try call("admin.peers")
        guard let peers = result["peers"] as? [[String: Any]] else { throw HarnessError("\(name): malformed admin.peers: \(result)") }
        return peers.map {
            Peer(nodeID: $0["node_id"] as? String, state: $0["state"] as? String ?? "?",
                 direction: $0["direction"] as? String ?? "?", batchesRefused: jsonInt($0["batches_refused"]) ?? 0)
        }
    }

    /// Node ids of the peers in sync with this node.
    public func syncingPeers() throws -> Set<String> {
        Set(try peers().filter { $0.state == "syncing" }.compactMap(\.nodeID))
    }

    /// The node ids of the addresses this node dials (`admin.peers` "addresses").
    public func dialledNodes() throws -> Set<String> {
        let result = try call("admin.peers")
        let addresses = result["addresses"] as? [[String: Any]] ?? []
        return Set(addresses.compactMap { $0["node_id"] as? String })
    }

    public func ideaTitles() throws -> [String] {
        let result = try call("idea.list", ["limit": 10_000])
        guard let ideas = result["ideas"] as? [[String: Any]] else { throw HarnessError("\(name): malformed idea.list: \(result)") }
        return ideas.compactMap { $0["title"] as? String }
    }
}

extension ControlConnection {
    /// Sends `{"id": id, "method": method, "params": params}` and reads the reply, whatever it is.
    public func request(_ method: String, _ params: [String: Any]? = nil, id: Any? = nil) throws -> ControlReplyLine {
        try roundTrip(raw: try Self.encode(method, params, id: id))
    }

    /// A request line (without its newline).
    public static func encode(_ method: String, _ params: [String: Any]? = nil, id: Any? = nil) throws -> String {
        var object: [String: Any] = ["method": method]
        if let params { object["params"] = params }
        if let id { object["id"] = id }
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
