import Foundation
import GRDB
import MeshCRDT
import MeshModel
import MeshWire

extension ApplySession {
    /// Checks and applies one decoded batch of one origin (see `IdeaStore.apply(batch:)`).
    /// Every check comes before the first write: a refused batch throws a `BatchRejection` having
    /// written nothing, so group commits need no savepoints.
    mutating func applyRemote(_ prepared: PreparedBatch, wallMillis: UInt64) throws -> ApplyOutcome {
        let batch = prepared.batch, ops = prepared.ops
        let origin = prepared.origin
        let held = try heldState(origin)
        if held.forked { throw BatchRejection.originForked(origin) }
        // The pure checks (PreparedBatch.place): duplicates, a fork, a gap, the chain, the
        // signature, increasing HLCs (`origins.hlc`: the highest HLC held of the origin, its head's).
        let placement = try prepared.place(
            heldSeq: held.seq, heldHead: held.head, heldHLC: HLC(rawValue: UInt64(bitPattern: held.hlc))
        ) { seq in
            guard let index = held.index else { return nil }
            return try fetchOne(Data.self, sql: "SELECT bytes FROM ops WHERE id = ?", arguments: [RowID.make(origin: index, seq: seq)])
        }
        let start: Int, prev: Data
        switch placement {
        case .duplicates:
            return ApplyOutcome(duplicates: ops.count)
        case .fork(let at, let heldBytes):
            // A fork claim must itself be signed by the origin, or it is just a bad op.
            guard origin.verifies(batch[at].signature, over: batch[at].bytes) else {
                throw BatchRejection.badSignature(origin: origin, seq: ops[at].seq)
            }
            try quarantine(
                batch[at], origin: origin, seq: ops[at].seq, heldHash: heldBytes.map(OpHash.of) ?? Data(),
                reason: "different op at a held seq", wallMillis: wallMillis)
            // A held seq has an index (heldSeq > 0 only for a known origin).
            guard let index = held.index else { preconditionFailure("a fork at an origin never held") }
            try exec(sql: "UPDATE origins SET forked = 1 WHERE id = ?", arguments: [index])
            return ApplyOutcome(applied: 0, duplicates: at, fork: ForkReport(origin: origin, seq: ops[at].seq))
        case .diverges:
            // The origin signed the batch (its last op, and the chain binds the first to it), and
            // its first op continues another op at our held seq than ours: two histories.
            guard let index = held.index else { preconditionFailure("a divergence from an origin never held") }
            try quarantine(
                batch[0], origin: origin, seq: ops[0].seq, heldHash: held.head,
                reason: "continues a different op at seq \(held.seq) than the one held here", wallMillis: wallMillis)
            try exec(sql: "UPDATE origins SET forked = 1 WHERE id = ?", arguments: [index])
            return ApplyOutcome(applied: 0, duplicates: 0, fork: ForkReport(origin: origin, seq: held.seq))
        case .extends(let first, let head):
            (start, prev) = (first, head)
        }
        var outcome = ApplyOutcome(duplicates: start)

        // Checked: from here on, only writes.
        let originIndex = try held.index ?? index(of: origin)
        var maxHLC = HLC(rawValue: UInt64(bitPattern: held.hlc))
        // Ops stamped too far ahead, and every later op of their origin, wait (ApplySession+Held).
        var holding = try held.index != nil && isHoldingBack(originIndex)
        for index in start..<ops.count {
            let op = ops[index]
            if mustHoldBack(op, originHolding: holding, wallMillis: wallMillis) {
                if !holding { outcome.startedHolding = op.seq }
                try holdBack(batch[index], op: op, origin: originIndex, wallMillis: wallMillis)
                holding = true
                outcome.heldBack += 1
            } else {
                try append(batch[index], op: op, origin: originIndex)
                observed = max(observed, op.hlc)
            }
            maxHLC = max(maxHLC, op.hlc)
            outcome.applied += 1
        }
        try setHead(originIndex, seq: ops[ops.count - 1].seq, head: prev, hlc: maxHLC)
        return outcome
    }
}
