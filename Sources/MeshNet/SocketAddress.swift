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
        var name = [CChar](repeating: 0, count: 64)  // > INET6_ADDRSTRLEN
        return withUnsafePointer(to: &storage) { pointer -> SocketAddress? in
            switch Int32(pointer.pointee.ss_family) {
            case AF_INET:
                return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    guard uv_ip4_name(address, &name, name.count) == 0 else { return nil }
                    return .ip(host: cString(name), port: Int(UInt16(bigEndian: address.pointee.sin_port)))
                }
            case AF_INET6:
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    guard uv_ip6_name(address, &name, name.count) == 0 else { return nil }
                    return .ip(host: cString(name), port: Int(UInt16(bigEndian: address.pointee.sin6_port)))
                }
            default:
                return nil
            }
        }
    }
}

/// The text before the first NUL of a C character buffer.
private func cString(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
