import Foundation
import MeshCRDT
import MeshNode
#if canImport(Glibc)
import Glibc
#endif

/// Real `ideameshd` processes on loopback, for `sync` and `mesh`: data dirs made by `ideameshd init`, configs
/// written here, daemons started and stopped (SIGTERM, then SIGKILL).
final class DaemonCluster {
    /// The `ideameshd` next to this executable (SwiftPM builds them into the same bin dir).
    let executable: String
    /// Where the data dirs and logs go.
    let base: String
    /// Where the control sockets go: short, so they fit a Unix socket path.
    let socketDir: String
    private(set) var running: [String: DaemonProcess] = [:]

    init(base: String) throws {
        executable = try Self.findDaemon()
        self.base = base
        socketDir = "/tmp/imb-\(getpid())"
        Interruption.removeOnInterrupt(socketDir)
        try? FileManager.default.removeItem(atPath: socketDir)
        try FileManager.default.createDirectory(atPath: socketDir, withIntermediateDirectories: true)
    }

    static func findDaemon() throws -> String {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let path = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("ideameshd").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw BenchError("no ideameshd at \(path): build ideameshd first: swift build -c release (with the same --scratch-path as this bench)")
        }
        return path
    }

    /// A node's data dir made by `ideameshd init`: `--new-network`, or joining with the key of `networkKeyFrom`.
    struct Node {
        let name: String
        let dir: DataDirectory
        let id: NodeID
        let port: Int
        let socket: String
        var address: String { "127.0.0.1:\(port)" }
    }

    func initNode(_ name: String, department: String, networkKeyFrom: Node?) throws -> Node {
        let dir = DataDirectory(path: "\(base)/\(name)")
        try? FileManager.default.removeItem(at: dir.url)
        var arguments = ["init", "--data", dir.url.path, "--dept", department]
        if let networkKeyFrom { arguments += ["--network-key", networkKeyFrom.dir.networkKeyPath] } else { arguments.append("--new-network") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError("ideameshd \(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): \(text)")
        }
        return Node(name: name, dir: dir, id: try dir.loadIdentity().nodeID, port: try Self.freePort(), socket: "\(socketDir)/\(name).sock")
    }

    /// Writes `node`'s config: listen on loopback (or only dial out), dial `seeds`, trust
    /// `trusted`, its control socket.
    func configure(_ node: Node, department: String, listen: Bool, seeds: [Node], trusted: [Node], maxConnections: Int? = nil) throws {
        func list(_ items: [String]) -> String { "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        let text = """
            # Written by ideamesh-bench sync.
            [node]
            department = "\(department)"

            [network]
            \(listen ? "listen = \"\(node.address)\"" : "# dials out only")
            seeds = \(list(seeds.map(\.address)))
            \(maxConnections.map { "max_connections = \($0)" } ?? "")

            [trust]
            nodes = \(list(trusted.map(\.id.base32)))

            [control]
            socket = "\(node.socket)"

            """
        try text.write(toFile: node.dir.configPath, atomically: true, encoding: .utf8)
    }

    /// Starts `ideameshd run` for `node`; its stderr goes to BASE/<name>.log.
    @discardableResult
    func start(_ node: Node, logLevel: String) throws -> DaemonProcess {
        if let old = running[node.name] { old.stop() }
        let log = "\(base)/\(node.name).log"
        FileManager.default.createFile(atPath: log, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: log) else { throw BenchError("cannot write \(log)") }
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["run", "--data", node.dir.url.path, "--log-level", logLevel]
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let daemon = DaemonProcess(node: node, process: process, log: log)
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
        for daemon in all where daemon.process.isRunning { kill(daemon.process.processIdentifier, SIGTERM) }
        for daemon in all {
            daemon.stop()
            Interruption.untrack(daemon.pid)
        }
        removeTree(socketDir)
    }

    deinit { stopAll() }

    /// A TCP port on 127.0.0.1 that nobody listens on right now (the kernel's pick).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw BenchError("cannot find a free port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// One running `ideameshd run`.
final class DaemonProcess {
    let node: DaemonCluster.Node
    let process: Process
    let log: String
    private var client: ControlClient?

    init(node: DaemonCluster.Node, process: Process, log: String) {
        self.node = node
        self.process = process
        self.log = log
    }

    var pid: Int32 { process.processIdentifier }

    /// The control connection, made on first use (waiting up to `timeout` s for the socket).
    func control(timeout: Double = 30) throws -> ControlClient {
        if let client { return client }
        do {
            let client = try ControlClient.connect(path: node.socket, timeout: timeout, alive: { process.isRunning })
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
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        let watch = Stopwatch()
        while process.isRunning && watch.seconds < grace { usleep(10_000) }
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
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
