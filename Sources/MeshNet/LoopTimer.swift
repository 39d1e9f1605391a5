import CLibUV

/// A libuv timer on the loop: one-shot or repeating, cancellable. Loop thread only.
/// A one-shot timer closes itself after firing; a repeating one runs until `cancel()` or the loop's shutdown.
/// (Named `LoopTimer`, not `Timer`, so it never clashes with `Foundation.Timer`.)
public final class LoopTimer: LoopHandle, @unchecked Sendable {
    private var fire: (() -> Void)?
    private let repeats: Bool

    /// Fires `fire` on the loop thread after `delay`, then every `interval` if one is given.
    @discardableResult
    public static func schedule(
        on loop: EventLoop, after delay: Duration, repeating interval: Duration? = nil,
        _ fire: @escaping () -> Void
    ) -> LoopTimer {
        loop.preconditionOnLoopThread()
        let handle = UnsafeMutablePointer<uv_timer_t>.allocate(capacity: 1)
        let timer = LoopTimer(loop: loop, handle: handle, repeats: interval != nil, fire: fire)
        // uv_timer_init cannot fail and uv_timer_start fails only on a closing handle.
        let initialised = uv_timer_init(loop.loop, handle)
        precondition(initialised == 0, "uv_timer_init: \(NetError(code: initialised, operation: "uv_timer_init"))")
        timer.attachToHandle()
        let started = uv_timer_start(handle, timerFired, milliseconds(delay), interval.map(milliseconds) ?? 0)
        precondition(started == 0, "uv_timer_start: \(NetError(code: started, operation: "uv_timer_start"))")
        return timer
    }

    private init(loop: EventLoop, handle: UnsafeMutablePointer<uv_timer_t>, repeats: Bool, fire: @escaping () -> Void) {
        self.repeats = repeats
        self.fire = fire
        super.init(loop: loop, handle: handle)
    }

    /// Stops the timer for good; it will not fire again. Idempotent. Loop thread only.
    public func cancel() {
        loop.preconditionOnLoopThread()
        fire = nil
        closeHandle()
    }

    /// True until it was cancelled, a one-shot timer fired, or the loop shut down.
    public var isActive: Bool {
        loop.preconditionOnLoopThread()
        return !isClosing
    }

    fileprivate func fired() {
        guard let fire else { return }
        if !repeats {
            self.fire = nil
            closeHandle()
        }
        fire()
    }

    override func didClose() { fire = nil }
}

/// Whole milliseconds, rounded up, negative as zero.
private func milliseconds(_ duration: Duration) -> UInt64 {
    let (seconds, attoseconds) = duration.components
    if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
    let ms = UInt64(seconds) * 1000 + UInt64(attoseconds / 1_000_000_000_000_000)
    return attoseconds % 1_000_000_000_000_000 == 0 ? ms : ms + 1
}

private let timerFired: uv_timer_cb = { handle in
    guard let handle, let data = handle.pointee.data else { return }
    (Unmanaged<LoopHandle>.fromOpaque(data).takeUnretainedValue() as! LoopTimer).fired()
}
