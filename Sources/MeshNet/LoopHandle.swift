import CLibUV

/// The owner of one libuv handle: the common base of connections, listeners, timers, signal watchers and
/// the loop's wake-up handle.
///
/// Lifetime: the handle is allocated with `UnsafeMutablePointer<H>.allocate` and never moves. Once it is
/// initialised, `Unmanaged.passRetained(self)` goes into `handle.data`, so the loop keeps the owner alive
/// until `uv_close`'s callback (`loopHandleClosed`) releases it and frees the memory. Nothing is closed
/// from `deinit` (deinit can only run after the close callback has released the last loop reference).
///
/// Thread safety (`@unchecked Sendable`): every mutable property of this class and its subclasses is
/// read and written only on the loop thread: libuv callbacks run there, and every public method that
/// touches state starts with `loop.preconditionOnLoopThread()`. Only `loop` and `handle` (immutable) may
/// be read from elsewhere.
public class LoopHandle: @unchecked Sendable {
    /// The loop this handle belongs to.
    public let loop: EventLoop
    let handle: UnsafeMutablePointer<uv_handle_t>
    private let deallocateHandle: () -> Void
    private var closeRequested = false

    init<H>(loop: EventLoop, handle typed: UnsafeMutablePointer<H>) {
        self.loop = loop
        self.handle = UnsafeMutablePointer<uv_handle_t>(OpaquePointer(typed))
        self.deallocateHandle = { typed.deallocate() }
    }

    /// Call once, right after the handle's `uv_*_init` succeeded.
    final func attachToHandle() {
        handle.pointee.data = Unmanaged.passRetained(self).toOpaque()
    }

    /// For a handle whose `uv_*_init` failed: the loop never saw it, so free it directly.
    final func discardUninitialisedHandle() {
        deallocateHandle()
    }

    /// True once `close` was called (or the loop shut down); the close callback may still be pending.
    public final var isClosing: Bool {
        loop.preconditionOnLoopThread()
        return closeRequested || uv_is_closing(handle) != 0
    }

    /// Starts closing the handle; `didClose` runs from the close callback. Idempotent. Loop thread only.
    final func closeHandle() {
        loop.preconditionOnLoopThread()
        guard !closeRequested, uv_is_closing(handle) == 0 else { return }
        closeRequested = true
        willClose()
        uv_close(handle, loopHandleClosed)
    }

    /// Called on the loop thread just before `uv_close`. Subclasses record why they close.
    func willClose() {}

    /// Called on the loop thread from the close callback, before the handle memory is freed.
    func didClose() {}

    fileprivate final func finishClose() {
        didClose()
        deallocateHandle()
    }
}

/// The one close callback for every handle: releases the owner retained in `data`, then frees the handle.
let loopHandleClosed: uv_close_cb = { handle in
    guard let handle, let data = handle.pointee.data else { return }
    handle.pointee.data = nil
    let owner = Unmanaged<LoopHandle>.fromOpaque(data).takeRetainedValue()
    owner.finishClose()
}

/// Closes every handle of a loop that is not already closing (used by `EventLoop.shutdown`).
let closeEveryHandle: uv_walk_cb = { handle, _ in
    guard let handle, uv_is_closing(handle) == 0, let data = handle.pointee.data else { return }
    Unmanaged<LoopHandle>.fromOpaque(data).takeUnretainedValue().closeHandle()
}
