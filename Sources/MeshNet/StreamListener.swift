import CLibUV

/// A TCP listener; the same class as `UnixListener`.
public typealias TCPListener = StreamListener
/// A Unix domain socket listener; the same class as `TCPListener`.
public typealias UnixListener = StreamListener

/// Listens on an address (`.ip` for TCP, `.unix` for a Unix domain socket) and hands each accepted
/// connection to `onAccept` on the loop thread. Loop thread only. Closing it (or the loop's shutdown)
/// stops listening; libuv removes the socket file of a Unix listener when it closes.
public final class StreamListener: LoopHandle, @unchecked Sendable {
    public let address: SocketAddress
    private let onAccept: (Connection) -> Void
    private let onError: ((NetError) -> Void)?

    var stream: UnsafeMutablePointer<uv_stream_t> { UnsafeMutablePointer<uv_stream_t>(OpaquePointer(handle)) }
    private var isUnix: Bool { if case .unix = address { true } else { false } }

    /// Binds and listens. Throws e.g. "bind 127.0.0.1:7420: EADDRINUSE (address already in use)".
    /// `onAccept` gets each connection before it starts reading: set `onRead`/`onClose` there (or call
    /// `pauseReading()`). `onError` gets accept failures; the listener keeps listening.
    public init(
        on address: SocketAddress, loop: EventLoop, backlog: Int32 = 128,
        onError: ((NetError) -> Void)? = nil, onAccept: @escaping (Connection) -> Void
    ) throws(NetError) {
        loop.preconditionOnLoopThread()
        self.address = address
        self.onAccept = onAccept
        self.onError = onError
        let rc: Int32
        switch address {
        case .unix:
            let pipe = UnsafeMutablePointer<uv_pipe_t>.allocate(capacity: 1)
            super.init(loop: loop, handle: pipe)
            rc = uv_pipe_init(loop.loop, pipe, 0)
        case .ip:
            let tcp = UnsafeMutablePointer<uv_tcp_t>.allocate(capacity: 1)
            super.init(loop: loop, handle: tcp)
            rc = uv_tcp_init(loop.loop, tcp)
        }
        if rc < 0 {
            discardUninitialisedHandle()
            throw NetError(code: rc, operation: "listen \(address)")
        }
        attachToHandle()
        do {
            switch address {
            case .unix(let path):
                try NetError.check(
                    uv_pipe_bind(UnsafeMutablePointer<uv_pipe_t>(OpaquePointer(handle)), path), "bind \(address)")
            case .ip:
                let tcp = UnsafeMutablePointer<uv_tcp_t>(OpaquePointer(handle))
                try NetError.check(address.withSockaddr { uv_tcp_bind(tcp, $0, 0) }, "bind \(address)")
            }
            // libuv may defer a TCP bind error (e.g. EADDRINUSE) until listen.
            try NetError.check(uv_listen(stream, backlog, connectionArrived), "bind \(address)")
        } catch {
            closeHandle()
            throw error
        }
    }

    /// The bound TCP port (useful after binding port 0); nil for a Unix listener.
    public var port: Int? {
        loop.preconditionOnLoopThread()
        guard !isUnix, !isClosing else { return nil }
        let bound = SocketAddress.fromName {
            uv_tcp_getsockname(UnsafeMutablePointer<uv_tcp_t>(OpaquePointer(handle)), $0, $1)
        }
        guard case .ip(_, let port) = bound else { return nil }
        return port
    }

    /// Stops listening. Connections already accepted stay open. Loop thread only.
    public func close() {
        loop.preconditionOnLoopThread()
        closeHandle()
    }

    fileprivate func accept(status: Int32) {
        if status < 0 {
            onError?(NetError(code: status, operation: "accept on \(address)"))
            return
        }
        let connection: Connection
        do {
            connection = try Connection.make(on: loop, unix: isUnix, peer: "peer on \(address)")
        } catch {
            onError?(error)
            return
        }
        let rc = uv_accept(stream, connection.stream)
        if rc < 0 {
            connection.closeHandle()
            onError?(NetError(code: rc, operation: "accept on \(address)"))
            return
        }
        if let remote = connection.remoteAddress { connection.peerDescription = remote.description }
        onAccept(connection)
        connection.didConnect()
    }
}

private let connectionArrived: uv_connection_cb = { server, status in
    guard let server, let data = server.pointee.data else { return }
    let listener = Unmanaged<LoopHandle>.fromOpaque(data).takeUnretainedValue() as! StreamListener
    listener.accept(status: status)
}
