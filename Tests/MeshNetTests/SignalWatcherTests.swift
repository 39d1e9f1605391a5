import Foundation
import MeshNet
import Testing

/// These tests raise SIGUSR2 in the test process. libuv keeps its own handler installed while any
/// watcher of the signal is active, and resets the signal to SIG_DFL (terminate) when the last one stops,
/// so every raise happens while a watcher is active and is seen by it before that watcher goes.
@Suite(.serialized) struct SignalWatcherTests {
    @Test func handlerRunsOnTheLoopThreadUntilCancelled() async throws {
        try await withLoop { loop in
            let watched = Locked<[Bool]>([])  // per arrival: ran on the loop thread?
            let keeperSaw = Locked(0)
            let (watcher, keeper) = try await onLoop(loop) {
                let watcher = try SignalWatcher.watch(SIGUSR2, on: loop) {
                    watched.withLock { $0.append(loop.isOnLoopThread) }
                }
                // Keeps libuv's handler installed after `watcher` is cancelled.
                let keeper = try SignalWatcher.watch(SIGUSR2, on: loop) { keeperSaw.withLock { $0 += 1 } }
                return (watcher, keeper)
            }
            #expect(watcher.signal == SIGUSR2)
            #expect(try await onLoop(loop) { watcher.isActive && keeper.isActive })

            for arrival in 1...3 {
                kill(getpid(), SIGUSR2)
                try await eventually("arrival \(arrival)") { watched.current.count == arrival && keeperSaw.current == arrival }
            }
            #expect(watched.current == [true, true, true])

            try await onLoop(loop) {
                watcher.cancel()
                watcher.cancel()  // idempotent
            }
            #expect(try await onLoop(loop) { watcher.isActive } == false)
            kill(getpid(), SIGUSR2)
            try await eventually("keeper sees the fourth arrival") { keeperSaw.current == 4 }
            try await Task.sleep(for: .milliseconds(50))
            #expect(watched.current.count == 3)
            // Every raised signal has been seen, so none is pending when the loop's shutdown closes `keeper`.
        }
        // Belt and braces: no watcher is left, so make a stray SIGUSR2 harmless for the rest of the run.
        signal(SIGUSR2, SIG_IGN)
    }

    /// The handler may cancel its own watcher; an arrival libuv already queued does not reach it after that.
    @Test func cancelFromTheHandler() async throws {
        try await withLoop { loop in
            let runs = Locked(0)
            let keeperSaw = Locked(0)
            let keeper = try await onLoop(loop) {
                let keeper = try SignalWatcher.watch(SIGUSR2, on: loop) { keeperSaw.withLock { $0 += 1 } }
                let box = Locked<SignalWatcher?>(nil)
                let watcher = try SignalWatcher.watch(SIGUSR2, on: loop) {
                    runs.withLock { $0 += 1 }
                    box.current?.cancel()
                }
                box.withLock { $0 = watcher }
                return keeper
            }
            for arrival in 1...2 {
                kill(getpid(), SIGUSR2)
                try await eventually("arrival \(arrival)") { keeperSaw.current == arrival }
            }
            try await Task.sleep(for: .milliseconds(30))
            #expect(runs.current == 1)
            #expect(try await onLoop(loop) { keeper.isActive })
        }
        signal(SIGUSR2, SIG_IGN)
    }

    @Test func uncatchableSignalIsATypedError() async throws {
        try await withLoop { loop in
            let outcome = try await onLoop(loop) { () -> NetError? in
                do throws(NetError) {
                    _ = try SignalWatcher.watch(SIGKILL, on: loop) {}
                    return nil
                } catch {
                    return error
                }
            }
            let error = try #require(outcome)
            #expect(error.name == "EINVAL")
            #expect(error.description == "watch signal \(SIGKILL): EINVAL (invalid argument)")
        }
    }

    /// The loop's shutdown closes a watcher and frees it (its owner does not outlive the shutdown).
    @Test func shutdownClosesWatchers() async throws {
        let loop = EventLoop()
        try loop.start()
        let weak = try await onLoop(loop) { WeakBox(try SignalWatcher.watch(SIGUSR2, on: loop) {}) }
        loop.shutdown()
        #expect(weak.object == nil)
        signal(SIGUSR2, SIG_IGN)
    }
}
