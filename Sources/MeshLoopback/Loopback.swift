import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Real `ideameshd` processes on loopback, for everything that runs them: the end-to-end tests
/// of both test targets, `ideamesh demo` and `ideamesh-bench`. One place for the five steps
/// they all take: a free port (`freePort`), `ideameshd init` (`DaemonNode.initialize`), a config
/// (`LoopbackConfig`), spawning and waiting until ready (`DaemonNode.launch`, `waitReady`), and
/// stopping (`DaemonNode.terminate`, `forceStop`). `DaemonCluster` keeps several nodes under one
/// temp root. Set `IDEAMESH_E2E_KEEP=1` to keep the temp roots for a post-mortem.
public enum Loopback {
    /// The directory the running executable lives in, where SwiftPM builds `ideameshd` and
    /// `ideamesh` too (a test bundle's directory for tests).
    public static let binaries: URL = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
        if url.lastPathComponent == "MacOS" || url.pathExtension == "xctest" { url.deleteLastPathComponent() }
        return url
    }()

    public static var ideameshd: String { binaries.appendingPathComponent("ideameshd").path }
    public static var ideamesh: String { binaries.appendingPathComponent("ideamesh").path }

    /// `ideameshd` beside this executable, or an error saying how to build it.
    public static func requireDaemon() throws(HarnessError) -> String {
        guard FileManager.default.isExecutableFile(atPath: ideameshd) else {
            throw HarnessError("no ideameshd at \(ideameshd): build it first (swift build, with the same -c and --scratch-path as this program)")
        }
        return ideameshd
    }

    public static let keepDirectories = ProcessInfo.processInfo.environment["IDEAMESH_E2E_KEEP"] != nil

    /// How often a wait looks again.
    public static let pollInterval: Duration = .milliseconds(100)

    /// A fresh directory under /tmp, mode 0755 (so a client run as another user reaches the
    /// sockets; the data dirs stay 0700). Short: Unix socket paths must stay under ~107 bytes.
    public static func makeTempRoot(_ label: String, prefix: String = "imesh") throws(HarnessError) -> String {
        var template = Array("/tmp/\(prefix)-\(label.prefix(8))-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in mkdtemp(buffer.baseAddress!).map { String(cString: $0) } }
        guard let made else { throw HarnessError("mkdtemp: \(String(cString: strerror(errno)))") }
        chmod(made, 0o755)
        return made
    }

    // MARK: Ports

    /// The next candidate port; every user in this process draws from it, so picks never repeat.
    private static let nextPort = Mutex(0)

    /// A loopback TCP port nothing is bound to.
    ///
    /// Candidates come from below the kernel's ephemeral range (ip_local_port_range), so no
    /// outgoing connection (the daemons dial each other all the time) can take a port between the
    /// pick and the daemon's bind; each is checked by binding it with a plain socket, and no two
    /// picks of this process repeat until the range wraps. Falls back to the kernel's pick.
    public static func freePort() throws(HarnessError) -> Int {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        let low = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap { Int($0) } ?? 32_768
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

    /// `count` distinct free ports.
    public static func freePorts(_ count: Int) throws(HarnessError) -> [Int] {
        var ports = [Int]()
        for _ in 0..<count { ports.append(try freePort()) }
        return ports
    }

    /// Binds 127.0.0.1:`port` (0: any) and closes the socket; returns the port bound.
    private static func bindAndClose(port: Int) throws(HarnessError) -> Int {
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

    // MARK: Running as another OS user

    public static let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) }
    public static let script = ["/usr/bin/script", "/bin/script"].first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// What running daemons on loopback throws. Descriptions carry the daemons' logs where they
/// help, so a failure shows what the daemons saw.
public struct HarnessError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
