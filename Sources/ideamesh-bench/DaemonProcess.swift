import Foundation
import MeshCRDT
import MeshLoopback
import MeshNode
#if canImport(Glibc)
import Glibc
#endif

/// Real `ideameshd` processes on loopback for `sync`, `mesh` and `cli`, through MeshLoopback
/// (ports, `ideameshd init`, configs, spawning, stopping): the data dirs and logs under `base`,
/// the control sockets under a short directory of their own; every daemon stopped (SIGTERM,
/// then SIGKILL) when the bench ends or is interrupted.
final class BenchDaemons {
    /// The `ideameshd` next to this executable (SwiftPM builds them into the same bin dir).
    let executable: String
    /// Where the data dirs and logs go.
    let base: String
    /// Where the control sockets go: short, so they fit a Unix socket path.
    let socketDir: String
    private(set) var running: [String: DaemonProcess] = [:]

    init(base: String) throws {
        do { executable = try Loopback.requireDaemon() } catch { throw BenchError(error.description) }
        self.base = base
        socketDir = "/tmp/imb-\(getpid())"
        Interruption.removeOnInterrupt(socketDir)
        try? FileManager.default.removeItem(atPath: socketDir)
        try FileManager.default.createDirectory(atPath: socketDir, withIntermediateDirectories: true)
    }

    /// A node's data dir made by `ideameshd init`: `--new-network`, or joining with the key of `networkKeyFrom`.
    struct Node {
        let name: String
        let dir: DataDirectory
        let id: NodeID
        let daemon: DaemonNode
        var port: Int { daemon.port }
        var socket: String { daemon.controlSocket }
        var address: String { daemon.address }
    }

    func initNode(_ name: String, department: String, networkKeyFrom: Node?) throws -> Node {
        let dir = DataDirectory(path: "\(base)/\(name)")
        try? FileManager.default.removeItem(at: dir.url)
        do {
            let made = try DaemonNode.initialize(
                dataDir: dir.url.path, department: department, networkKeyFrom: networkKeyFrom?.dir.networkKeyPath, ideameshd: executable)
            let daemon = DaemonNode(
                name: name, department: department, dataDir: dir.url.path, nodeID: made.nodeID, port: try Loopback.freePort(),
                controlSocket: "\(socketDir)/\(name).sock", logPrefix: "\(base)/\(name)")
            guard let id = NodeID(base32: made.nodeID) else { throw BenchError("ideameshd init printed a malformed node id: \(made.nodeID)") }
            return Node(name: name, dir: dir, id: id, daemon: daemon)
        } catch let error as HarnessError {
            throw BenchError(error.description)
        }
    }

    /// Writes `node`'s config: listen on loopback (or only dial out), dial `seeds`, trust
    /// `trusted`, its control socket.
    /// `web`: serve the web pages on this `host:port` (nil: off).
    func configure(_ node: Node, department: String, listen: Bool, seeds: [Node], trusted: [Node], maxConnections: Int? = nil, web: String? = nil) throws {
        var config = LoopbackConfig(
            department: department, listen: listen ? node.address : nil, seeds: seeds.map(\.address),
            trust: trusted.map(\.id.base32), controlSocket: node.socket)
        config.comments = ["Written by ideamesh-bench."]
        config.maxConnections = maxConnections
        config.web = web
        do { try config.write(to: node.dir.configPath) } catch { throw BenchError(error.description) }
    }

    /// Starts `ideameshd run` for `node`; its stderr goes to BASE/<name>.runN.log.
    @discardableResult
    func start(_ node: Node, logLevel: String) throws -> DaemonProcess {
        if let old = running[node.name] { old.stop() }
        do { try node.daemon.launch(logLevel: logLevel, ideameshd: executable) } catch { throw BenchError(error.description) }
        let daemon = DaemonProcess(node: node)
        running[node.name] = daemon
        Interruption.track(daemon.pid)
        return daemon
    }

    func stop(_ node: Node) {
        guard let daemon = running.removeValue(forKey: node.name) else { return }
        daemon.stop()
        Interruption.untrack(daemon.pid)
    }

    /// Stops every daemon still running (SIGTERM to all, then SIGKILL to any left after 10 s).
    func stopAll() {
        let all = Array(running.values)
        running = [:]
        for daemon in all where daemon.isRunning { kill(daemon.pid, SIGTERM) }
        for daemon in all {
            daemon.stop()
            Interruption.untrack(daemon.pid)
        }
        removeTree(socketDir)
    }

    deinit { stopAll() }
}

/// One running `ideameshd run`.
final class DaemonProcess {
    let node: BenchDaemons.Node
    private var client: ControlClient?

    init(node: BenchDaemons.Node) {
        self.node = node
    }

    var pid: Int32 { node.daemon.process?.pid ?? -1 }
    var isRunning: Bool { node.daemon.isRunning }
    /// The current run's log.
    var log: String { node.daemon.logPaths.last ?? "" }

    /// The control connection, made on first use (waiting up to `timeout` s for the socket).
    func control(timeout: Double = 30) throws -> ControlClient {
        if let client { return client }
        do {
            let client = try ControlClient.connect(path: node.socket, timeout: timeout, alive: { node.daemon.isRunning })
            self.client = client
            return client
        } catch {
            throw BenchError("daemon \(node.name) does not answer on \(node.socket): \(error)\(logTail())")
        }
    }

    /// A control request; failures name the daemon and show its log's end.
    func call(_ method: String, _ params: [String: Any]? = nil) throws -> [String: Any] {
        do { return try control().call(method, params) } catch let error as BenchError {
            throw error
        } catch {
            throw BenchError("daemon \(node.name): \(error)\(logTail())")
        }
    }

    /// The last lines of the daemon's log, for error messages.
    func logTail(lines: Int = 15) -> String {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8), !text.isEmpty else { return "" }
        return "\n--- \(log) (end) ---\n" + text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// CPU seconds (user + system) the daemon has used, from /proc.
    func cpuSeconds() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Peak resident set size (VmHWM) of the daemon, in bytes.
    func peakRSS() -> Int { statusBytes("VmHWM:") }

    /// Resident set size now (VmRSS) of the daemon, in bytes.
    func currentRSS() -> Int { statusBytes("VmRSS:") }

    /// A size line of /proc/PID/status ("VmRSS:   1234 kB"), in bytes; 0 when unreadable.
    private func statusBytes(_ key: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(key) {
            return (line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0) * 1024
        }
        return 0
    }

    /// SIGTERM, then SIGKILL if it has not exited within `grace` seconds.
    func stop(grace: Double = 10) {
        client = nil
        node.daemon.stopBlocking(grace: .milliseconds(Int(grace * 1000)))
    }
}

/// What to undo if the bench is interrupted: SIGINT or SIGTERM stop the daemons (and remove the
/// temporary dirs) instead of leaving them running. The signals are taken by a dispatch source, so
/// the cleanup runs on an ordinary thread.
enum Interruption {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var pids = Set<Int32>()
    nonisolated(unsafe) private static var paths = [String]()
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    nonisolated(unsafe) private static var interruptedBy: Int32 = 0

    /// True once SIGINT or SIGTERM arrived: the cleanup is under way and will exit the process.
    static var happened: Bool { lock.withLock { interruptedBy != 0 } }

    static func track(_ pid: Int32) {
        install()
        lock.withLock { _ = pids.insert(pid) }
    }

    static func untrack(_ pid: Int32) {
        lock.withLock { _ = pids.remove(pid) }
    }

    /// A directory to remove on interruption.
    static func removeOnInterrupt(_ path: String) {
        install()
        lock.withLock { paths.append(path) }
    }

    private static func install() {
        lock.withLock {
            guard sources.isEmpty else { return }
            // A daemon that went away must cost a write error, not the process.
            signal(SIGPIPE, SIG_IGN)
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { interrupted(sig) }
                source.resume()
                sources.append(source)
            }
        }
    }

    private static func interrupted(_ sig: Int32) {
        let (running, dirs) = lock.withLock {
            interruptedBy = sig
            return (pids, paths)
        }
        for pid in running { kill(pid, SIGTERM) }
        // Give them their graceful stop, then make sure.
        for _ in 0..<500 where running.contains(where: { kill($0, 0) == 0 && !isZombie($0) }) { usleep(10_000) }
        for pid in running where kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        for dir in dirs { removeTree(dir) }
        FileHandle.standardError.write(Data("ideamesh-bench: interrupted; daemons stopped\n".utf8))
        exit(128 + sig)
    }

    private static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(close, offsetBy: 2)...].hasPrefix("Z")
    }
}

/// Removes a directory tree; one removal at a time (the interruption's cleanup and the main
/// thread's may overlap).
func removeTree(_ path: String) {
    removals.withLock {
        for _ in 0..<3 where FileManager.default.fileExists(atPath: path) {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}

private let removals = NSLock()
