import Foundation
import MeshNet
import Testing

@Suite(.serialized) struct EventLoopTests {
    @Test func executeFromAnotherThreadRunsOnTheLoopThread() async throws {
        try await withLoop { loop in
            #expect(!loop.isOnLoopThread)
            let seen = Locked<[Bool]>([])
            let threads = (0..<4).map { _ in
                Thread {
                    for _ in 0..<25 { loop.execute { seen.withLock { $0.append(loop.isOnLoopThread) } } }
                }
            }
            for thread in threads { thread.start() }
            try await eventually("100 work items") { seen.current.count == 100 }
            #expect(seen.current.allSatisfy { $0 })
        }
    }

    @Test func executeAfterShutdownIsRefused() throws {
        let loop = EventLoop()
        #expect(!loop.execute {})
        try loop.start()
        loop.shutdown()
        #expect(!loop.execute {})
        loop.shutdown()  // idempotent
    }

    @Test func oneShotTimerFiresOnce() async throws {
        try await withLoop { loop in
            let fired = Locked(0)
            let timer = try await onLoop(loop) {
                LoopTimer.schedule(on: loop, after: .milliseconds(10)) { fired.withLock { $0 += 1 } }
            }
            try await eventually("one-shot timer") { fired.current == 1 }
            try await Task.sleep(for: .milliseconds(100))
            #expect(fired.current == 1)
            #expect(try await onLoop(loop) { timer.isActive } == false)
        }
    }

    @Test func repeatingTimerFiresUntilCancelled() async throws {
        try await withLoop { loop in
            let fired = Locked(0)
            let timer = try await onLoop(loop) {
                LoopTimer.schedule(on: loop, after: .milliseconds(5), repeating: .milliseconds(5)) {
                    fired.withLock { $0 += 1 }
                }
            }
            try await eventually("five ticks") { fired.current >= 5 }
            #expect(try await onLoop(loop) { timer.isActive })
            let atCancel = try await onLoop(loop) { () -> Int in
                timer.cancel()
                return fired.current
            }
            try await Task.sleep(for: .milliseconds(60))
            #expect(fired.current == atCancel)
            #expect(try await onLoop(loop) { timer.isActive } == false)
        }
    }

    @Test func cancelledTimerNeverFires() async throws {
        try await withLoop { loop in
            let fired = Locked(0)
            try await onLoop(loop) {
                let timer = LoopTimer.schedule(on: loop, after: .milliseconds(20)) { fired.withLock { $0 += 1 } }
                timer.cancel()
                timer.cancel()
            }
            // A timer that fires in its own callback's turn cancels itself there too.
            try await onLoop(loop) {
                let late = LoopTimer.schedule(on: loop, after: .milliseconds(30)) { fired.withLock { $0 += 100 } }
                LoopTimer.schedule(on: loop, after: .milliseconds(5)) { late.cancel() }
            }
            try await Task.sleep(for: .milliseconds(150))
            #expect(fired.current == 0)
        }
    }

    /// One loop started and stopped several times, each time with open connections, a listener and
    /// a timer, and writes still queued: shutdown closes everything (every close callback runs) and nothing stays alive.
    @Test func shutdownWithOpenConnectionsClosesEverything() async throws {
        let loop = EventLoop()
        for round in 0..<5 {
            try loop.start()
            let (closes, weakObjects) = try await openEverything(on: loop, round: round)
            loop.shutdown()
            #expect(closes.current.count == 6, "round \(round)")
            #expect(closes.current.allSatisfy { $0 == nil })
            #expect(weakObjects.current.count == 8)
            #expect(weakObjects.current.allSatisfy { $0.object == nil }, "round \(round): a handle owner outlived shutdown")
        }
        #expect(!loop.isOnLoopThread)
    }
}

extension EventLoopTests {
    /// A listener, three client connections (so six connection ends) with writes in flight and a timer.
    /// Returns the close log and weak references only, so nothing here keeps them alive.
    private func openEverything(on loop: EventLoop, round: Int) async throws -> (Locked<[NetError?]>, Locked<[WeakBox]>) {
        let closes = Locked<[NetError?]>([])
        let weakObjects = Locked<[WeakBox]>([])
        let accepted = Locked(0)
        let listener = try await onLoop(loop) {
            try TCPListener(on: .ip(host: "127.0.0.1", port: 0), loop: loop) { connection in
                connection.pauseReading()  // so the clients' writes stay queued until shutdown
                connection.onClose = { error in closes.withLock { $0.append(error) } }
                weakObjects.withLock { $0.append(WeakBox(connection)) }
                accepted.withLock { $0 += 1 }
            }
        }
        let port = try #require(try await onLoop(loop) { listener.port })
        weakObjects.withLock { $0.append(WeakBox(listener)) }
        for _ in 0..<3 {
            let client = try await connect(on: loop, to: .ip(host: "127.0.0.1", port: port), closed: closes).get()
            weakObjects.withLock { $0.append(WeakBox(client)) }
            try await onLoop(loop) { client.write(randomBytes(8 * 1024 * 1024, seed: UInt64(round + 1))) }
        }
        try await eventually("three accepts") { accepted.current == 3 }
        let timer = try await onLoop(loop) {
            LoopTimer.schedule(on: loop, after: .seconds(60), repeating: .seconds(60)) {}
        }
        weakObjects.withLock { $0.append(WeakBox(timer)) }
        return (closes, weakObjects)
    }
}

final class WeakBox: @unchecked Sendable {
    // Invariant: written once in init; a weak load is atomic.
    weak var object: AnyObject?
    init(_ object: AnyObject) { self.object = object }
}
