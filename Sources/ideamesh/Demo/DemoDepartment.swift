import Foundation
import MeshClient
import MeshCharts
import MeshControl
import MeshLoopback

/// One department of the demo: its node (MeshLoopback's `DaemonNode`: data dir, config, control
/// socket and log under the demo's directory, its `ideameshd run` process), and requests to its
/// control socket on one kept connection.
///
///     ROOT/<slug>/          the data dir (`ideameshd init`): identity, network key, config, store
///     ROOT/<slug>.sock      the control socket
///     ROOT/<slug>.log       the daemon's log (its stderr)
final class DemoDepartment {
    let name: String
    let slug: String
    let root: String
    let port: Int
    /// Where its web pages are served (loopback).
    let webPort: Int
    /// The node, once `ideameshd init` has made it.
    private(set) var node: DaemonNode?
    /// Whether the daemon has answered a ping since it was started.
    var ready = false
    private var connection: ControlConnection?

    init(name: String, slug: String, root: String, port: Int, webPort: Int) {
        self.name = name
        self.slug = slug
        self.root = root
        self.port = port
        self.webPort = webPort
    }

    /// The web pages' address, as a browser opens it.
    var webURL: String { "http://127.0.0.1:\(webPort)/" }

    var dataDir: String { "\(root)/\(slug)" }
    var configPath: String { "\(dataDir)/ideameshd.toml" }
    var networkKeyPath: String { "\(dataDir)/network.key" }
    var socket: String { "\(root)/\(slug).sock" }
    var log: String { "\(root)/\(slug).log" }
    var address: String { "127.0.0.1:\(port)" }
    /// The node's id (52 base32 characters), once `ideameshd init` has made it.
    var nodeID: String { node?.nodeID ?? "" }
    /// The node id as people see it (the first 10 characters).
    var short: String { String(nodeID.prefix(10)) }
    var process: ChildProcess? { node?.process }

    // MARK: Setting up

    /// `ideameshd init`: a new network key, or a copy of `networkKeyFrom`'s.
    func initialize(daemon: String, networkKeyFrom: DemoDepartment?) throws(DemoError) {
        do {
            let made = try DaemonNode.initialize(
                dataDir: dataDir, department: name, networkKeyFrom: networkKeyFrom?.networkKeyPath, ideameshd: daemon)
            node = DaemonNode(
                name: slug, department: name, dataDir: dataDir, nodeID: made.nodeID, port: port, controlSocket: socket,
                logPrefix: "\(root)/\(slug)", oneLogFile: true)
        } catch {
            throw DemoError("ideameshd init for \(name) failed: \(error.description)")
        }
    }

    /// Writes the node's config: listen on loopback, dial `seeds`, trust exactly `trust`.
    func writeConfig(seeds: [DemoDepartment], trust: [DemoDepartment], note: String) throws(DemoError) {
        var config = LoopbackConfig(
            department: name, listen: address, seeds: seeds.map(\.address), trust: trust.map(\.nodeID), controlSocket: socket)
        config.comments = ["ideamesh demo: \(name). Every key is explained in Config/ideameshd.example.toml.", note]
        config.trustComment = DemoStyle.list(trust.map(\.name))
        config.web = "127.0.0.1:\(webPort)"
        do { try config.write(to: configPath) } catch { throw DemoError(error.description) }
    }

    /// Sets the web pages' ward passcode, and `leader`'s own password (`ideameshd web-password`).
    func setWebPasswords(passcode: String, leader: String, password: String, daemon: String) throws(DemoError) {
        guard let node else { throw DemoError("\(name) has no node yet: ideameshd init first") }
        do {
            try node.setWebPassword(user: nil, secret: passcode, ideameshd: daemon)
            try node.setWebPassword(user: leader, secret: password, ideameshd: daemon)
        } catch {
            throw DemoError(error.description)
        }
    }

    // MARK: Process

    /// Starts `ideameshd run` on the config, in a process group of its own (a terminal's Ctrl-C
    /// reaches only the demo, which then stops the daemons in order); its stderr goes to the log.
    func launch(daemon: String) throws(DemoError) {
        guard let node else { throw DemoError("\(name) has no node yet: ideameshd init first") }
        do { try node.launch(logLevel: "info", newProcessGroup: true, ideameshd: daemon) } catch {
            throw DemoError(error.description)
        }
    }

    /// Fails when the daemon has ended although it should be running.
    func checkAlive() throws(DemoError) {
        guard let process, !process.isRunning else { return }
        throw DemoError("\(name)'s daemon stopped unexpectedly (\(process.exit.map { "\($0)" } ?? "?")); read its log: \(log)\(logTail())")
    }

    /// The log's last lines, indented, to show under an error.
    func logTail(lines: Int = 8) -> String {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let last = text.split(separator: "\n").suffix(lines)
        return last.isEmpty ? "" : "\n  " + last.joined(separator: "\n  ")
    }

    // MARK: Control requests

    /// Calls `method` on the control socket (one connection, kept); errors name the department.
    @discardableResult
    func call<M: ControlMethod>(_ method: M.Type, _ params: M.Params) throws(DemoError) -> M.Result {
        do throws(ControlClientError) {
            return try openConnection().call(method, params).result
        } catch {
            throw failure(error, method: M.name)
        }
    }

    /// `call` of a method that takes no params.
    @discardableResult
    func call<M: ControlMethod>(_ method: M.Type) throws(DemoError) -> M.Result where M.Params == NoParams {
        try call(method, NoParams())
    }

    /// The kept connection, made on first use.
    private func openConnection() throws(ControlClientError) -> ControlConnection {
        if let open = connection { return open }
        let connection = try ControlConnection(path: socket, timeoutSeconds: 10)
        self.connection = connection
        return connection
    }

    /// A failed call as the demo reports it; the connection is dropped unless the daemon only
    /// refused (a refusal leaves it usable).
    private func failure(_ error: ControlClientError, method: String) -> DemoError {
        if case .refused = error {} else { connection = nil }
        return DemoError("\(name): \(method): \(error)")
    }

    /// Whether this node's daemon answers a ping (false too once it has exited).
    func answersPing() -> Bool {
        (try? node?.answersPing()) == true
    }

    /// The node ids of the peers this node is in sync with (`admin.peers`).
    func syncingPeers() throws(DemoError) -> Set<String> {
        Set(try call(API.AdminPeers.self).peers.filter { $0.state == "syncing" }.compactMap(\.nodeId))
    }

    /// `admin.digest`: the state's hash and the number of ops held.
    func digest() throws(DemoError) -> (digest: String, ops: Int) {
        let result = try call(API.AdminDigest.self)
        return (result.digest, result.ops)
    }
}
