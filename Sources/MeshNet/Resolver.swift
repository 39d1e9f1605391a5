import CLibUV

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Asynchronous host name resolution (`uv_getaddrinfo`, which runs `getaddrinfo` on libuv's threadpool).
public enum Resolver {
    /// Resolves `host` to the IPv4 and IPv6 addresses to connect to on `port`. Loop thread only.
    ///
    /// `completion` runs once on the loop thread, on a later turn, with the addresses as numeric
    /// `.ip(host:port:)` values in `getaddrinfo`'s order (its preference order), duplicates removed, never
    /// empty; or with a `NetError` such as "resolve no-such-host.invalid: EAI_NONAME (unknown node or
    /// service)". An IPv4 or IPv6 literal comes back as itself (normalised) without a lookup. A port outside
    /// 0...65535 or a host containing NUL fails with `EINVAL`.
    ///
    /// Shutdown: a lookup still queued when the loop shuts down is cancelled (`uv_cancel`); one already
    /// running on the threadpool cannot be interrupted, and the loop's shutdown waits for it (at most the
    /// system resolver's timeout). Either way the completion runs, during the shutdown, with `ECANCELED`.
    /// Once shutdown began it must not open new handles (they would keep the loop from finishing).
    public static func resolve(
        host: String, port: Int, on loop: EventLoop,
        _ completion: @escaping (Result<[SocketAddress], NetError>) -> Void
    ) {
        loop.preconditionOnLoopThread()
        let operation = "resolve \(host)"
        guard (0...65535).contains(port), !host.utf8.contains(0) else {
            let error = NetError(code: Int32(UV_EINVAL.rawValue), operation: operation)
            loop.later { completion(.failure(error)) }
            return
        }
        if let literal = numericAddress(host, port: port) {
            loop.later { completion(.success([literal])) }
            return
        }
        let request = UnsafeMutablePointer<uv_getaddrinfo_t>.allocate(capacity: 1)
        let context = ResolveContext(loop: loop, port: port, operation: operation, completion: completion)
        request.pointee.data = Unmanaged.passRetained(context).toOpaque()
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if os(Linux)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)  // one entry per address, not one per socket type
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        // libuv copies the host and the hints; the port goes into the results afterwards (no service).
        let rc = uv_getaddrinfo(loop.loop, request, resolveDone, host, nil, &hints)
        if rc < 0 {
            // Not queued: take the request back and report on a later turn, like the callback would.
            Unmanaged<ResolveContext>.fromOpaque(request.pointee.data!).release()
            request.deallocate()
            let error = NetError(code: rc, operation: operation)
            loop.later { completion(.failure(error)) }
            return
        }
        loop.requestsInFlight.insert(genericRequest(request))
    }

    /// `host` as a normalised `.ip` address when it is an IPv4 or IPv6 literal, else nil.
    static func numericAddress(_ host: String, port: Int) -> SocketAddress? {
        var v4 = sockaddr_in()
        if uv_ip4_addr(host, Int32(port), &v4) == 0 {
            return withUnsafePointer(to: &v4) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress(sockaddr: $0) }
            }
        }
        var v6 = sockaddr_in6()
        if uv_ip6_addr(host, Int32(port), &v6) == 0 {
            return withUnsafePointer(to: &v6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { SocketAddress(sockaddr: $0) }
            }
        }
        return nil
    }

    /// The addresses in a `getaddrinfo` result list, IPv4 and IPv6 only, first occurrence kept.
    static func addresses(in list: UnsafeMutablePointer<addrinfo>?, port: Int) -> [SocketAddress] {
        var addresses: [SocketAddress] = []
        var seen = Set<SocketAddress>()
        var entry = list
        while let info = entry {
            if let sockaddr = info.pointee.ai_addr, let address = SocketAddress(sockaddr: sockaddr, port: port),
                seen.insert(address).inserted
            {
                addresses.append(address)
            }
            entry = info.pointee.ai_next
        }
        return addresses
    }
}

private func genericRequest(_ request: UnsafeMutablePointer<uv_getaddrinfo_t>) -> UnsafeMutablePointer<uv_req_t> {
    UnsafeMutablePointer<uv_req_t>(OpaquePointer(request))
}

private final class ResolveContext {
    let loop: EventLoop
    let port: Int
    let operation: String
    let completion: (Result<[SocketAddress], NetError>) -> Void
    init(
        loop: EventLoop, port: Int, operation: String,
        completion: @escaping (Result<[SocketAddress], NetError>) -> Void
    ) {
        self.loop = loop
        self.port = port
        self.operation = operation
        self.completion = completion
    }
}

private let resolveDone: uv_getaddrinfo_cb = { request, status, list in
    guard let request else { return }
    let context = Unmanaged<ResolveContext>.fromOpaque(request.pointee.data!).takeRetainedValue()
    context.loop.requestsInFlight.remove(genericRequest(request))
    request.deallocate()
    let addresses = Resolver.addresses(in: list, port: context.port)
    if let list { uv_freeaddrinfo(list) }
    let result: Result<[SocketAddress], NetError>
    if status == Int32(UV_EAI_CANCELED.rawValue) || context.loop.isShuttingDown {
        // Cancelled by the shutdown, or finished during it: report it like the rest of MeshNet does.
        result = .failure(NetError(code: Int32(UV_ECANCELED.rawValue), operation: context.operation))
    } else if status < 0 {
        result = .failure(NetError(code: status, operation: context.operation))
    } else if addresses.isEmpty {
        result = .failure(NetError(code: Int32(UV_EAI_NODATA.rawValue), operation: context.operation))
    } else {
        result = .success(addresses)
    }
    context.completion(result)
}
