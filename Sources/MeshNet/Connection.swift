import CLibUV

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP connection; the same class as `UnixConnection` (both are libuv streams).
public typealias TCPConnection = Connection
/// A Unix domain socket connection; the same class as `TCPConnection`.
public typealias UnixConnection = Connection

/// A connected stream (TCP or Unix domain socket) on an `EventLoop`. Loop thread only.
///
/// Reading starts by itself once the connection is handed over (accept or connect callback) unless
/// `pauseReading()` was called in that callback. Bytes arrive through `onRead`; the connection ends once,
/// through `onClose`: with `nil` after `close()`, the peer's end of stream or the loop's shutdown, and
/// with the error when reading or writing failed.
///
/// Writes never block and are never refused: they queue (`pendingWriteBytes`). A writer applies
/// backpressure by stopping when `isWritable` turns false and carrying on from `onWritable`.
public final class Connection: LoopHandle, @unchecked Sendable {
    /// Size of the single read buffer each connection owns.
    public static let readBufferSize = 64 * 1024

    /// Called on the loop thread with each chunk of bytes read. Set on the loop thread only.
    public var onRead: (([UInt8]) -> Void)? {
        get { loop.preconditionOnLoopThread(); return _onRead }
        set { loop.preconditionOnLoopThread(); _onRead = newValue }
    }
    /// Called once on the loop thread when the connection has closed; the error when it failed.
    /// Set on the loop thread only.
    public var onClose: ((NetError?) -> Void)? {
        get { loop.preconditionOnLoopThread(); return _onClose }
        set { loop.preconditionOnLoopThread(); _onClose = newValue }
    }
    /// Called on the loop thread when a write completes and `pendingWriteBytes` has fallen to or below
    /// `writableThreshold`, after having been above it since the last call (or since the start): once per
    /// time the queue drains past the threshold, not once per write. It is not called while the connection
    /// closes (the queued writes then complete with `ECANCELED`; `onClose` follows). Whenever `isWritable`
    /// is false on an open connection, either `onWritable` or `onClose` comes later. Set on the loop thread only.
    public var onWritable: (() -> Void)? {
        get { loop.preconditionOnLoopThread(); return _onWritable }
        set { loop.preconditionOnLoopThread(); _onWritable = newValue }
    }
    /// The write queue size (bytes) above which `isWritable` is false; 256 KiB unless set. Loop thread only.
    public var writableThreshold: Int {
        get { loop.preconditionOnLoopThread(); return _writableThreshold }
        set {
            loop.preconditionOnLoopThread()
            precondition(newValue >= 0, "writableThreshold must not be negative")
            _writableThreshold = newValue
            if _pendingWriteBytes > newValue { wroteAboveThreshold = true }
        }
    }
    /// The default `writableThreshold`: 256 KiB.
    public static let defaultWritableThreshold = 256 * 1024

    private var _onRead: (([UInt8]) -> Void)?
    private var _onClose: ((NetError?) -> Void)?
    private var _onWritable: (() -> Void)?
    private var _writableThreshold = Connection.defaultWritableThreshold
    /// Set while `pendingWriteBytes` has been above the threshold since `onWritable` last ran.
    private var wroteAboveThreshold = false

    /// What the connection talks to, for error messages ("connect 127.0.0.1:7420").
    public internal(set) var peerDescription: String
    let isUnix: Bool
    private var readBuffer: UnsafeMutableRawPointer?
    private var isEstablished = false
    private var readingWanted = true
    private var reading = false
    private var closeError: NetError?
    private var _pendingWriteBytes = 0

    var stream: UnsafeMutablePointer<uv_stream_t> { UnsafeMutablePointer<uv_stream_t>(OpaquePointer(handle)) }

    /// Allocates and initialises a TCP or pipe handle on the loop; throws if init fails (nothing to close then).
    static func make(on loop: EventLoop, unix: Bool, peer: String) throws(NetError) -> Connection {
        let connection: Connection
        let rc: Int32
        if unix {
            let pipe = UnsafeMutablePointer<uv_pipe_t>.allocate(capacity: 1)
            connection = Connection(loop: loop, handle: pipe, isUnix: true, peer: peer)
            rc = uv_pipe_init(loop.loop, pipe, 0)
        } else {
            let tcp = UnsafeMutablePointer<uv_tcp_t>.allocate(capacity: 1)
            connection = Connection(loop: loop, handle: tcp, isUnix: false, peer: peer)
            rc = uv_tcp_init(loop.loop, tcp)
        }
        if rc < 0 {
            connection.discardUninitialisedHandle()
            throw NetError(code: rc, operation: unix ? "uv_pipe_init" : "uv_tcp_init")
        }
        connection.attachToHandle()
        return connection
    }

    private init<H>(loop: EventLoop, handle: UnsafeMutablePointer<H>, isUnix: Bool, peer: String) {
        self.isUnix = isUnix
        self.peerDescription = peer
        super.init(loop: loop, handle: handle)
    }

    /// Connects to `address` (TCP for `.ip`, a Unix socket for `.unix`). Loop thread only. `completion`
    /// runs once on the loop thread, on a later turn, with the connection or a `NetError` such as
    /// "connect 127.0.0.1:7420: ECONNREFUSED (connection refused)".
    public static func connect(
        to address: SocketAddress, on loop: EventLoop,
        _ completion: @escaping (Result<Connection, NetError>) -> Void
    ) {
        loop.preconditionOnLoopThread()
        let operation = "connect \(address)"
        let isUnix: Bool
        if case .unix = address { isUnix = true } else { isUnix = false }
        let connection: Connection
        do {
            connection = try make(on: loop, unix: isUnix, peer: address.description)
        } catch {
            let error = NetError(code: error.code, operation: "\(operation): \(error.operation)")
            loop.later { completion(.failure(error)) }
            return
        }
        let request = UnsafeMutablePointer<uv_connect_t>.allocate(capacity: 1)
        let context = ConnectContext(connection: connection, operation: operation, completion: completion)
        request.pointee.data = Unmanaged.passRetained(context).toOpaque()
        switch address {
        case .unix(let path):
            // libuv 1.44 reports every pipe connect error through the callback.
            uv_pipe_connect(request, UnsafeMutablePointer<uv_pipe_t>(OpaquePointer(connection.handle)), path, connectDone)
        case .ip:
            let rc = address.withSockaddr { sockaddr in
                uv_tcp_connect(request, UnsafeMutablePointer<uv_tcp_t>(OpaquePointer(connection.handle)), sockaddr, connectDone)
            }
            if rc < 0 {
                // The request was not queued: undo it and report on a later turn, like libuv would.
                Unmanaged<ConnectContext>.fromOpaque(request.pointee.data!).release()
                request.deallocate()
                connection.closeHandle()
                let error = NetError(code: rc, operation: operation)
                loop.later { completion(.failure(error)) }
            }
        }
    }

    /// Called by the connect callback or the listener once the stream is connected.
    func didConnect() {
        isEstablished = true
        if readingWanted && !isClosing { startLibuvReading() }
    }

    // MARK: Reading

    /// Stops reading (`uv_read_stop`): the kernel buffers fill and the peer's writes queue up. Loop thread only.
    public func pauseReading() {
        loop.preconditionOnLoopThread()
        readingWanted = false
        if reading {
            uv_read_stop(stream)
            reading = false
        }
    }

    /// Resumes reading after `pauseReading()` (`uv_read_start`). Loop thread only.
    public func resumeReading() {
        loop.preconditionOnLoopThread()
        readingWanted = true
        if isEstablished && !reading && !isClosing { startLibuvReading() }
    }

    /// Whether reading is currently wanted (not paused).
    public var isReading: Bool {
        loop.preconditionOnLoopThread()
        return readingWanted
    }

    private func startLibuvReading() {
        let rc = uv_read_start(stream, allocateReadBuffer, readDone)
        if rc < 0 {
            fail(NetError(code: rc, operation: "read from \(peerDescription)"))
        } else {
            reading = true
        }
    }

    fileprivate func readBufferPointer() -> UnsafeMutableRawPointer {
        if let readBuffer { return readBuffer }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.readBufferSize, alignment: 16)
        readBuffer = buffer
        return buffer
    }

    fileprivate func didRead(_ count: Int, _ base: UnsafeMutablePointer<CChar>?) {
        if count > 0, let base {
            let bytes = [UInt8](UnsafeRawBufferPointer(start: base, count: count))
            _onRead?(bytes)
        } else if count == Int(UV_EOF.rawValue) {
            closeHandle()  // orderly end of stream from the peer
        } else if count < 0 {
            fail(NetError(code: Int32(count), operation: "read from \(peerDescription)"))
        }
    }

    // MARK: Writing

    /// Bytes handed to `write` whose completion has not run yet: the write queue this side holds.
    public var pendingWriteBytes: Int {
        loop.preconditionOnLoopThread()
        return _pendingWriteBytes
    }

    /// True while the connection is open and `pendingWriteBytes <= writableThreshold`: a writer that
    /// applies backpressure writes while this holds, then waits for `onWritable`. Loop thread only.
    public var isWritable: Bool {
        loop.preconditionOnLoopThread()
        return !isClosing && _pendingWriteBytes <= _writableThreshold
    }

    /// Queues `bytes` for writing (the bytes are copied). `completion` runs once on the loop thread: `nil`
    /// when written, else the error (`ECANCELED` when the connection closed first). Loop thread only.
    public func write(_ bytes: [UInt8], completion: ((NetError?) -> Void)? = nil) {
        loop.preconditionOnLoopThread()
        guard !isClosing else {
            let error = NetError(code: Int32(UV_ECANCELED.rawValue), operation: "write to \(peerDescription)")
            if let completion {
                loop.later { completion(error) }
            }
            return
        }
        let count = bytes.count
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 1)
        bytes.withUnsafeBytes { storage.copyMemory(from: $0.baseAddress!, byteCount: count) }
        let request = UnsafeMutablePointer<uv_write_t>.allocate(capacity: 1)
        let context = WriteContext(connection: self, storage: storage, count: count, completion: completion)
        request.pointee.data = Unmanaged.passRetained(context).toOpaque()
        var buffer = uv_buf_init(storage.assumingMemoryBound(to: CChar.self), UInt32(count))
        _pendingWriteBytes += count
        if _pendingWriteBytes > _writableThreshold { wroteAboveThreshold = true }
        // libuv copies the uv_buf_t array; the bytes in `storage` live until the callback.
        let rc = uv_write(request, stream, &buffer, 1, writeDone)
        if rc < 0 {
            // Not queued: take the request back; the completion still runs on a later turn.
            let context = Unmanaged<WriteContext>.fromOpaque(request.pointee.data!).takeRetainedValue()
            request.deallocate()
            _pendingWriteBytes -= count
            storage.deallocate()
            let error = NetError(code: rc, operation: "write to \(peerDescription)")
            if let completion = context.completion {
                loop.later { completion(error) }
            }
            fail(error)
        }
    }

    fileprivate func finishWrite(_ context: WriteContext, error: NetError?) {
        _pendingWriteBytes -= context.count
        context.storage.deallocate()
        context.completion?(error)
        if let error, error.code != Int32(UV_ECANCELED.rawValue) { fail(error) }
        // After the completion, which may have queued more.
        if wroteAboveThreshold && _pendingWriteBytes <= _writableThreshold && !isClosing {
            wroteAboveThreshold = false
            _onWritable?()
        }
    }

    // MARK: Closing

    /// Closes the connection; queued writes complete with `ECANCELED`; `onClose(nil)` follows. Loop thread only.
    public func close() {
        loop.preconditionOnLoopThread()
        closeHandle()
    }

    private func fail(_ error: NetError) {
        if closeError == nil && !isClosing { closeError = error }
        closeHandle()
    }

    override func didClose() {
        readBuffer?.deallocate()
        readBuffer = nil
        reading = false
        let onClose = _onClose
        _onClose = nil
        _onRead = nil
        _onWritable = nil
        onClose?(closeError)
    }

    /// The peer's IP address and port (TCP only; nil for Unix connections or once closed).
    public var remoteAddress: SocketAddress? {
        loop.preconditionOnLoopThread()
        guard !isUnix, !isClosing else { return nil }
        return SocketAddress.fromName { uv_tcp_getpeername(UnsafeMutablePointer<uv_tcp_t>(OpaquePointer(handle)), $0, $1) }
    }

    // MARK: Peer credentials

    /// The uid, gid and pid of the process at the other end of a Unix connection (`SO_PEERCRED`).
    public func peerCredentials() throws(NetError) -> PeerCredentials {
        loop.preconditionOnLoopThread()
        precondition(isUnix, "peerCredentials: only Unix domain socket connections have peer credentials")
        var fd = uv_os_fd_t()
        try NetError.check(uv_fileno(handle, &fd), "uv_fileno")
        #if os(Linux)
        var credentials = LinuxPeerCredentials()
        var length = socklen_t(MemoryLayout<LinuxPeerCredentials>.size)
        if getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0 {
            throw NetError(code: uv_translate_sys_error(errno), operation: "getsockopt SO_PEERCRED")
        }
        return PeerCredentials(uid: credentials.uid, gid: credentials.gid, pid: credentials.pid)
        #else
        var uid = uid_t()
        var gid = gid_t()
        if getpeereid(fd, &uid, &gid) != 0 {
            throw NetError(code: uv_translate_sys_error(errno), operation: "getpeereid")
        }
        return PeerCredentials(uid: uid, gid: gid, pid: nil)
        #endif
    }
}

/// Who is at the other end of a Unix domain socket.
public struct PeerCredentials: Hashable, Sendable {
    public let uid: uid_t
    public let gid: gid_t
    /// The peer's pid where the platform reports it (Linux).
    public let pid: pid_t?
}

#if os(Linux)
/// Linux's `struct ucred` (pid_t pid; uid_t uid; gid_t gid), which Glibc does not export to Swift
/// without _GNU_SOURCE.
private struct LinuxPeerCredentials {
    var pid: pid_t = 0
    var uid: uid_t = 0
    var gid: gid_t = 0
}
#endif

extension EventLoop {
    /// Runs `work` on a later turn of this loop; once shutdown began (no later turn), right away.
    /// Loop thread only, so `work` never leaves the loop thread.
    func later(_ work: @escaping () -> Void) {
        preconditionOnLoopThread()
        let bound = LoopBound(work, loop: self)
        if !execute({ bound.value()() }) { work() }
    }
}

private final class ConnectContext {
    let connection: Connection
    let operation: String
    let completion: (Result<Connection, NetError>) -> Void
    init(connection: Connection, operation: String, completion: @escaping (Result<Connection, NetError>) -> Void) {
        self.connection = connection
        self.operation = operation
        self.completion = completion
    }
}

private let connectDone: uv_connect_cb = { request, status in
    guard let request else { return }
    let context = Unmanaged<ConnectContext>.fromOpaque(request.pointee.data!).takeRetainedValue()
    request.deallocate()
    if status < 0 {
        context.connection.closeHandle()
        context.completion(.failure(NetError(code: status, operation: context.operation)))
    } else if context.connection.isClosing {
        context.completion(.failure(NetError(code: Int32(UV_ECANCELED.rawValue), operation: context.operation)))
    } else {
        context.completion(.success(context.connection))
        context.connection.didConnect()
    }
}

private final class WriteContext {
    let connection: Connection
    let storage: UnsafeMutableRawPointer
    let count: Int
    let completion: ((NetError?) -> Void)?
    init(connection: Connection, storage: UnsafeMutableRawPointer, count: Int, completion: ((NetError?) -> Void)?) {
        self.connection = connection
        self.storage = storage
        self.count = count
        self.completion = completion
    }
}

private let writeDone: uv_write_cb = { request, status in
    guard let request else { return }
    let context = Unmanaged<WriteContext>.fromOpaque(request.pointee.data!).takeRetainedValue()
    request.deallocate()
    let error = status < 0 ? NetError(code: status, operation: "write to \(context.connection.peerDescription)") : nil
    context.connection.finishWrite(context, error: error)
}

private let allocateReadBuffer: uv_alloc_cb = { handle, _, buffer in
    guard let handle, let buffer, let data = handle.pointee.data else { return }
    let connection = Unmanaged<LoopHandle>.fromOpaque(data).takeUnretainedValue() as! Connection
    buffer.pointee = uv_buf_init(
        connection.readBufferPointer().assumingMemoryBound(to: CChar.self), UInt32(Connection.readBufferSize))
}

private let readDone: uv_read_cb = { stream, count, buffer in
    guard let stream, let data = stream.pointee.data else { return }
    let connection = Unmanaged<LoopHandle>.fromOpaque(data).takeUnretainedValue() as! Connection
    connection.didRead(count, buffer?.pointee.base)
}
