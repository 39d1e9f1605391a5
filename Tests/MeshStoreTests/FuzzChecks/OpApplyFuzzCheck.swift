import Foundation
import MeshCRDT
import MeshModel
import MeshStore
import MeshWire
import SwiftProtobuf

/// Op decoding and apply: arbitrary bytes decoded as batches of signed ops and applied to a fresh
/// store, which must take them or refuse them with a `BatchRejection`, and never fail otherwise.
///
/// A fuzzer cannot forge Ed25519 signatures or SHA-256 chains, so in "signing" mode the harness
/// plays an honest origin: every op that decodes as protobuf gets the fixed origin, a `prev` that
/// chains it to the op this input signed at the seq before (when there is one), and a good
/// signature; its body, seq, hlc and author stay what the fuzzer made. That reaches the checks
/// after the signature (chain, forks, gaps) and the materialized views with any body.
///
/// Input: a mode byte (bit 0: signing; bit 1: each record is a sync `Envelope` (possibly a
/// compressed batch), else a bare `OpBatch`; bit 2: apply all batches in one group commit), then
/// up to `maxBatches` records, each a 2-byte length and that many bytes.
///
/// Invariants: the store never throws anything but a rejection; a refused batch changes neither
/// the version vector nor the state digest; an accepted batch that applied ops moves its
/// origin's head to the batch's last seq; the digest can always be computed afterwards. Held-back
/// ops (Protocol/README.md, "Clocks"): only ops beyond the bound are held, the clock never moves
/// past the bound however far ahead the ops are stamped, and once the wall clock has passed
/// every stamp all of them are released.
package enum OpApplyFuzzCheck {
    static let maxBatches = 6
    static let wallMillis: UInt64 = 1_750_000_000_000
    static let origin = fixedIdentity(7)

    /// One store in memory per process, emptied before each input (`eraseEverything`): no
    /// schema to create, no statement to compile again, no file.
    nonisolated(unsafe) static var memoryStore: IdeaStore?

    /// Runs one input against a fresh store: in memory (emptied, so that an input costs no
    /// schema creation and no file), or, given a
    /// `directory`, a real file there (removed before and after; the regression tests).
    package static func run(_ data: [UInt8], directory: String? = nil) throws(FuzzViolation) -> FuzzVerdict {
        let path = directory.map { $0 + "/fuzz.sqlite" }
        if let path { removeStore(path) }
        defer { if let path { removeStore(path) } }
        var input = FuzzInput(data)
        let mode = input.byte()
        let signing = mode & 1 != 0, envelopes = mode & 2 != 0, grouped = mode & 4 != 0

        var batches = [[SignedOp]]()
        var refusals = [String]()
        var signedHashes = [UInt64: Data]()
        while !input.isAtEnd && batches.count < maxBatches {
            let record = input.chunk(max: 16_384)
            var ops: [SignedOp]
            if envelopes {
                do {
                    guard case .batch(let batch) = try SyncMessage.decode(record) else { continue }
                    ops = batch
                } catch {
                    refusals.append("\(error)")
                    continue
                }
            } else {
                do { ops = try WireOpBatch(serializedBytes: record).ops.map(SignedOp.init(wire:)) } catch {
                    refusals.append("op batch: \(error)")
                    continue
                }
                if ops.isEmpty { continue }
            }
            if signing { ops = ops.map { sign($0, chainingTo: &signedHashes) } }
            batches.append(ops)
        }

        let store: IdeaStore
        do {
            if let path {
                store = try IdeaStore(path: path, identity: nil)
            } else {
                if memoryStore == nil { memoryStore = try IdeaStore.inMemory(identity: nil) }
                store = memoryStore!
                try store.eraseEverything()
            }
        } catch {
            throw FuzzViolation("cannot open a fresh store: \(error)")
        }
        do {
            if grouped {
                let results = try store.apply(batches: batches, wallMillis: wallMillis)
                for result in results { if case .failure(let rejection) = result { refusals.append("\(rejection)") } }
            } else {
                for batch in batches {
                    let before = try store.digestAndVector()
                    do {
                        let outcome = try store.apply(batch: batch, wallMillis: wallMillis)
                        let after = try store.versionVector()
                        if outcome.applied > 0, let last = try? batch[batch.count - 1].decode() {
                            try fuzzRequire(after[last.origin].seq == last.seq, "applied \(outcome.applied) ops but the head is \(after[last.origin].seq), not \(last.seq)")
                        }
                        if outcome.fork != nil || outcome.applied == 0 {
                            try fuzzRequire(after == before.vector, "a batch that applied nothing moved the version vector")
                        }
                    } catch let rejection as BatchRejection {
                        refusals.append("\(rejection)")
                        let after = try store.digestAndVector()
                        try fuzzRequire(after.vector == before.vector, "a refused batch (\(rejection)) moved the version vector")
                        try fuzzRequire(after.digest == before.digest, "a refused batch (\(rejection)) changed the state digest")
                    }
                }
            }
            try checkHeldBack(store)
            _ = try store.digest()
        } catch let violation as FuzzViolation {
            throw violation
        } catch {
            throw FuzzViolation("the store failed (not a rejection): \(error)")
        }
        return refusals.isEmpty ? .accepted : .refused(refusals.joined(separator: "; "))
    }

    /// The held-back invariants (see the type's comment).
    static func checkHeldBack(_ store: IdeaStore) throws {
        let horizon = HybridClock(maxDriftMillis: store.maxClockAheadMillis).horizon(wallMillis: wallMillis)
        try fuzzRequire(store.clockHLC <= horizon, "the clock followed an op beyond the bound: \(store.clockHLC.millis) ms")
        let held = try store.heldOrigins()
        for origin in held {
            try fuzzRequire(origin.firstHLC > horizon, "an op within the bound was held back: seq \(origin.firstSeq)")
        }
        guard !held.isEmpty else { return }
        let ops = held.reduce(0) { $0 + $1.ops }
        let released = try store.releaseHeld(wallMillis: HLC.maxMillis)
        try fuzzRequire(released.reduce(0) { $0 + $1.ops } == ops, "released \(released) of \(ops) held-back ops at the end of time")
        try fuzzRequire(try store.heldOrigins().isEmpty, "ops still held back at the end of time")
    }

    /// The op as its honest origin would have signed it (see the type's comment); bytes that are
    /// not an `Op` are signed as they are.
    static func sign(_ op: SignedOp, chainingTo hashes: inout [UInt64: Data]) -> SignedOp {
        guard var wire = try? WireOp(serializedBytes: op.bytes) else {
            return SignedOp(bytes: op.bytes, signature: origin.sign(op.bytes), body: op.body)
        }
        wire.origin = Data(origin.nodeID.bytes)
        if wire.seq == 1 {
            wire.prev = Data()
        } else if wire.seq > 1, let previous = hashes[wire.seq - 1] {
            wire.prev = previous
        }
        guard let bytes: Data = try? wire.serializedBytes() else { return op }
        if wire.seq >= 1 { hashes[wire.seq] = OpHash.of(bytes) }
        return SignedOp(bytes: bytes, signature: origin.sign(bytes), body: op.body)
    }

    static func removeStore(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    static func fixedIdentity(_ byte: UInt8) -> NodeIdentity {
        guard let identity = try? NodeIdentity(seed: [UInt8](repeating: byte, count: 32)) else {
            preconditionFailure("a 32-byte seed is a valid Ed25519 key")
        }
        return identity
    }
}
