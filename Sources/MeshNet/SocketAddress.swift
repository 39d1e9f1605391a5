import CLibUV

/// Where to bind or connect: an IPv4 or IPv6 literal host with a port, or a Unix domain socket path.
public enum SocketAddress: Hashable, Sendable, CustomStringConvertible {
    /// An IP literal ("127.0.0.1", "::1"); IPv6 when the host contains a colon. Port 0 binds any free port.
    case ip(host: String, port: Int)
    /// A Unix domain socket path.
    case unix(path: String)

    public var description: String {
        switch self {
        case .ip(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): path
        }
    }

    /// Runs `body` with the `sockaddr` for an `.ip` address; returns a negative libuv code when the
    /// literal or port is invalid, otherwise what `body` returns. The sockaddr lives only during `body`
    /// (libuv copies it in bind/connect).
    func withSockaddr(_ body: (UnsafePointer<sockaddr>) -> Int32) -> Int32 {
        guard case .ip(let host, let port) = self else { return Int32(UV_EINVAL.rawValue) }
        guard (0...65535).contains(port) else { return Int32(UV_EINVAL.rawValue) }
        if host.contains(":") {
            var addr = sockaddr_in6()
            let rc = uv_ip6_addr(host, Int32(port), &addr)
            if rc < 0 { return rc }
            return withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body) }
        } else {
            var addr = sockaddr_in()
            let rc = uv_ip4_addr(host, Int32(port), &addr)
            if rc < 0 { return rc }
            return withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body) }
        }
    }
}

extension SocketAddress {
    /// Reads an address from `getName` (uv_tcp_getsockname / uv_tcp_getpeername); nil on failure or
    /// for a family other than IPv4/IPv6.
    static func fromName(
        _ getName: (UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<Int32>) -> Int32
    ) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getName($0, &length) }
        }
        guard rc == 0 else { return nil }
        return withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress(sockaddr: $0) }
        }
    }

    /// The numeric address in an IPv4 or IPv6 `sockaddr` (`uv_ip4_name`/`uv_ip6_name`), with its port or
    /// `port` when one is given; nil for another family. An IPv6 scope id is kept as "%interface".
    init?(sockaddr address: UnsafePointer<sockaddr>, port: Int? = nil) {
        var name = [CChar](repeating: 0, count: 64)  // > INET6_ADDRSTRLEN
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            let parsed = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address -> (String, Int)? in
                guard uv_ip4_name(address, &name, name.count) == 0 else { return nil }
                return (cString(name), Int(UInt16(bigEndian: address.pointee.sin_port)))
            }
            guard let (host, ownPort) = parsed else { return nil }
            self = .ip(host: host, port: port ?? ownPort)
        case AF_INET6:
            let parsed = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address -> (String, Int)? in
                guard uv_ip6_name(address, &name, name.count) == 0 else { return nil }
                var host = cString(name)
                if address.pointee.sin6_scope_id != 0 {
                    var interface = [CChar](repeating: 0, count: 64)  // > IF_NAMESIZE
                    var size = interface.count
                    if uv_if_indextoname(UInt32(address.pointee.sin6_scope_id), &interface, &size) == 0 {
                        host += "%" + cString(interface)
                    }
                }
                return (host, Int(UInt16(bigEndian: address.pointee.sin6_port)))
            }
            guard let (host, ownPort) = parsed else { return nil }
            self = .ip(host: host, port: port ?? ownPort)
        default:
            return nil
        }
    }
}

/// The text before the first NUL of a C character buffer.
private func cString(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
