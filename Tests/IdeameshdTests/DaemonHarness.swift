import Foundation
import MeshClient
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the end-to-end harness throws. Descriptions carry the daemons' logs where they help, so
/// a failure in the test report shows what the daemons saw.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Support for the end-to-end tests that run real `ideameshd` processes on loopback.
///
/// - `DaemonCluster`: a temp root holding several nodes' data dirs and control sockets; it
///   kills every daemon and removes the root in `shutdown()` (call it in a `defer`).
/// - `DaemonNode`: one node: `init`, its config, its process and log, and control requests.
/// - `ChildProcess`: how daemons are spawned (clean signal mask, no inherited fds).
/// - `ControlSocketClient`: a synchronous JSON-lines client of a control socket.
///
/// Set `IDEAMESH_E2E_KEEP=1` to keep the temp roots (their paths are printed) for a post-mortem.
enum Harness {
    static var ideameshd: String { InitCommandTests.binaries.appendingPathComponent("ideameshd").path }

    static let keepDirectories = ProcessInfo.processInfo.environment["IDEAMESH_E2E_KEEP"] != nil

    /// How often `eventually` and `holds` look again.
    static let pollInterval: Duration = .milliseconds(100)

    // MARK: Ports

    /// The next candidate port; tests run in parallel in this one process, so picks never repeat.
    private static let nextPort = Mutex(0)

    /// A loopback TCP port nothing is bound to.
    ///
    /// Candidates come from below the kernel's ephemeral range (ip_local_port_range), so no
    /// outgoing connection (the daemons dial each other all the time) can hold a port between
    /// the pick and the daemon's bind; each is checked by binding it with a plain socket. Falls
    /// back to the kernel's pick (bind to port 0).
    static func freePort() throws -> Int {
        let low = ephemeralLow()
        let first = 10_000, last = max(first + 1_000, low - 1)
        for _ in 0..<500 {
            let candidate = nextPort.withLock { next -> Int in
                if next == 0 { next = Int.random(in: first...last) }
                let port = next
                next = next >= last ? first : next + 1
                return port
            }
            if let port = try? bindAndClose(port: candidate) { return port }
        }
        return try bindAndClose(port: 0)
    }

    private static func ephemeralLow() -> Int {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        return text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap { Int($0) } ?? 32_768
    }

    /// Binds 127.0.0.1:`port` (0: any) and closes the socket; returns the port bound.
    private static func bindAndClose(port: Int) throws -> Int {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw HarnessError("socket(AF_INET): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw HarnessError("cannot bind 127.0.0.1:\(port): \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    // MARK: One-off runs

    /// Runs `ideameshd ARGUMENTS` to its end, its output in files under `directory` (a daemon
    /// that wrongly keeps running cannot fill a pipe); killed and reported after `timeout`.
    static func runToExit(
        _ arguments: [String], in directory: String, timeout: Duration = .seconds(15)
    ) async throws -> (exit: ChildProcess.Exit, stdout: String, stderr: String) {
        let tag = UUID().uuidString.prefix(8)
        let outPath = "\(directory)/\(tag).out", errPath = "\(directory)/\(tag).err"
        let process = try ChildProcess(executable: ideameshd, arguments: arguments, stdout: outPath, stderr: errPath)
        let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        guard let exit = try await process.waitForExit(timeout: timeout) else {
            process.killAndReap()
            throw HarnessError("ideameshd \(arguments.joined(separator: " ")) still running after \(timeout)\n\(read(errPath))")
        }
        return (exit, read(outPath), read(errPath))
    }

    // MARK: Running as another OS user

    static let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let systemPython = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Whether a control client can be run as user nobody (needs root, setpriv, and a python3
    /// that nobody can execute: not a pyenv shim under /root).
    static var canRunAsNobody: Bool { geteuid() == 0 && setpriv != nil && systemPython != nil }

    /// A control client run as user nobody (uid/gid 65534, no supplementary groups): sends each
    /// line to `socket` in turn and returns the reply lines.
    static func controlAsNobody(socket: String, lines: [String]) throws -> [ControlResponse] {
        guard let setpriv, let systemPython else { throw HarnessError("setpriv or python3 missing") }
        let script = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(10)
            s.connect(sys.argv[1])
            f = s.makefile("rwb")
            for line in sys.argv[2:]:
                f.write(line.encode() + b"\\n")
                f.flush()
                sys.stdout.write(f.readline().decode())
                sys.stdout.flush()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: setpriv)
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", systemPython, "-c", script, socket] + lines
        let out = Pipe(), err = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw HarnessError("the client run as nobody failed (status \(process.terminationStatus)): \(stderr)\(stdout)")
        }
        let replies = try stdout.split(separator: "\n").map { try ControlResponse(line: String($0)) }
        guard replies.count == lines.count else {
            throw HarnessError("the client run as nobody got \(replies.count) replies to \(lines.count) requests: \(stdout)\(stderr)")
        }
        return replies
    }
}
