import CLibUV

/// Watches a POSIX signal (`uv_signal_t`): the handler runs on the loop thread each time the signal
/// arrives, until `cancel()` or the loop's shutdown. Loop thread only.
///
/// libuv installs one process-wide handler per signal number while at least one watcher (on any loop) is
/// active, and turns every arrival into a callback on each watching loop. When the last watcher of a
/// signal stops, libuv resets that signal to `SIG_DFL` (not to whatever was installed before), so once
/// nothing watches e.g. `SIGTERM` it terminates the process again. A signal that arrives while no
/// watcher is active is handled by whatever disposition is then in place.
public final class SignalWatcher: LoopHandle, @unchecked Sendable {
    /// The watched signal number, e.g. `SIGTERM`.
    public let signal: Int32
    private var handler: (() -> Void)?

    /// Starts watching `signal`. Throws e.g. "watch signal 9: EINVAL (invalid argument)" for a signal
    /// that cannot be caught. Loop thread only.
    public static func watch(
        _ signal: Int32, on loop: EventLoop, _ handler: @escaping () -> Void
    ) throws(NetError) -> SignalWatcher {
        loop.preconditionOnLoopThread()
        let handle = UnsafeMutablePointer<uv_signal_t>.allocate(capacity: 1)
        let watcher = SignalWatcher(loop: loop, handle: handle, signal: signal, handler: handler)
        let initialised = uv_signal_init(loop.loop, handle)
        if initialised < 0 {
            watcher.discardUninitialisedHandle()
            throw NetError(code: initialised, operation: "watch signal \(signal)")
        }
        watcher.attachToHandle()
        let started = uv_signal_start(handle, signalArrived, signal)
        if started < 0 {
            watcher.cancel()
            throw NetError(code: started, operation: "watch signal \(signal)")
        }
        return watcher
    }

    private init(loop: EventLoop, handle: UnsafeMutablePointer<uv_signal_t>, signal: Int32, handler: @escaping () -> Void) {
        self.signal = signal
        self.handler = handler
        super.init(loop: loop, handle: handle)
    }

    /// Stops watching; the handler will not run again, even for an arrival libuv has already queued.
    /// Idempotent. Loop thread only.
    public func cancel() {
        loop.preconditionOnLoopThread()
        handler = nil
        closeHandle()
    }

    /// True until `cancel()` or the loop's shutdown.
    public var isActive: Bool {
        loop.preconditionOnLoopThread()
        return !isClosing
    }

    fileprivate func arrived() {
        guard !isClosing, let handler else { return }
        handler()
    }

    override func didClose() { handler = nil }
}

private let signalArrived: uv_signal_cb = { handle, _ in
    guard let handle, let data = handle.pointee.data else { return }
    (Unmanaged<LoopHandle>.fromOpaque(data).takeUnretainedValue() as! SignalWatcher).arrived()
}
