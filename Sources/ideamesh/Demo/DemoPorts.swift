import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Free loopback TCP ports for the demo's daemons.
///
/// Candidates come from below the kernel's ephemeral range, so no outgoing connection can take
/// one between the pick and the daemon's bind; each is checked by binding it.
enum DemoPorts {
    static func pick(_ count: Int) throws(DemoError) -> [Int] {
        let ephemeralLow = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))?
            .split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32_768
        let first = 20_000, last = max(first + 1_000, ephemeralLow - 1)
        var picked = [Int]()
        var candidate = Int.random(in: first...last)
        for _ in 0..<1_000 where picked.count < count {
            candidate = candidate >= last ? first : candidate + 1
            if !picked.contains(candidate) && isFree(candidate) { picked.append(candidate) }
        }
        guard picked.count == count else { throw DemoError("cannot find \(count) free TCP ports on 127.0.0.1") }
        return picked
    }

    /// Whether 127.0.0.1:`port` can be bound now.
    private static func isFree(_ port: Int) -> Bool {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
