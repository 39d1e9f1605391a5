import Foundation
import MeshCRDT
import MeshModel
import MeshWire

/// A received batch with all the work that needs no database done: decoded, its shape checked
/// (one origin, contiguous seqs), each op's hash computed and the origin's signature on the last
/// op checked. Pure, so a receiver can prepare the next batches on another thread while the
/// store's writer applies the current ones.
public struct PreparedBatch: Sendable {
    public let batch: [SignedOp]
    let ops: [Op]
    /// SHA-256 of each op's bytes.
    let hashes: [Data]
    /// Whether the origin's signature on the last op verifies. Only consulted when the batch
    /// brings new ops: a batch of duplicates needs no signature.
    let lastSignatureValid: Bool

    public var origin: NodeID { ops[0].origin }
    public var count: Int { ops.count }
    /// The seq of the batch's last op.
    public var lastSeq: UInt64 { ops[ops.count - 1].seq }

    /// Decodes and checks `batch`; throws what `IdeaStore.apply(batch:)` would refuse it for
    /// before looking at the store.
    public init(_ batch: [SignedOp]) throws(BatchRejection) {
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
            guard op.seq <= RowID.maxSeq else { throw .seqTooLarge }
            ops.append(op)
            hashes.append(signed.hash)
        }
        let last = batch[batch.count - 1]
        self.batch = batch
        self.ops = ops
        self.hashes = hashes
        lastSignatureValid = ops[0].origin.verifies(last.signature, over: last.bytes)
    }

    /// Prepares each batch; a batch that cannot be prepared keeps its rejection.
    public static func prepare(_ batches: [[SignedOp]]) -> [Result<PreparedBatch, BatchRejection>] {
        batches.map { batch in Result { () throws(BatchRejection) in try PreparedBatch(batch) } }
    }
}
