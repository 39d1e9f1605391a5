import CLibUV
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The libuv version this build links against, e.g. "1.44.2".
public enum LibUV {
    public static var version: String { String(cString: uv_version_string()) }
}

/// One libuv loop on one thread of its own.
///
/// `start()` spawns the loop thread; `execute` hands work to it from any thread (a locked queue plus
/// `uv_async_send`); `shutdown()` closes every handle, lets the close callbacks free them, closes the loop
/// and joins the thread. A loop can be started again after a shutdown.
///
/// Thread safety (`@unchecked Sendable`): `state`, `queue` and `loopThread` are only touched under `lock`;
/// `loop` points at memory allocated in init and freed in deinit, and is used by libuv only on the loop
/// thread (between `start` and the end of `shutdown`), except `wakeup`'s `uv_async_send`, which libuv
/// allows from any thread and which is only called under `lock` while `state == .running` (so never on a
/// closed async handle). `requestsInFlight` is only touched on the loop thread.
public final class EventLoop: @unchecked Sendable {
    private enum State { case idle, running, stopping }

    public let logger: Logger
    let loop: UnsafeMutablePointer<uv_loop_t>
    private let lock = Lock()
    private var state = State.idle
    private var queue: [@Sendable () -> Void] = []
    private var loopThread: pthread_t?
    private var joinHandle: pthread_t?
    private var wakeup: Wakeup?
    /// Cancellable libuv requests in flight (getaddrinfo), which `shutdown` tries to `uv_cancel`: requests
    /// are not handles, so `uv_walk` does not see them, and the loop runs until each has called back.
    /// Loop thread only; a request is removed in its callback, before its memory is freed.
    var requestsInFlight: Set<UnsafeMutablePointer<uv_req_t>> = []

    public init(logger: Logger = Logger(label: "meshnet.loop")) {
        self.logger = logger
        self.loop = UnsafeMutablePointer<uv_loop_t>.allocate(capacity: 1)
    }

    deinit {
        // Reached only when not running: the loop thread holds a strong reference while it runs.
        loop.deallocate()
    }

    /// True when called on this loop's thread.
    public var isOnLoopThread: Bool {
        let me = pthread_self()
        return lock.withLock { loopThread.map { pthread_equal($0, me) != 0 } ?? false }
    }

    /// For loop-only APIs: a programmer error to call them from another thread.
    public func preconditionOnLoopThread(file: StaticString = #fileID, line: UInt = #line) {
        precondition(isOnLoopThread, "MeshNet: loop-only API called off the loop thread", file: file, line: line)
    }

    /// Initialises the libuv loop and runs it on a new thread. Precondition: not already running.
    public func start() throws(NetError) {
        let failure: NetError? = lock.withLock {
            precondition(state == .idle, "EventLoop.start: already running")
            let rc = uv_loop_init(loop)
            if rc < 0 { return NetError(code: rc, operation: "uv_loop_init") }
            let wakeup = Wakeup(loop: self)
            let asyncRC = uv_async_init(loop, UnsafeMutablePointer<uv_async_t>(OpaquePointer(wakeup.handle)), wakeupFired)
            if asyncRC < 0 {
                wakeup.discardUninitialisedHandle()
                uv_loop_close(loop)
                return NetError(code: asyncRC, operation: "uv_async_init")
            }
            wakeup.attachToHandle()
            self.wakeup = wakeup
            state = .running
            queue = []
            return nil
        }
        if let failure { throw failure }
        let box = Unmanaged.passRetained(ThreadBody { self.runLoopThread() })
        var tid = pthread_t()
        let rc = pthread_create(&tid, nil, { arg in
            #if canImport(Darwin)
            let body = Unmanaged<ThreadBody>.fromOpaque(arg).takeRetainedValue()
            #else
            let body = Unmanaged<ThreadBody>.fromOpaque(arg!).takeRetainedValue()
            #endif
            body.run()
            return nil
        }, box.toOpaque())
        precondition(rc == 0, "pthread_create failed: \(rc)")
        lock.withLock { joinHandle = tid }
    }

    private func runLoopThread() {
        lock.withLock { loopThread = pthread_self() }
        logger.debug("event loop thread started")
        uv_run(loop, UV_RUN_DEFAULT)
        // Every handle is closed and freed by now (shutdown closed them all, including the wake-up).
        let rc = uv_loop_close(loop)
        if rc < 0 { logger.info("uv_loop_close: \(NetError(code: rc, operation: "uv_loop_close"))") }
        lock.withLock { loopThread = nil }
        logger.debug("event loop thread finished")
    }

    /// Runs `work` on the loop thread, after the work queued before it. Callable from any thread, the
    /// loop thread included (then it runs on a later turn). Work handed over when the loop is not running
    /// (before `start`, or once `shutdown` began) is dropped, and `false` is returned.
    @discardableResult
    public func execute(_ work: @Sendable @escaping () -> Void) -> Bool {
        lock.withLock {
            guard state == .running, let wakeup else { return false }
            queue.append(work)
            uv_async_send(UnsafeMutablePointer<uv_async_t>(OpaquePointer(wakeup.handle)))
            return true
        }
    }

    fileprivate func drainQueue() {
        let work = lock.withLock { () -> [@Sendable () -> Void] in
            let work = queue
            queue.removeAll()
            return work
        }
        for item in work { item() }
    }

    /// Closes every handle (their close callbacks run and free them), stops the loop and joins its thread.
    /// Work queued before the call still runs first. Name lookups (`Resolver`) still queued are cancelled;
    /// one already running on libuv's threadpool cannot be, and the loop finishes only after it returns.
    /// Completions that run during the shutdown must not open new handles. Not callable on the loop
    /// thread. Idempotent.
    public func shutdown() {
        precondition(!isOnLoopThread, "EventLoop.shutdown cannot run on its own loop thread")
        let thread: pthread_t? = lock.withLock {
            guard state == .running, let wakeup else { return nil }
            queue.append {
                self.cancelRequestsInFlight()
                uv_walk(self.loop, closeEveryHandle, nil)
            }
            uv_async_send(UnsafeMutablePointer<uv_async_t>(OpaquePointer(wakeup.handle)))
            state = .stopping
            return joinHandle
        }
        guard let thread else { return }
        pthread_join(thread, nil)
        lock.withLock {
            state = .idle
            wakeup = nil
            joinHandle = nil
            if !queue.isEmpty { logger.debug("dropping \(queue.count) work items handed over during shutdown") }
            queue = []
        }
    }
}

extension EventLoop {
    /// True once `shutdown` began (until it finished): work can no longer be handed over and every handle
    /// is, or is about to be, closed.
    var isShuttingDown: Bool { lock.withLock { state == .stopping } }

    /// Cancels the requests that have not started yet; their callbacks run with `UV_ECANCELED`
    /// (getaddrinfo: `UV_EAI_CANCELED`). A request already running on the threadpool cannot be cancelled
    /// (`EBUSY`) and calls back when it finishes; the loop runs until then. Loop thread only.
    private func cancelRequestsInFlight() {
        preconditionOnLoopThread()
        for request in requestsInFlight { uv_cancel(request) }
    }
}

private final class ThreadBody {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// The loop's `uv_async_t`: drains the hand-over queue on the loop thread.
final class Wakeup: LoopHandle, @unchecked Sendable {
    init(loop: EventLoop) {
        super.init(loop: loop, handle: UnsafeMutablePointer<uv_async_t>.allocate(capacity: 1))
    }
}

private let wakeupFired: uv_async_cb = { handle in
    guard let handle, let data = handle.pointee.data else { return }
    let wakeup = Unmanaged<Wakeup>.fromOpaque(data).takeUnretainedValue()
    wakeup.loop.drainQueue()
}
