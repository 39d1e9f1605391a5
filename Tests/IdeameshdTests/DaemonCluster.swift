import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Several nodes under one short temp root (Unix socket paths must stay under ~107 bytes):
/// `ROOT/<name>/` is a data dir, `ROOT/<name>.sock` its control socket, `ROOT/<name>.runN.log`
/// its stderr. The root is mode 0755 so that a client run as another OS user can reach the
/// sockets (the data dirs themselves stay 0700).
///
/// Always `defer { cluster.shutdown() }`: it kills every daemon, even when the test failed.
final class DaemonCluster {
    let root: String
    private(set) var nodes: [DaemonNode] = []

    init(_ label: String) throws {
        var template = Array("/tmp/imesh-\(label.prefix(8))-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in mkdtemp(buffer.baseAddress!).map { String(cString: $0) } }
        guard let made else { throw HarnessError("mkdtemp: \(String(cString: strerror(errno)))") }
        root = made
        chmod(root, 0o755)
    }

    /// Runs `ideameshd init` for a new node. The first node (or one with `newNetwork`) makes a
    /// network key; the others copy the first node's.
    func addNode(_ name: String, department: String? = nil, newNetwork: Bool = false) throws -> DaemonNode {
        let dir = "\(root)/\(name)"
        let department = department ?? "Dept \(name.uppercased())"
        var arguments = ["init", "--data", dir, "--dept", department]
        if let first = nodes.first, !newNetwork {
            arguments += ["--network-key", first.networkKeyPath]
        } else {
            arguments += ["--new-network"]
        }
        let run = try InitCommandTests.ideameshd(arguments)
        guard run.status == 0 else { throw HarnessError("ideameshd init \(name) failed (\(run.status)): \(run.stderr)") }
        guard let line = run.stdout.split(separator: "\n").first(where: { $0.contains("node id:") }),
              let id = line.split(separator: " ").last.map(String.init), id.count == 52 else {
            throw HarnessError("no node id in the output of init: \(run.stdout)")
        }
        let identity = try String(contentsOfFile: "\(dir)/identity.key", encoding: .utf8)
        guard identity.contains("# node id: \(id)") else { throw HarnessError("identity.key does not name node \(id)") }
        let node = DaemonNode(
            name: name, department: department, dataDir: dir, nodeID: id, port: try Harness.freePort(),
            controlSocket: "\(root)/\(name).sock", logPrefix: "\(root)/\(name)")
        nodes.append(node)
        return node
    }

    /// Launches the daemons together, then waits until each answers a ping.
    func start(_ nodes: DaemonNode...) async throws {
        for node in nodes { try node.launch() }
        for node in nodes { try await node.waitReady() }
    }

    /// Kills every daemon (SIGKILL) and removes the root, unless IDEAMESH_E2E_KEEP is set.
    func shutdown() {
        for node in nodes { node.forceStop() }
        if Harness.keepDirectories {
            print("IDEAMESH_E2E_KEEP: kept \(root)")
        } else {
            try? FileManager.default.removeItem(atPath: root)
        }
    }

    /// Every node's log tail, for failure messages.
    func logs(_ which: [DaemonNode]? = nil) -> String {
        (which ?? nodes).map { $0.logTail() }.joined(separator: "\n")
    }

    /// Fails (throws) at once when a daemon the test means to be up has died.
    func checkAlive() throws {
        for node in nodes where node.shouldBeRunning && !node.isRunning {
            throw HarnessError("\(node.name) died unexpectedly (\(node.exit.map { "\($0)" } ?? "?"))\n\(logs())")
        }
    }

    /// Polls `condition` until it holds; throws (with every log) after `timeout`. A condition that
    /// throws counts as not yet holding (its error is reported on timeout).
    func eventually(_ what: String, timeout: Duration = .seconds(30), _ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        var last = ""
        while true {
            try checkAlive()
            do {
                if try condition() { return }
                last = ""
            } catch {
                last = " (last error: \(error))"
            }
            guard ContinuousClock.now < deadline else {
                throw HarnessError("timed out after \(timeout) waiting for: \(what)\(last)\n\(logs())")
            }
            try await Task.sleep(for: Harness.pollInterval)
        }
    }

    /// Checks that `condition` holds at every poll for `duration`; throws the first time it does not.
    func holds(_ what: String, for duration: Duration, _ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline {
            try checkAlive()
            guard try condition() else { throw HarnessError("no longer true: \(what)\n\(logs())") }
            try await Task.sleep(for: Harness.pollInterval)
        }
    }

    /// Whether `nodes` hold the same state (equal digests and heads) with `ops` ops each.
    func converged(_ nodes: [DaemonNode], ops: Int) throws -> Bool {
        let digests = try nodes.map { try $0.digest() }
        return digests.allSatisfy { $0 == digests[0] } && digests[0].ops == ops
    }

    /// Waits until `nodes` converge on `ops` ops; the failure lists each node's digest.
    func waitConverged(_ nodes: [DaemonNode], ops: Int, timeout: Duration = .seconds(30)) async throws {
        try await eventually("\(nodes.map(\.name).joined(separator: ", ")) converge on \(ops) ops", timeout: timeout) {
            if try converged(nodes, ops: ops) { return true }
            throw HarnessError(try nodes.map { "\($0.name): \(try $0.digest())" }.joined(separator: "; "))
        }
    }
}
