import Foundation
import MeshClient
import MeshStore
import Testing
import MeshLoopback
#if canImport(Glibc)
import Glibc
#endif

/// Daemons whose wall clocks disagree (libfaketime preloaded into each, no code of ours
/// involved): they converge, an op written after another was received sorts after it whatever
/// the writer's clock says (the hybrid logical clock), and concurrent edits resolve the same way
/// at every node.
@Suite(.timeLimit(.minutes(3)))
struct ClockSkewEndToEndTests {
    /// libfaketime (Debian `faketime`; `.ci/run` installs it), or nil.
    static let fakeTimeLibrary = [
        "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
    ].first { FileManager.default.fileExists(atPath: $0) }

    /// The environment that shifts a daemon's wall clock by `seconds`; its monotonic clock
    /// (timers, backoff, timeouts) stays true.
    static func skewed(by seconds: Int) -> [String: String] {
        [
            "LD_PRELOAD": fakeTimeLibrary ?? "", "FAKETIME": (seconds >= 0 ? "+" : "") + "\(seconds)",
            "FAKETIME_DONT_FAKE_MONOTONIC": "1", "FAKETIME_DISABLE_SHM": "1",
        ]
    }

    /// libfaketime preloaded straight into `ideameshd` loses the Swift program its arguments (it
    /// prints its usage and exits 0); exec'd by a shell that was preloaded first, it runs
    /// normally, in the shell's process (so signals still reach it).
    static let execViaShell = ["/bin/sh", "-c", "exec \"$@\"", "sh"]

    /// A's clock is 10 minutes fast, B's 10 minutes slow (20 minutes apart: both allow an hour
    /// ahead, `[clock] max_ahead_seconds`, so that nothing is held back); B reaches A through a
    /// proxy, so that they can be partitioned.
    @Test(.enabled(if: fakeTimeLibrary != nil, "needs libfaketime: apt-get install faketime"))
    func skewedClocksConvergeInCausalOrder() async throws {
        let cluster = try DaemonCluster("skew")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a"), b = try cluster.addNode("b")
        let proxy = try FaultProxy(targetPort: a.port)
        defer { proxy.stop() }
        let hourAhead = "\n[clock]\nmax_ahead_seconds = 3600"
        try a.configure(trust: [b], extra: hourAhead)
        try b.configure(seedAddresses: [proxy.address], trust: [a], listens: false, extra: hourAhead)
        try a.launch(environment: Self.skewed(by: 600), launcher: Self.execViaShell)
        try b.launch(environment: Self.skewed(by: -600), launcher: Self.execViaShell)
        defer {
            // libfaketime 0.9.10 still leaves its shared memory behind, named after the process.
            for pid in [a.process?.pid, b.process?.pid].compactMap({ $0 }) {
                unlink("/dev/shm/faketime_shm_\(pid)")
                unlink("/dev/shm/sem.faketime_sem_\(pid)")
            }
        }
        try await a.waitReady()
        try await b.waitReady()
        try await cluster.eventually("A and B in sync") { try a.syncingPeers() == [b.nodeID] && b.syncingPeers() == [a.nodeID] }

        // The skew took effect: an idea's time is its writer's (HLC) wall clock.
        let now = Int(Clock.wallMillis())
        let early = try b.submit("Skew: B's idea before it saw A's")
        #expect(abs(try Self.created(early, at: b) - (now - 600_000)) < 60_000, "B's clock is 10 minutes slow")
        try await cluster.waitConverged([a, b], ops: 1)
        let x = try a.submit("Skew: A's idea")
        let aTime = try Self.created(x, at: a)
        #expect(abs(aTime - (now + 600_000)) < 60_000, "A's clock is 10 minutes fast: \(aTime - now) ms")
        try await cluster.waitConverged([a, b], ops: 2)

        // B acts on A's idea with a clock 20 minutes behind it: its ops still sort after it.
        let y = try b.submit("Skew: B's idea after it saw A's")
        let support = try #require(try b.call("idea.support", ["id": x])["id"] as? String)
        let comment = try #require(try b.call("idea.comment", ["id": x, "text": "seen at B"])["id"] as? String)
        try await cluster.waitConverged([a, b], ops: 5)
        for node in [a, b] {
            #expect(try Self.created(y, at: node) >= aTime, "\(node.name): B's later idea sorts after A's")
            #expect(try Self.newestFirst(at: node).prefix(2) == [y, x], "\(node.name): newest first is B's later idea, then A's")
            let history = try Self.history(of: x, at: node)
            #expect(history.map(\.id) == [x, support, comment], "\(node.name): history in causal order: \(history)")
            #expect(history.map(\.created) == history.map(\.created).sorted(), "\(node.name): \(history)")
        }

        // A partition: A retitles its idea while B comments on it, neither seeing the other's op.
        // (B may not retitle A's idea: Protocol/README.md, "Rights".)
        proxy.cut()
        let fromA = try #require(try a.call("idea.edit", ["id": x, "title": "Skew: title from A"])["id"] as? String)
        let fromB = try #require(try b.call("idea.comment", ["id": x, "text": "B, during the partition"])["id"] as? String)
        #expect(throws: (any Error).self) { try b.call("idea.edit", ["id": x, "title": "Skew: title from B"]) }
        try await cluster.holds("the partition keeps A's edit from B", for: .seconds(1)) {
            try b.digest().heads[a.nodeID] == 1
        }
        proxy.heal()
        try await cluster.waitConverged([a, b], ops: 7)
        var titles = Set<String>(), conflicts = Set<[String]>()
        for node in [a, b] {
            let idea = try node.call("idea.show", ["id": x])
            titles.insert(idea["title"] as? String ?? "?")
            conflicts.insert(idea["conflicts"] as? [String] ?? [])
            let history = try Self.history(of: x, at: node)
            #expect(history.map(\.id).suffix(2) == [fromB, fromA], "\(node.name): A's edit, on the faster clock, sorts last: \(history)")
        }
        #expect(titles == ["Skew: title from A"], "A's edit shows everywhere: \(titles)")
        #expect(conflicts == [[]], "no conflict: only A changes A's idea: \(conflicts)")

        // Once B has seen A's edit, its next op sorts after it.
        let after = try #require(try b.call("idea.comment", ["id": x, "text": "after the partition"])["id"] as? String)
        try await cluster.waitConverged([a, b], ops: 8)
        for node in [a, b] {
            #expect(try Self.history(of: x, at: node).last?.id == after, "\(node.name)")
        }
        #expect(proxy.stats.accepted >= 1)
    }

    /// A's clock is right, and it lets ops be stamped at most 3 s ahead of it; B's clock is a year
    /// fast (set wrong, or a stolen key), C's 45 s. A keeps and relays their ops but holds them
    /// back, says so in `admin status`, its metrics and its log, and stamps its own writes with
    /// its own clock, before and after a restart; C's op takes effect once A's clock reaches it.
    @Test(.enabled(if: fakeTimeLibrary != nil, "needs libfaketime: apt-get install faketime"))
    func opsStampedTooFarAheadAreHeldBackUntilTheClockCatchesUp() async throws {
        let cluster = try DaemonCluster("held")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a"), b = try cluster.addNode("b"), c = try cluster.addNode("c")
        try a.configure(trust: [b, c], extra: "\n[clock]\nmax_ahead_seconds = 3")
        try b.configure(seeds: [a], trust: [a], listens: false)
        try c.configure(seeds: [a], trust: [a], listens: false)
        try a.launch()
        try b.launch(environment: Self.skewed(by: 365 * 86_400), launcher: Self.execViaShell)
        try c.launch(environment: Self.skewed(by: 45), launcher: Self.execViaShell)
        defer {
            for pid in [b.process?.pid, c.process?.pid].compactMap({ $0 }) {
                unlink("/dev/shm/faketime_shm_\(pid)")
                unlink("/dev/shm/sem.faketime_sem_\(pid)")
            }
        }
        for node in [a, b, c] { try await node.waitReady() }
        try await cluster.eventually("A in sync with B and C") { try a.syncingPeers() == [b.nodeID, c.nodeID] }

        // B's idea, a year ahead: A keeps it (its heads count it, so it is relayed) but shows nothing of it.
        let fromB = try b.submit("Held: B's idea from a year ahead")
        try await cluster.eventually("A holds B's op back") { try Self.heldBack(at: a).map(\.origin) == [b.nodeID] }
        let held = try #require(try Self.heldBack(at: a).first)
        #expect(held.ops == 1 && held.fromSeq == 1)
        #expect(abs(held.aheadMs - 365 * 86_400_000) < 60_000, "\(held)")
        #expect(try a.digest().heads[b.nodeID] == 1)
        #expect(try a.request("idea.show", ["id": fromB]).errorCode == "not_found")
        #expect(try !Self.newestFirst(at: a).contains(fromB))
        let metrics = try #require(try a.call("admin.metrics")["text"] as? String)
        #expect(metrics.contains("\nideamesh_held_ops 1\n") && metrics.contains("\nideamesh_held_origins 1\n"), "\(metrics)")

        // A's own next write is stamped with A's clock, not a year ahead.
        let own = try a.submit("Held: A's idea after B's")
        #expect(abs(try Self.created(own, at: a) - Int(Clock.wallMillis())) < 60_000)

        // C's idea, 45 s ahead: held back, then applied once A's clock is within 3 s of it. Seen
        // held in A's log, which keeps it (at 8 s and 20 s ahead, a loaded CI machine's polling of
        // `admin status` came after the release).
        let fromC = try c.submit("Held: C's idea from 45 s ahead")
        try await cluster.eventually("A holds C's op back", timeout: .seconds(40)) {
            a.log.split(separator: "\n").contains { $0.contains("op held back") && $0.contains(c.short) }
        }
        if try Self.heldBack(at: a).map(\.origin).contains(c.nodeID) {
            #expect(try a.request("idea.show", ["id": fromC]).errorCode == "not_found")
        }
        try await cluster.eventually("A applies C's op once due", timeout: .seconds(90)) {
            try Self.heldBack(at: a).map(\.origin) == [b.nodeID] && a.request("idea.show", ["id": fromC]).ok
        }
        // One log line per origin when held back, one when released.
        let log = a.log.split(separator: "\n")
        #expect(log.filter { $0.contains("op held back") && $0.contains(b.short) }.count == 1)
        #expect(log.filter { $0.contains("op held back") && $0.contains(c.short) }.count == 1)
        #expect(log.filter { $0.contains("held-back ops released") && $0.contains(c.short) }.count == 1)

        // After a restart B's op is still held back, and A's writes still follow A's clock.
        _ = try await a.terminate()
        try a.launch()
        try await a.waitReady()
        #expect(try Self.heldBack(at: a).map(\.origin) == [b.nodeID])
        let afterRestart = try a.submit("Held: A's idea after a restart")
        #expect(abs(try Self.created(afterRestart, at: a) - Int(Clock.wallMillis())) < 60_000)
        #expect(try a.request("idea.show", ["id": fromB]).errorCode == "not_found")
    }

    /// `admin.status` `held_back`: each origin whose ops are held back.
    static func heldBack(at node: DaemonNode) throws -> [(origin: String, ops: Int, fromSeq: Int, aheadMs: Int)] {
        let status = try node.call("admin.status")
        let held = try #require(status["held_back"] as? [[String: Any]], "\(status)")
        return held.map { ($0["origin"] as? String ?? "?", jsonInt($0["ops"]) ?? -1, jsonInt($0["from_seq"]) ?? -1, jsonInt($0["ahead_ms"]) ?? -1) }
    }

    static func created(_ id: String, at node: DaemonNode) throws -> Int {
        let idea = try node.call("idea.show", ["id": id])
        return try #require(jsonInt(idea["created_ms"]), "\(idea)")
    }

    static func newestFirst(at node: DaemonNode) throws -> [String] {
        let list = try node.call("idea.list", ["sort": "new"])
        return (list["ideas"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    static func history(of id: String, at node: DaemonNode) throws -> [(id: String, created: Int)] {
        let idea = try node.call("idea.show", ["id": id])
        let history = try #require(idea["history"] as? [[String: Any]], "\(idea)")
        return history.map { ($0["id"] as? String ?? "?", jsonInt($0["created_ms"]) ?? -1) }
    }
}
