import Foundation
import GRDB
import MeshCRDT
import MeshModel
import MeshStore
import MeshWire
import Testing

/// A large history taken in at once leaves the search index to be built at the end
/// (`ApplySession+SearchIndex`): the index it builds must be the one that keeping it in step op
/// by op makes, search must refuse rather than answer from half an index, and a store stopped
/// before the build must build it when it opens.
@Suite(.timeLimit(.minutes(3)))
struct SearchIndexBuildTests {
    /// Words that the random history's texts hold (ideas, edits, comments, edited comments).
    static let queries = ["idea", "problem", "solution", "edit", "comment", "edited", "safety", "t1", "7", "12"]

    @Test func aLargeHistoryAtOnceGetsTheIndexThatOneOpAtATimeMakes() async throws {
        let dir = TempDir()
        // Seconds of durable writes: on a thread of its own, not on the cooperative pool (as wide
        // as the cores) that the end-to-end tests of other suites need to poll their daemons.
        let (ops, reference) = try await Self.offThePool { () throws -> ([NodeID: [SignedOp]], StateDigest) in
            var history = try RandomHistory(seed: 16, nodes: 3, dir: dir)
            try history.run(steps: 1_800)
            let stores = history.nodes.map(\.store)
            for a in stores { for b in stores where a !== b { try sync(from: a, to: b) } }
            return (try allOps(stores[0]), try stores[0].digest())
        }
        let total = ops.values.reduce(0) { $0 + $1.count }
        try #require(total >= 1_024, "the history must be large enough to be taken in at once: \(total) ops")

        // Op by op: small batches, the index kept in step all along.
        let stepwise = try IdeaStore(path: dir.file("stepwise.sqlite"), identity: nil)
        for list in ops.values {
            for start in stride(from: 0, to: list.count, by: 50) {
                try stepwise.apply(batch: Array(list[start..<min(list.count, start + 50)]))
                #expect(stepwise.searchIndexReady)
            }
        }

        // All at once, as a new department's catch-up: every origin's ops in one group commit.
        let batches = ops.values.flatMap { list in stride(from: 0, to: list.count, by: 256).map { Array(list[$0..<min(list.count, $0 + 256)]) } }
        let bulk = try IdeaStore(path: dir.file("bulk.sqlite"), identity: nil)
        for result in try bulk.apply(batches: batches) { #expect(try result.get().applied > 0) }
        #expect(!bulk.searchIndexReady)
        #expect(throws: StoreError.searchIndexBuilding) { try bulk.search("idea") }
        // The views do not wait: the same state as everywhere.
        #expect(try bulk.digest() == reference)
        #expect(try bulk.ideaIDs().count == stepwise.ideaIDs().count)

        // A store stopped before the build (its file copied as it was) builds it when it opens.
        try bulk.checkpoint()
        try FileManager.default.copyItem(atPath: dir.file("bulk.sqlite"), toPath: dir.file("stopped.sqlite"))
        #expect(try bulk.buildDeferredSearchIndex())
        #expect(bulk.searchIndexReady)
        #expect(try !bulk.buildDeferredSearchIndex(), "built once")
        let reopened = try IdeaStore(path: dir.file("stopped.sqlite"), identity: nil)
        #expect(reopened.searchIndexReady)

        for store in [bulk, reopened] {
            for query in Self.queries {
                // Every match (the limit is above any count here), each with its score; ties may list in any order.
                let expected = Dictionary(uniqueKeysWithValues: try stepwise.search(query, limit: 1_000).map { ($0.key, $0.rank) })
                let got = Dictionary(uniqueKeysWithValues: try store.search(query, limit: 1_000).map { ($0.key, $0.rank) })
                #expect(got.keys.sorted() == expected.keys.sorted(), "\(query)")
                for (key, rank) in got {
                    if let other = expected[key] { #expect(abs(rank - other) < 1e-9, "\(query): bm25 \(rank) vs \(other)") }
                }
            }
            #expect(try Self.ftsIntegrity(store.path) == "ok")
        }
        // Some of the queries match, or the comparison above proves nothing.
        #expect(try stepwise.search("comment", limit: 1_000).contains { $0.kind == .comment })
        #expect(try stepwise.search("edit", limit: 1_000).contains { $0.kind == .idea })
        #expect(try Self.ftsIntegrity(stepwise.path) == "ok")

        // Once built, more ops keep it in step (the store is no longer small beside them).
        let more = try IdeaStore(path: dir.file("more.sqlite"), identity: nil)
        let half = batches.count / 2
        for result in try more.apply(batches: Array(batches[..<half])) { _ = try result.get() }
        try more.buildDeferredSearchIndex()
        for batch in batches[half...] {
            try more.apply(batch: batch)
            #expect(more.searchIndexReady)
        }
        #expect(try more.search("comment", limit: 1_000).map(\.key).sorted() == stepwise.search("comment", limit: 1_000).map(\.key).sorted())
    }

    @Test func aSmallStoreTakingInAFewOpsKeepsItsIndexInStep() throws {
        let stores = try TwoStores()
        for index in 0..<40 {
            try stores.a.write(.ideaCreate(IdeaContent(title: "Falls \(index)", problem: "p", solution: "s")), author: "ann")
        }
        try sync(from: stores.a, to: stores.b, batchSize: 40)
        #expect(stores.b.searchIndexReady)
        #expect(try stores.b.search("falls", limit: 100).count == 40)
    }

    static func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    /// FTS5's own check that each index agrees with its content table.
    static func ftsIntegrity(_ path: String) throws -> String {
        let db = try DatabaseQueue(path: path)
        return try db.write { db in
            for index in ["ideas_fts", "comments_fts"] {
                do { try db.execute(sql: "INSERT INTO \(index)(\(index), rank) VALUES('integrity-check', 1)") } catch {
                    return "\(index): \(error)"
                }
            }
            return "ok"
        }
    }
}

extension SearchHit {
    /// What a hit names and shows, without its score.
    var key: String { "\(kind) \(idea) \(comment.map { "\($0)" } ?? "-") \(title) \(snippet)" }
}
