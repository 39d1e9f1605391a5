import Foundation

/// Several nodes under one short temp root (Unix socket paths must stay under ~107 bytes):
/// `ROOT/<name>/` is a data dir, `ROOT/<name>.sock` its control socket, `ROOT/<name>.runN.log`
/// its stderr. The root is mode 0755 so that a client run as another OS user can reach the
/// sockets (the data dirs themselves stay 0700).
///
/// Always `defer { cluster.shutdown() }`: it kills every daemon, even when the caller failed.
public final class DaemonCluster {
    public let root: String
    public private(set) var nodes: [DaemonNode] = []

    public init(_ label: String) throws(HarnessError) {
        root = try Loopback.makeTempRoot(label)
    }

    /// Runs `ideameshd init` for a new node. The first node (or one with `newNetwork`) makes a
    /// network key; the others copy the first node's.
    public func addNode(_ name: String, department: String? = nil, newNetwork: Bool = false) throws(HarnessError) -> DaemonNode {
        let dir = "\(root)/\(name)"
        let department = department ?? "Dept \(name.uppercased())"
        let made = try DaemonNode.initialize(
            dataDir: dir, department: department, networkKeyFrom: newNetwork ? nil : nodes.first?.networkKeyPath)
        guard let identity = try? String(contentsOfFile: "\(dir)/identity.key", encoding: .utf8),
              identity.contains("# node id: \(made.nodeID)") else {
            throw HarnessError("identity.key does not name node \(made.nodeID)")
        }
        return add(DaemonNode(
            name: name, department: department, dataDir: dir, nodeID: made.nodeID, port: try Loopback.freePort(),
            controlSocket: "\(root)/\(name).sock", logPrefix: "\(root)/\(name)"))
    }

    /// A second node with `original`'s identity and store, from a copy of its data dir made now
    /// (before `original` starts), on a port of its own: what a copied identity or a restored
    /// backup makes, and so a fork once both write.
    public func cloneNode(of original: DaemonNode, name: String) throws(HarnessError) -> DaemonNode {
        let dir = "\(root)/\(name)"
        do { try FileManager.default.copyItem(atPath: original.dataDir, toPath: dir) } catch {
            throw HarnessError("cannot copy \(original.dataDir): \(error)")
        }
        return add(DaemonNode(
            name: name, department: original.department, dataDir: dir, nodeID: original.nodeID, port: try Loopback.freePort(),
            controlSocket: "\(root)/\(name).sock", logPrefix: "\(root)/\(name)"))
    }

    private func add(_ node: DaemonNode) -> DaemonNode {
        nodes.append(node)
        return node
    }

    /// Launches the daemons together, then waits until each answers a ping.
    public func start(_ nodes: DaemonNode...) async throws {
        for node in nodes { try node.launch() }
        for node in nodes { try await node.waitReady() }
    }

    /// One started node, trusting nobody: enough for many tests.
    public static func single(_ label: String, department: String = "Renal Ward") async throws -> (DaemonCluster, DaemonNode) {
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

    /// Kills every daemon (SIGKILL) and removes the root, unless IDEAMESH_E2E_KEEP is set.
    public func shutdown() {
        for node in nodes { node.forceStop() }
        if Loopback.keepDirectories {
            print("IDEAMESH_E2E_KEEP: kept \(root)")
        } else {
            try? FileManager.default.removeItem(atPath: root)
        }
    }

    /// Every node's log tail, for failure messages.
    public func logs(_ which: [DaemonNode]? = nil) -> String {
        (which ?? nodes).map { $0.logTail() }.joined(separator: "\n")
    }

    /// Fails (throws) at once when a daemon the caller means to be up has died.
    public func checkAlive() throws(HarnessError) {
        for node in nodes where node.shouldBeRunning && !node.isRunning {
            throw HarnessError("\(node.name) died unexpectedly (\(node.exit.map { "\($0)" } ?? "?"))\n\(logs())")
        }
    }

    /// Polls `condition` until it holds; throws (with every log) after `timeout`. A condition that
    /// throws counts as not yet holding (its error is reported on timeout).
    public func eventually(_ what: String, timeout: Duration = .seconds(30), _ condition: () throws -> Bool) async throws {
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
            try await Task.sleep(for: Loopback.pollInterval)
        }
    }

    /// Checks that `condition` holds at every poll for `duration`; throws the first time it does not.
    public func holds(_ what: String, for duration: Duration, _ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline {
            try checkAlive()
            guard try condition() else { throw HarnessError("no longer true: \(what)\n\(logs())") }
            try await Task.sleep(for: Loopback.pollInterval)
        }
    }

    /// Whether `nodes` hold the same state (equal digests and heads) with `ops` ops each.
    public func converged(_ nodes: [DaemonNode], ops: Int) throws -> Bool {
        let digests = try nodes.map { try $0.digest() }
        return digests.allSatisfy { $0 == digests[0] } && digests[0].ops == ops
    }

    /// Waits until `nodes` converge on `ops` ops; the failure lists each node's digest.
    public func waitConverged(_ nodes: [DaemonNode], ops: Int, timeout: Duration = .seconds(30)) async throws {
        try await eventually("\(nodes.map(\.name).joined(separator: ", ")) converge on \(ops) ops", timeout: timeout) {
            if try converged(nodes, ops: ops) { return true }
            throw HarnessError(try nodes.map { "\($0.name): \(try $0.digest())" }.joined(separator: "; "))
        }
    }
}
