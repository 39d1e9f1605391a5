import Foundation
import MeshNet

/// A value shared between the loop thread and the test, behind a lock.
final class Locked<Value>: @unchecked Sendable {
    // Invariant: `value` is only read or written while `lock` is held.
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }

    var current: Value { withLock { $0 } }
}

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Polls `condition` until it holds or `timeout` passes; every wait in these tests is bounded.
func eventually(
    _ what: String = "condition", timeout: Duration = .seconds(10), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        if ContinuousClock.now >= deadline { throw TimedOut(what: what) }
        try await Task.sleep(for: .milliseconds(2))
    }
}

/// Runs `body` on the loop thread and returns its result, waiting at most `timeout`.
func onLoop<T: Sendable>(
    _ loop: EventLoop, timeout: Duration = .seconds(5), _ body: @Sendable @escaping () throws -> T
) async throws -> T {
    let result = Locked<Result<T, any Error>?>(nil)
    let queued = loop.execute { result.withLock { $0 = Result { try body() } } }
    guard queued else { throw TimedOut(what: "a loop that is not running") }
    try await eventually("work on the loop", timeout: timeout) { result.current != nil }
    return try result.current!.get()
}

/// Starts a loop, runs `body`, and shuts the loop down even when `body` throws.
func withLoop<T>(_ body: (EventLoop) async throws -> T) async throws -> T {
    let loop = EventLoop()
    try loop.start()
    do {
        let value = try await body(loop)
        loop.shutdown()
        return value
    } catch {
        loop.shutdown()
        throw error
    }
}

/// A small deterministic generator (xorshift64*) for chunk sizes and payloads.
struct TestRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}

func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var random = TestRandom(seed: seed)
    var bytes = [UInt8](repeating: 0, count: count)
    var index = 0
    while index < count {
        var word = random.next()
        for _ in 0..<8 where index < count {
            bytes[index] = UInt8(truncatingIfNeeded: word)
            word >>= 8
            index += 1
        }
    }
    return bytes
}

/// Splits `bytes` into chunks of random sizes in `1...maxChunk`.
func randomChunks(_ bytes: [UInt8], maxChunk: Int, seed: UInt64) -> [[UInt8]] {
    var random = TestRandom(seed: seed)
    var chunks: [[UInt8]] = []
    var start = 0
    while start < bytes.count {
        let size = min(Int.random(in: 1...maxChunk, using: &random), bytes.count - start)
        chunks.append(Array(bytes[start..<start + size]))
        start += size
    }
    return chunks
}

/// A fresh private temp directory for Unix sockets (short path: sun_path is ~107 bytes).
func makeTempDirectory() throws -> String {
    var template = Array("/tmp/meshnet-XXXXXX".utf8CString)
    guard let path = mkdtemp(&template) else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    return String(cString: path)
}
