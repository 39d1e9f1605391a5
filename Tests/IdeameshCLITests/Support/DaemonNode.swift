import Foundation
import MeshClient
import MeshControl

/// One department's real `ideameshd` in a CLI test: its data dir (made by `ideameshd init`), its
/// config, its process (stderr in a log file), and control requests to it. Adapted from
/// Tests/IdeameshdTests/DaemonNode.swift. Not thread-safe: one test task drives it.
final class DaemonNode {
    let name: String
    let department: String
    let dataDir: String
    let nodeID: String
    let port: Int
    let controlSocket: String
    private let logPath: String
    private(set) var process: ChildProcess?

    init(name: String, department: String, dataDir: String, nodeID: String, port: Int, controlSocket: String, logPath: String) {
        self.name = name
        self.department = department
        self.dataDir = dataDir
        self.nodeID = nodeID
        self.port = port
        self.controlSocket = controlSocket
        self.logPath = logPath
    }

    var short: String { String(nodeID.prefix(10)) }
    var address: String { "127.0.0.1:\(port)" }
    var configPath: String { dataDir + "/ideameshd.toml" }
    var networkKeyPath: String { dataDir + "/network.key" }

    /// Overwrites the config: listen on its port, dial `seeds`, trust `trust`; `extra` is appended.
    func configure(seeds: [DaemonNode] = [], trust: [DaemonNode] = [], extraControl: String = "") throws {
        func list(_ items: [String]) -> String { "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        let text = """
            [node]
            department = "\(department)"
            [network]
            listen = "\(address)"
            seeds = \(list(seeds.map(\.address)))
            [trust]
            nodes = \(list(trust.map(\.nodeID)))
            [control]
            socket = "\(controlSocket)"
            \(extraControl)
            """
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    var isRunning: Bool { process?.isRunning ?? false }

    func launch() throws {
        guard !isRunning else { throw HarnessError("\(name) is already running") }
        process = try ChildProcess(
            executable: Harness.ideameshd, arguments: ["run", "--data", dataDir, "--log-level", "debug"],
            stdout: "/dev/null", stderr: logPath, environment: ProcessInfo.processInfo.environment)
    }

    /// Waits until the control socket answers a ping with this node's id.
    func waitReady(timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        var lastError = "no attempt"
        // Attempt, then check the deadline: a test starved of threads by others (the pool is as
        // wide as the cores) must not fail without one more look once it runs again.
        while true {
            guard isRunning else { throw HarnessError("\(name) exited while starting\n\(logTail())") }
            do {
                let pong = try ControlConnection(path: controlSocket, timeoutSeconds: 5).call("ping")
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

    func forceStop() { process?.killAndReap() }

    func logTail(lines: Int = 40) -> String {
        let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        let all = log.split(separator: "\n", omittingEmptySubsequences: false)
        return "=== \(name) (\(short)) log, last \(min(lines, all.count)) lines ===\n" + all.suffix(lines).joined(separator: "\n")
    }

    // MARK: Control requests (what the tests check the CLI against)

    func call(_ method: String, _ params: [String: Any] = [:]) throws -> [String: Any] {
        try ControlConnection(path: controlSocket, timeoutSeconds: 10).call(method, params)
    }

    /// Whether this daemon knows `method` (an unknown one answers `unknown_method`; a known one
    /// called with bad parameters answers something else).
    func supports(_ method: String) -> Bool {
        do {
            _ = try call(method, ["__probe__": true])
            return true
        } catch ControlClientError.refused(_, let code, _) {
            return code != .unknownMethod
        } catch {
            return false
        }
    }

    @discardableResult
    func submit(_ title: String, theme: String? = nil, tags: [String] = []) throws -> String {
        var params: [String: Any] = ["title": title, "problem": "problem of \(title)", "solution": "solution of \(title)"]
        if let theme { params["theme"] = theme }
        if !tags.isEmpty { params["tags"] = tags }
        guard let id = try call("idea.submit", params)["id"] as? String else { throw HarnessError("\(name): idea.submit gave no id") }
        return id
    }

    /// Defines themes as a leader would (the test runs as the daemon's user, a leader): an idea
    /// may only be filed under a defined theme.
    func defineThemes(_ codes: String...) throws {
        for code in codes { _ = try call("theme.define", ["code": code, "name": code.capitalized]) }
    }

    func opCount() throws -> Int {
        jsonInt(try call("admin.digest")["ops"]) ?? -1
    }

    func show(_ id: String) throws -> [String: Any] { try call("idea.show", ["id": id]) }
}

/// Several daemons under one temp root: `ROOT/<name>/` a data dir, `ROOT/<name>.sock` its
/// control socket, `ROOT/<name>.log` its stderr. Always `defer { cluster.shutdown() }`.
final class DaemonCluster {
    let root: String
    private(set) var nodes: [DaemonNode] = []

    init(_ label: String) throws {
        root = try Harness.makeTempRoot(label)
    }

    func addNode(_ name: String, department: String? = nil) throws -> DaemonNode {
        let dir = "\(root)/\(name)"
        let department = department ?? "Dept \(name.uppercased())"
        var arguments = ["init", "--data", dir, "--dept", department]
        if let first = nodes.first { arguments += ["--network-key", first.networkKeyPath] } else { arguments += ["--new-network"] }
        let run = try CLI.runSync(Harness.ideameshd, arguments, in: root)
        guard run.status == 0 else { throw HarnessError("ideameshd init \(name) failed (\(run.status)): \(run.stderr)") }
        guard let line = run.stdout.split(separator: "\n").first(where: { $0.contains("node id:") }),
              let id = line.split(separator: " ").last.map(String.init), id.count == 52 else {
            throw HarnessError("no node id in the output of init: \(run.stdout)")
        }
        let node = DaemonNode(
            name: name, department: department, dataDir: dir, nodeID: id, port: try Harness.freePort(),
            controlSocket: "\(root)/\(name).sock", logPath: "\(root)/\(name).log")
        nodes.append(node)
        return node
    }

    /// A second node with `original`'s identity and store, from a copy of its data dir made now
    /// (before `original` starts), on a port of its own: what a copied identity or a restored
    /// backup makes, and so a fork once both write.
    func cloneNode(of original: DaemonNode, name: String) throws -> DaemonNode {
        let dir = "\(root)/\(name)"
        try FileManager.default.copyItem(atPath: original.dataDir, toPath: dir)
        let clone = DaemonNode(
            name: name, department: original.department, dataDir: dir, nodeID: original.nodeID, port: try Harness.freePort(),
            controlSocket: "\(root)/\(name).sock", logPath: "\(root)/\(name).log")
        nodes.append(clone)
        return clone
    }

    func start(_ nodes: DaemonNode...) async throws {
        for node in nodes { try node.launch() }
        for node in nodes { try await node.waitReady() }
    }

    /// One started node, trusting nobody: enough for most CLI tests.
    static func single(_ label: String, department: String = "Renal Ward") async throws -> (DaemonCluster, DaemonNode) {
        let cluster = try DaemonCluster(label)
        do {
            let node = try cluster.addNode("a", department: department)
            try node.configure()
            try await cluster.start(node)
            return (cluster, node)
        } catch {
            cluster.shutdown()
            throw error
        }
    }

    func shutdown() {
        for node in nodes { node.forceStop() }
        if Harness.keepDirectories {
            print("IDEAMESH_E2E_KEEP: kept \(root)")
        } else {
            try? FileManager.default.removeItem(atPath: root)
        }
    }

    func logs() -> String { nodes.map { $0.logTail() }.joined(separator: "\n") }

    /// Polls `condition` until it holds; throws (with every log) after `timeout`.
    func eventually(_ what: String, timeout: Duration = .seconds(30), _ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while true {
            do {
                if try condition() { return }
            } catch {
                last = " (last error: \(error))"
            }
            guard ContinuousClock.now < deadline else { throw HarnessError("timed out after \(timeout) waiting for: \(what)\(last)\n\(logs())") }
            try await Task.sleep(for: Harness.pollInterval)
        }
    }
}
