import Foundation
import MeshCRDT
import MeshModel
import MeshStore
import MeshWire
import PropertyBased
import Testing

/// The CRDT laws, checked on the real SQLite store: the same set of ops gives the same state
/// (digest), whatever order, batching, duplication and redelivery they arrive in.
struct ConvergenceTests {
    @Test func randomHistoriesConvergeInAnyDeliveryOrder() async throws {
        await propertyCheck(count: 12, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            do {
                try Self.checkConvergence(seed: UInt64(seed))
            } catch {
                Issue.record("seed \(seed): \(error)")
            }
        }
    }

    static func checkConvergence(seed: UInt64) throws {
        let dir = TempDir()
        var history = try RandomHistory(seed: seed, nodes: 3, dir: dir)
        try history.run(steps: 70)
        let stores = history.nodes.map(\.store)
        // Full sync: every node ends up holding every op.
        for _ in 0..<2 {
            for a in stores { for b in stores where a !== b { try sync(from: a, to: b) } }
        }
        let reference = try stores[0].digest()
        for store in stores.dropFirst() {
            #expect(try store.digest() == reference, "seed \(seed): synced nodes disagree")
        }

        // Deliver the same ops to fresh stores: per origin in order, interleaved across origins at
        // random, in random batch sizes, with duplicates and overlapping redelivery.
        let ops = try allOps(stores[0])
        var rng = SplitMix64(seed: seed ^ 0xA5A5)
        for trial in 0..<2 {
            let fresh = try IdeaStore(path: dir.file("fresh\(trial).sqlite"), identity: nil)
            var next = ops.mapValues { _ in 0 }
            var origins = Array(ops.keys)
            var partialDigest: StateDigest?
            while !origins.isEmpty {
                let o = rng.below(origins.count)
                let origin = origins[o]
                let list = ops[origin]!
                // Sometimes start before what is held (duplicates), always reach past it.
                let start = max(0, next[origin]! - (rng.chance(25) ? 1 + rng.below(3) : 0))
                let end = min(list.count, next[origin]! + 1 + rng.below(6))
                let outcome = try fresh.apply(batch: Array(list[start..<end]))
                #expect(outcome.duplicates == next[origin]! - start && outcome.fork == nil)
                if rng.chance(10) { try fresh.apply(batch: Array(list[start..<end])) }  // redelivery
                next[origin] = end
                if end == list.count { origins.remove(at: o) }
                if partialDigest == nil, !origins.isEmpty { partialDigest = try fresh.digest() }
            }
            #expect(try fresh.digest() == reference, "seed \(seed): delivery order \(trial) gave another state")
            #expect(try fresh.versionVector() == stores[0].versionVector())
            // The digest can tell states apart: the state before the last ops differs.
            if let partialDigest { #expect(partialDigest != reference) }
        }
    }
}
