import Foundation
import MeshNet
import Testing

/// A writer that applies backpressure: writes while `isWritable`, carries on from `onWritable`.
/// Invariant: `next` is only touched on the loop thread (in `run`, called from there).
private final class Pump: @unchecked Sendable {
    let connection: Connection
    let chunks: [[UInt8]]
    let maxPending = Locked(0)
    let written = Locked(0)
    let wakeUps = Locked(0)
    private var next = 0

    init(connection: Connection, chunks: [[UInt8]]) {
        self.connection = connection
        self.chunks = chunks
    }

    /// Loop thread only.
    func start() {
        connection.onWritable = { [unowned self] in
            wakeUps.withLock { $0 += 1 }
            run()
        }
        run()
    }

    private func run() {
        while next < chunks.count && connection.isWritable {
            connection.write(chunks[next])
            written.withLock { $0 += chunks[next].count }
            next += 1
            let pending = connection.pendingWriteBytes
            maxPending.withLock { $0 = max($0, pending) }
        }
    }
}

/// A server that accepts one connection with reading paused.
private func pausedServer(on loop: EventLoop) async throws -> (StreamListener, Locked<Connection?>, Locked<[UInt8]>) {
    let serverSide = Locked<Connection?>(nil)
    let received = Locked<[UInt8]>([])
    let listener = try await onLoop(loop) {
        try TCPListener(on: .ip(host: "127.0.0.1", port: 0), loop: loop) { connection in
            connection.pauseReading()
            connection.onRead = { bytes in received.withLock { $0.append(contentsOf: bytes) } }
            serverSide.withLock { $0 = connection }
        }
    }
    return (listener, serverSide, received)
}

@Suite(.serialized) struct WritableTests {
    /// The queue rises above the threshold while the peer does not read; once it reads again the queue
    /// drains and `onWritable` runs once, with the queue at or below the threshold.
    @Test func onWritableRunsOnceWhenTheQueueDrains() async throws {
        try await withLoop { loop in
            let (listener, serverSide, serverReceived) = try await pausedServer(on: loop)
            let port = try #require(try await onLoop(loop) { listener.port })
            let client = try await connect(on: loop, to: .ip(host: "127.0.0.1", port: port)).get()
            try await eventually("accept") { serverSide.current != nil }
            let server = serverSide.current!

            let calls = Locked<[(pending: Int, onLoopThread: Bool)]>([])
            let threshold = 1024 * 1024
            let payload = randomBytes(16 * 1024 * 1024, seed: 11)
            let chunks = randomChunks(payload, maxChunk: 100_000, seed: 12)
            let (defaultThreshold, writableBefore, writableAfter) = try await onLoop(loop) { () -> (Int, Bool, Bool) in
                let defaultThreshold = client.writableThreshold
                client.writableThreshold = threshold
                client.onWritable = {
                    calls.withLock { $0.append((client.pendingWriteBytes, loop.isOnLoopThread)) }
                }
                let before = client.isWritable
                for chunk in chunks { client.write(chunk) }
                return (defaultThreshold, before, client.isWritable)
            }
            #expect(defaultThreshold == 256 * 1024)
            #expect(defaultThreshold == Connection.defaultWritableThreshold)
            #expect(writableBefore)
            #expect(!writableAfter)

            // Stalled: the queue stays above the threshold and nothing is signalled.
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await onLoop(loop) { client.pendingWriteBytes } > threshold)
            #expect(try await onLoop(loop) { client.isWritable } == false)
            #expect(calls.current.isEmpty)

            try await onLoop(loop) { server.resumeReading() }
            try await eventually("all bytes") { serverReceived.current.count >= payload.count }
            #expect(serverReceived.current == payload)
            try await eventually("queue drained") { try await onLoop(loop) { client.pendingWriteBytes } == 0 }
            #expect(calls.current.count == 1)
            #expect(calls.current.allSatisfy { $0.pending <= threshold && $0.onLoopThread })
            #expect(try await onLoop(loop) { client.isWritable })
        }
    }

    /// A writer that waits for `onWritable` sends 32 MiB to a peer that pauses, then reads: the queue
    /// never holds more than the threshold plus one chunk, and everything arrives in order.
    @Test func pumpKeepsTheQueueBounded() async throws {
        try await withLoop { loop in
            let (listener, serverSide, serverReceived) = try await pausedServer(on: loop)
            let port = try #require(try await onLoop(loop) { listener.port })
            let client = try await connect(on: loop, to: .ip(host: "127.0.0.1", port: port)).get()
            try await eventually("accept") { serverSide.current != nil }
            let server = serverSide.current!

            let maxChunk = 64 * 1024
            let payload = randomBytes(32 * 1024 * 1024, seed: 21)
            let pump = Pump(connection: client, chunks: randomChunks(payload, maxChunk: maxChunk, seed: 22))
            let threshold = try await onLoop(loop) { () -> Int in
                pump.start()
                return client.writableThreshold
            }

            // The peer does not read: the pump stops once the kernel buffers and the queue are full.
            try await eventually("queue above the threshold") { try await onLoop(loop) { !client.isWritable } }
            try await Task.sleep(for: .milliseconds(300))
            let stalledAt = pump.written.current
            #expect(stalledAt < payload.count)
            try await Task.sleep(for: .milliseconds(100))
            #expect(pump.written.current == stalledAt)
            #expect(try await onLoop(loop) { client.isWritable } == false)

            try await onLoop(loop) { server.resumeReading() }
            try await eventually("all bytes") { serverReceived.current.count >= payload.count }
            #expect(serverReceived.current == payload)
            #expect(pump.written.current == payload.count)
            #expect(pump.maxPending.current <= threshold + maxChunk)
            #expect(pump.wakeUps.current >= 1)
            try await onLoop(loop) { client.close() }
        }
    }

    /// Closing with writes queued above the threshold cancels them without calling `onWritable`.
    @Test func closeDoesNotSignalWritable() async throws {
        try await withLoop { loop in
            let (listener, serverSide, _) = try await pausedServer(on: loop)
            let port = try #require(try await onLoop(loop) { listener.port })
            let closed = Locked<[NetError?]>([])
            let client = try await connect(on: loop, to: .ip(host: "127.0.0.1", port: port), closed: closed).get()
            try await eventually("accept") { serverSide.current != nil }

            let writable = Locked(0)
            let failures = Locked<[String]>([])
            try await onLoop(loop) {
                client.writableThreshold = 64 * 1024
                client.onWritable = { writable.withLock { $0 += 1 } }
                for chunk in randomChunks(randomBytes(16 * 1024 * 1024, seed: 31), maxChunk: 128 * 1024, seed: 32) {
                    client.write(chunk) { error in if let error { failures.withLock { $0.append(error.name) } } }
                }
            }
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await onLoop(loop) { client.isWritable } == false)
            try await onLoop(loop) { client.close() }
            try await eventually("close") { closed.current.count == 1 }
            #expect(closed.current.first! == nil)
            #expect(!failures.current.isEmpty)
            #expect(failures.current.allSatisfy { $0 == "ECANCELED" })
            #expect(writable.current == 0)
        }
    }

    /// Lowering the threshold below the queue makes `isWritable` false, and `onWritable` still follows.
    @Test func loweringTheThresholdStillSignals() async throws {
        try await withLoop { loop in
            let (listener, serverSide, serverReceived) = try await pausedServer(on: loop)
            let port = try #require(try await onLoop(loop) { listener.port })
            let client = try await connect(on: loop, to: .ip(host: "127.0.0.1", port: port)).get()
            try await eventually("accept") { serverSide.current != nil }
            let server = serverSide.current!

            let writable = Locked(0)
            let payload = randomBytes(8 * 1024 * 1024, seed: 41)
            let writableNow = try await onLoop(loop) { () -> (Bool, Bool) in
                client.writableThreshold = 64 * 1024 * 1024  // everything fits: stays writable
                client.onWritable = { writable.withLock { $0 += 1 } }
                client.write(payload)  // pending until its completion, which runs on a later turn
                let before = client.isWritable
                client.writableThreshold = 1024
                return (before, client.isWritable)
            }
            #expect(writableNow == (true, false))
            try await onLoop(loop) { server.resumeReading() }
            try await eventually("all bytes") { serverReceived.current.count >= payload.count }
            try await eventually("onWritable") { writable.current == 1 }
        }
    }
}
