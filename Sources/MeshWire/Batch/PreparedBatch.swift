import Foundation
import MeshCRDT
import MeshModel

/// A received batch with all the work that needs no database done: decoded, its shape checked
/// (one origin, contiguous seqs), each op's hash computed and the origin's signature on the last
/// op checked. Pure, so a receiver can prepare the next batches on another thread while the
/// store's writer applies the current ones; `place` then checks it against what the receiver
/// holds. The store (`ApplySession+Remote`) and the simulator's in-memory log (`MeshSim.OpLog`)
/// both apply batches through these checks.
public struct PreparedBatch: Sendable {
    /// When the origin's signature on the last op is checked.
    public enum SignatureCheck: Sendable {
        /// In `init` (on the preparing thread, before the writer needs it).
        case now
        /// Only if `place` finds new ops: a batch of duplicates needs no signature.
        case whenNeeded
        /// Never (the simulator, to measure what the check costs it).
        case skipped
    }

    /// The highest seq a batch may carry: the store packs an op's seq into 40 bits of its local
    /// row id (`RowID`).
    public static let maxSeq: UInt64 = (1 << 40) - 1

    public let batch: [SignedOp]
    public let ops: [Op]
    /// SHA-256 of each op's bytes.
    public let hashes: [Data]
    /// Whether the origin's signature on the last op verifies (nil: not checked yet).
    private let signatureVerdict: Bool?
    private let signatureCheck: SignatureCheck

    public var origin: NodeID { ops[0].origin }
    public var count: Int { ops.count }
    /// The seq of the batch's last op.
    public var lastSeq: UInt64 { ops[ops.count - 1].seq }

    /// Whether the origin's signature on the last op verifies. Only consulted when the batch
    /// brings new ops.
    public var lastSignatureValid: Bool {
        if let signatureVerdict { return signatureVerdict }
        if signatureCheck == .skipped { return true }
        let last = batch[batch.count - 1]
        return origin.verifies(last.signature, over: last.bytes)
    }

    /// Decodes and checks `batch`; throws what `IdeaStore.apply(batch:)` would refuse it for
    /// before looking at the store.
    public init(_ batch: [SignedOp], signature: SignatureCheck = .now) throws(BatchRejection) {
        guard !batch.isEmpty else { throw .empty }
        var ops = [Op]()
        var hashes = [Data]()
        ops.reserveCapacity(batch.count)
        hashes.reserveCapacity(batch.count)
        for (index, signed) in batch.enumerated() {
            let op: Op
            do { op = try signed.decode() } catch { throw .undecodable(index: index, error) }
            if index > 0 {
                guard op.origin == ops[0].origin else { throw .mixedOrigins }
                guard op.seq == ops[index - 1].seq + 1 else { throw .notContiguous(index: index) }
            }
            guard op.seq <= Self.maxSeq else { throw .seqTooLarge }
            ops.append(op)
            hashes.append(signed.hash)
        }
        let last = batch[batch.count - 1]
        self.batch = batch
        self.ops = ops
        self.hashes = hashes
        signatureCheck = signature
        signatureVerdict = signature == .now ? ops[0].origin.verifies(last.signature, over: last.bytes) : nil
    }

    /// Prepares each batch; a batch that cannot be prepared keeps its rejection.
    public static func prepare(_ batches: [[SignedOp]]) -> [Result<PreparedBatch, BatchRejection>] {
        batches.map { batch in Result { () throws(BatchRejection) in try PreparedBatch(batch) } }
    }

    // MARK: Against what is held

    /// Where a batch falls against what the receiver holds of its origin.
    public enum Placement: Equatable, Sendable {
        /// Every op is already held, byte for byte.
        case duplicates
        /// The op at `index` differs from the one held at its seq (`held`: those bytes, nil when
        /// the holder could not produce them): a fork claim, to be checked and quarantined.
        /// The ops before it are duplicates.
        case fork(index: Int, held: Data?)
        /// The batch's first op (held seq + 1) names as its `prev` an op other than the one held
        /// at the held seq, and the batch is otherwise sound (its own chain intact, the origin
        /// signed its last op): the origin signed two histories that part at or before the held
        /// seq. A fork met from the other side, where the receiver holds the shorter branch (a
        /// node restored from an old backup that wrote again); quarantined like `fork`.
        case diverges
        /// The ops from `start` on are new and continue the held chain, the origin signed the
        /// last; `head` is the hash of the last op. The ops before `start` are duplicates.
        case extends(start: Int, head: Data)
    }

    /// Whether each op of the batch names the one before it as its `prev`.
    private var chainsWithin: Bool {
        (1..<ops.count).allSatisfy { OpHash.equal(ops[$0].prev, hashes[$0 - 1]) }
    }

    /// Checks the batch against what is held of its origin: `heldSeq` and its hash `heldHead`,
    /// the HLC of the op at `heldSeq` (`heldHLC`, zero when none is held), and `heldBytes(seq)`,
    /// the bytes held at a seq ≤ `heldSeq`. Ops already held must be byte-identical (else a
    /// fork); the first new op must follow the held head (else a `gap`); each new op's `prev` is
    /// the hash of the one before (else `brokenChain`, or `diverges` when only the first op's
    /// `prev` misses the held head of a sound batch); the origin's signature on the last op
    /// verifies (else `badSignature`); each new op's HLC is greater than the one before it, the
    /// first new op's than `heldHLC` (else `hlcNotIncreasing`: checked last, so it names an origin
    /// that really signed those HLCs). Throws a `BatchRejection`, or what `heldBytes` throws.
    public func place(
        heldSeq: UInt64, heldHead: Data, heldHLC: HLC, heldBytes: (UInt64) throws -> Data?
    ) throws -> Placement {
        var start = 0
        while start < ops.count, ops[start].seq <= heldSeq {
            let held = try heldBytes(ops[start].seq)
            guard held == batch[start].bytes else { return .fork(index: start, held: held) }
            start += 1
        }
        guard start < ops.count else { return .duplicates }
        guard ops[start].seq == heldSeq + 1 else {
            throw BatchRejection.gap(origin: origin, held: heldSeq, first: ops[start].seq)
        }
        var prev = heldHead
        for index in start..<ops.count {
            guard OpHash.equal(ops[index].prev, prev) else {
                if index == 0 && heldSeq > 0 && chainsWithin && lastSignatureValid { return .diverges }
                throw BatchRejection.brokenChain(origin: origin, seq: ops[index].seq)
            }
            prev = hashes[index]
        }
        guard lastSignatureValid else { throw BatchRejection.badSignature(origin: origin, seq: lastSeq) }
        var previousHLC = heldHLC
        for op in ops[start...] {
            guard op.hlc > previousHLC else { throw BatchRejection.hlcNotIncreasing(origin: origin, seq: op.seq) }
            previousHLC = op.hlc
        }
        return .extends(start: start, head: prev)
    }
}
