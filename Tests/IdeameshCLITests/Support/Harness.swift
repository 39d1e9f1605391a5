import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the CLI test harness throws; descriptions carry the daemons' logs where they help.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Paths and helpers shared by the CLI's tests: the built executables, free ports, running as
/// another OS user. Set IDEAMESH_E2E_KEEP=1 to keep the temp roots for a post-mortem.
enum Harness {
    /// The directory the test runner and the built executables live in.
    static let binaries: URL = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
        if url.lastPathComponent == "MacOS" || url.pathExtension == "xctest" { url.deleteLastPathComponent() }
        return url
    }()

    static var ideameshd: String { binaries.appendingPathComponent("ideameshd").path }
    static var ideamesh: String { binaries.appendingPathComponent("ideamesh").path }

    static let keepDirectories = ProcessInfo.processInfo.environment["IDEAMESH_E2E_KEEP"] != nil
    static let pollInterval: Duration = .milliseconds(100)

    /// A fresh directory under /tmp (short: Unix socket paths must stay under ~107 bytes), mode 0755.
    static func makeTempRoot(_ label: String) throws -> String {
        var template = Array("/tmp/imcli-\(label.prefix(8))-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in mkdtemp(buffer.baseAddress!).map { String(cString: $0) } }
        guard let made else { throw HarnessError("mkdtemp: \(String(cString: strerror(errno)))") }
        chmod(made, 0o755)
        return made
    }

    // MARK: Ports

    private static let nextPort = Mutex(0)

    /// A loopback TCP port nothing is bound to, from below the ephemeral range (see
    /// Tests/IdeameshdTests/DaemonHarness.swift for why).
    static func freePort() throws -> Int {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        let low = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap { Int($0) } ?? 32_768
        // Another range than IdeameshdTests' (10000...), in case both suites run at once.
        let first = 20_000, last = max(first + 1_000, low - 1)
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

    // MARK: Another OS user

    static let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Whether the CLI can be run as user nobody: root, setpriv, and a binary nobody can reach
    /// (every directory above it searchable by others).
    static var canRunAsNobody: Bool {
        guard geteuid() == 0, setpriv != nil else { return false }
        var url = URL(fileURLWithPath: ideamesh).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            guard let mode = try? FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int, mode & 0o001 != 0 else {
                return false
            }
        }
        return true
    }

    static let script = ["/usr/bin/script", "/bin/script"].first { FileManager.default.isExecutableFile(atPath: $0) }
}
