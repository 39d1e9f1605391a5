import Foundation
import MeshClient
import MeshControl

/// One department of the demo: its node's data dir, config, control socket and log under the
/// demo's directory, its `ideameshd run` process, and requests to its control socket.
///
///     ROOT/<slug>/        the data dir (`ideameshd init`): identity, network key, config, store
///     ROOT/<slug>.sock    the control socket
///     ROOT/<slug>.log     `init`'s output, then the daemon's log (its stderr)
final class DemoDepartment {
    let name: String
    let slug: String
    let root: String
    let port: Int
    /// The node's id (52 base32 characters), once `ideameshd init` has made it.
    var nodeID = ""
    /// Whether the daemon has answered a ping since it was started.
    var ready = false
    private(set) var process: ChildProcess?
    private var connection: ControlConnection?

    init(name: String, slug: String, root: String, port: Int) {
        self.name = name
        self.slug = slug
        self.root = root
        self.port = port
    }

    var dataDir: String { "\(root)/\(slug)" }
    var configPath: String { "\(dataDir)/ideameshd.toml" }
    var networkKeyPath: String { "\(dataDir)/network.key" }
    var socket: String { "\(root)/\(slug).sock" }
    var log: String { "\(root)/\(slug).log" }
    var address: String { "127.0.0.1:\(port)" }
    /// The node id as people see it (the first 10 characters).
    var short: String { String(nodeID.prefix(10)) }

    // MARK: Config

    /// Writes the node's config: listen on loopback, dial `seeds`, trust exactly `trust`.
    func writeConfig(seeds: [DemoDepartment], trust: [DemoDepartment], note: String) throws(DemoError) {
        func list(_ items: [String]) -> String { "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        let text = """
            # ideamesh demo: \(name). Every key is explained in Config/ideameshd.example.toml.
            # \(note)

            [node]
            department = "\(name)"

            [network]
            listen = "\(address)"
            seeds = \(list(seeds.map(\.address)))

            [trust]
            # \(DemoStyle.list(trust.map(\.name)))
            nodes = \(list(trust.map(\.nodeID)))

            [control]
            socket = "\(socket)"

            """
        do { try text.write(toFile: configPath, atomically: true, encoding: .utf8) } catch {
            throw DemoError("cannot write \(configPath): \(error.localizedDescription)")
        }
    }

    // MARK: Process

    /// Starts `ideameshd run` on the config; its stderr goes to the log.
    func launch(daemon: String) throws(DemoError) {
        let size = (try? FileManager.default.attributesOfItem(atPath: log)[.size] as? Int) ?? nil
        runLogStart = size ?? 0
        process = try DemoMesh.spawn(daemon, ["run", "--config", configPath], log: log)
    }

    /// Where the daemon's own lines start in the log (after `init`'s).
    private var runLogStart = 0

    /// Fails when the daemon has ended although it should be running.
    func checkAlive() throws(DemoError) {
        guard let process, !process.isRunning else { return }
        throw DemoError("\(name)'s daemon stopped unexpectedly (\(process.exit.map { "\($0)" } ?? "?")); read its log: \(log)\(logTail())")
    }

    /// The log's last lines (the daemon's, once it has been started), indented, to show under an
    /// error.
    func logTail(lines: Int = 8) -> String {
        let data = FileManager.default.contents(atPath: log) ?? Data()
        let text = String(decoding: data.dropFirst(min(runLogStart, data.count)), as: UTF8.self)
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

    /// `ping` on a fresh connection: whether this node's daemon answers.
    func answersPing() -> Bool {
        guard let pong = try? ControlConnection(path: socket, timeoutSeconds: 5).call(API.Ping.self) else { return false }
        return pong.result.nodeId == nodeID
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
