import Foundation
import MeshCRDT
import MeshModel
import MeshWire

/// One simulated node's ops, in memory: per origin, the signed ops it holds in seq order, and its
/// version vector (seq and head hash per origin). A real SQLite store per node is not needed to
/// study the mesh, and 1,000 of them would not fit the machine; the views (ideas, supports, …)
/// are not materialized.
///
/// What matters to sync is kept honest: a received batch is checked as `IdeaStore.apply(batch:)`
/// checks it (`PreparedBatch`, `ApplySession+Remote`): every op decodes, one origin, contiguous
/// seqs; ops already held must be byte-identical (duplicates, skipped; anything else would be a
/// fork); the first new op must follow the held head (else a gap); each new op's `prev` is the
/// hash of the one before; the origin's signature on the last op verifies. Refused batches change
/// nothing.
struct OpLog {
    enum Outcome: Equatable {
        /// `applied` new ops (possibly 0: all duplicates), the batch ending at `lastSeq`.
        case accepted(origin: NodeID, lastSeq: UInt64, firstNewSeq: UInt64, applied: Int)
        case gap(String)
        case refused(String)
        case fork(String)
    }

    /// Ops per origin, by the origin's index in the simulation.
    private(set) var ops: [Int: [SignedOp]] = [:]
    private(set) var vector = VersionVector()

    func held(_ origin: Int) -> Int { ops[origin]?.count ?? 0 }

    /// Ops `from` (1-based seq) on, at most `count`.
    func slice(_ origin: Int, from: UInt64, count: Int) -> ArraySlice<SignedOp> {
        guard let list = ops[origin], from >= 1, Int(from) <= list.count else { return [] }
        let start = Int(from) - 1
        return list[start..<min(list.count, start + count)]
    }

    /// The next op written at `identity` (its origin index `origin`), signed, appended.
    mutating func write(_ body: OpBody, author: String, hlc: HLC, identity: NodeIdentity, origin: Int) -> SignedOp {
        let head = vector[identity.nodeID]
        let op = SignedOp.make(identity: identity, seq: head.seq + 1, prev: Data(head.hash), hlc: hlc, author: author, body: body)
        ops[origin, default: []].append(op)
        vector[identity.nodeID] = OriginHead(seq: head.seq + 1, hash: Array(op.hash))
        return op
    }

    /// A history every node starts with (the same ops, shared copy-on-write).
    mutating func adopt(_ list: [SignedOp], origin: Int, id: NodeID) {
        guard let last = list.last else { return }
        ops[origin] = list
        vector[id] = OriginHead(seq: UInt64(list.count), hash: Array(last.hash))
    }

    /// Checks and applies a batch received from a peer (see the type's comment).
    mutating func apply(_ batch: [SignedOp], originIndex: (NodeID) -> Int?, verifySignature: Bool) -> Outcome {
        guard !batch.isEmpty else { return .refused("empty batch") }
        var decoded = [Op]()
        decoded.reserveCapacity(batch.count)
        for (index, signed) in batch.enumerated() {
            let op: Op
            do { op = try signed.decode() } catch { return .refused("op \(index) of the batch: \(error)") }
            if index > 0 {
                guard op.origin == decoded[0].origin else { return .refused("a batch must hold ops of one origin") }
                guard op.seq == decoded[index - 1].seq + 1 else { return .refused("op \(index) of the batch does not follow the one before it") }
            }
            decoded.append(op)
        }
        let id = decoded[0].origin
        guard let origin = originIndex(id) else { return .refused("unknown origin \(id.short)") }
        let held = ops[origin] ?? []
        var start = 0
        while start < decoded.count, decoded[start].seq <= UInt64(held.count) {
            guard decoded[start].seq >= 1, held[Int(decoded[start].seq) - 1].bytes == batch[start].bytes else {
                return .fork("different op at \(id.short)-\(decoded[start].seq)")
            }
            start += 1
        }
        let lastSeq = decoded[decoded.count - 1].seq
        guard start < decoded.count else { return .accepted(origin: id, lastSeq: lastSeq, firstNewSeq: lastSeq + 1, applied: 0) }
        guard decoded[start].seq == UInt64(held.count) + 1 else {
            return .gap("gap: hold \(id.short) up to \(held.count), batch starts at \(decoded[start].seq)")
        }
        var prev = vector[id].hash
        var hashes = [Data]()
        for index in start..<decoded.count {
            guard decoded[index].prev == prev else {
                return .refused("hash chain broken at \(id.short)-\(decoded[index].seq)")
            }
            let hash = batch[index].hash
            hashes.append(hash)
            prev = Array(hash)
        }
        if verifySignature {
            let last = batch[batch.count - 1]
            guard id.verifies(last.signature, over: last.bytes) else { return .refused("bad signature on \(id.short)-\(lastSeq)") }
        }
        ops[origin, default: []].append(contentsOf: batch[start...])
        vector[id] = OriginHead(seq: lastSeq, hash: prev)
        return .accepted(origin: id, lastSeq: lastSeq, firstNewSeq: decoded[start].seq, applied: decoded.count - start)
    }
}
