import Foundation
import MeshCRDT
import MeshModel
import MeshWire

/// One simulated node's ops, in memory: per origin, the signed ops it holds in seq order, and its
/// version vector (seq and head hash per origin). A real SQLite store per node is not needed to
/// study the mesh, and 1,000 of them would not fit the machine; the views (ideas, supports, …)
/// are not materialized.
///
/// What matters to sync is kept honest: a received batch goes through the store's own checks
/// (`PreparedBatch` and `PreparedBatch.place`, which `ApplySession+Remote` uses too): every op
/// decodes, one origin, contiguous seqs; ops already held must be byte-identical (duplicates,
/// skipped; anything else would be a fork); the first new op must follow the held head (else a
/// gap); each new op's `prev` is the hash of the one before; the origin's signature on the last
/// op verifies; each new op's HLC is greater than the one before. Refused batches change nothing.
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
    /// The HLC of each origin's head (what `place` checks a batch's first new op against).
    private var headHLCs: [Int: HLC] = [:]

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
        // The texts' salts from the op's place, so that a run is the same bytes from its seed.
        var salts = SplitMix64(seed: UInt64(origin) << 40 | (head.seq + 1))
        let op = SignedOp.make(
            identity: identity, seq: head.seq + 1, prev: Data(head.hash), hlc: hlc, author: author, body: body, random: &salts)
        ops[origin, default: []].append(op)
        vector[identity.nodeID] = OriginHead(seq: head.seq + 1, hash: Array(op.hash))
        headHLCs[origin] = hlc
        return op
    }

    /// A history every node starts with (the same ops, shared copy-on-write).
    mutating func adopt(_ list: [SignedOp], origin: Int, id: NodeID) {
        guard let last = list.last else { return }
        ops[origin] = list
        vector[id] = OriginHead(seq: UInt64(list.count), hash: Array(last.hash))
        headHLCs[origin] = (try? last.decode().hlc) ?? .zero
    }

    /// Checks and applies a batch received from a peer with the store's own checks
    /// (`PreparedBatch` and its `place`); refused batches change nothing.
    mutating func apply(_ batch: [SignedOp], originIndex: (NodeID) -> Int?, verifySignature: Bool) -> Outcome {
        let prepared: PreparedBatch
        do { prepared = try PreparedBatch(batch, signature: verifySignature ? .whenNeeded : .skipped) } catch {
            return .refused("\(error)")
        }
        let id = prepared.origin
        guard let origin = originIndex(id) else { return .refused("unknown origin \(id.short)") }
        let held = ops[origin] ?? []
        let placement: PreparedBatch.Placement
        do {
            placement = try prepared.place(
                heldSeq: UInt64(held.count), heldHead: Data(vector[id].hash), heldHLC: headHLCs[origin] ?? .zero
            ) { seq in
                seq >= 1 ? held[Int(seq) - 1].bytes : nil
            }
        } catch BatchRejection.gap(let origin, let heldSeq, let first) {
            return .gap("\(BatchRejection.gap(origin: origin, held: heldSeq, first: first))")
        } catch {
            return .refused("\(error)")
        }
        let lastSeq = prepared.lastSeq
        switch placement {
        case .duplicates:
            return .accepted(origin: id, lastSeq: lastSeq, firstNewSeq: lastSeq + 1, applied: 0)
        case .fork(let index, _):
            return .fork("different op at \(id.short)-\(prepared.ops[index].seq)")
        case .diverges:
            return .fork("\(id.short)-\(prepared.ops[0].seq) continues a different history")
        case .extends(let start, let head):
            ops[origin, default: []].append(contentsOf: batch[start...])
            vector[id] = OriginHead(seq: lastSeq, hash: Array(head))
            headHLCs[origin] = prepared.ops[prepared.count - 1].hlc
            return .accepted(origin: id, lastSeq: lastSeq, firstNewSeq: prepared.ops[start].seq, applied: batch.count - start)
        }
    }
}
