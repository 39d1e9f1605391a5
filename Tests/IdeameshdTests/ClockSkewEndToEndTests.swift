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
@Suite(.timeLimit(.minutes(2)))
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

    /// A's clock is 10 minutes fast, B's 10 minutes slow (20 minutes apart, inside the
    /// HLC's one-hour drift limit); B reaches A through a proxy, so that they can be partitioned.
    @Test(.enabled(if: fakeTimeLibrary != nil, "needs libfaketime: apt-get install faketime"))
    func skewedClocksConvergeInCausalOrder() async throws {
        let cluster = try DaemonCluster("skew")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a"), b = try cluster.addNode("b")
        let proxy = try FaultProxy(targetPort: a.port)
        defer { proxy.stop() }
        try a.configure(trust: [b])
        try b.configure(seedAddresses: [proxy.address], trust: [a], listens: false)
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
        let edit = try #require(try b.call("idea.edit", ["id": x, "title": "Skew: A's idea, retitled at B"])["id"] as? String)
        let comment = try #require(try b.call("idea.comment", ["id": x, "text": "seen at B"])["id"] as? String)
        try await cluster.waitConverged([a, b], ops: 5)
        for node in [a, b] {
            #expect(try Self.created(y, at: node) >= aTime, "\(node.name): B's later idea sorts after A's")
            #expect(try Self.newestFirst(at: node).prefix(2) == [y, x], "\(node.name): newest first is B's later idea, then A's")
            let history = try Self.history(of: x, at: node)
            #expect(history.map(\.id) == [x, edit, comment], "\(node.name): history in causal order: \(history)")
            #expect(history.map(\.created) == history.map(\.created).sorted(), "\(node.name): \(history)")
            #expect(try node.call("idea.show", ["id": x])["title"] as? String == "Skew: A's idea, retitled at B")
        }

        // A partition: both retitle the idea, neither seeing the other's edit.
        proxy.cut()
        let fromA = try #require(try a.call("idea.edit", ["id": x, "title": "Skew: title from A"])["id"] as? String)
        let fromB = try #require(try b.call("idea.edit", ["id": x, "title": "Skew: title from B"])["id"] as? String)
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
        #expect(titles == ["Skew: title from A"], "the concurrent edit with the later HLC shows everywhere: \(titles)")
        #expect(conflicts == [["title"]], "both nodes report the same conflict: \(conflicts)")

        // Once B has seen A's edit, its next op sorts after it.
        let after = try #require(try b.call("idea.comment", ["id": x, "text": "after the partition"])["id"] as? String)
        try await cluster.waitConverged([a, b], ops: 8)
        for node in [a, b] {
            #expect(try Self.history(of: x, at: node).last?.id == after, "\(node.name)")
        }
        #expect(proxy.stats.accepted >= 1)
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
