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
        var outcome = ApplyOutcome()

        // Ops we already hold: identical bytes are duplicates; anything else is a fork.
        var start = 0
        while start < ops.count, ops[start].seq <= held.seq, let index = held.index {
            let rid = RowID.make(origin: index, seq: ops[start].seq)
            let heldBytes = try fetchOne(Data.self, sql: "SELECT bytes FROM ops WHERE id = ?", arguments: [rid])
            if heldBytes == batch[start].bytes {
                outcome.duplicates += 1
                start += 1
                continue
            }
            // A fork claim must itself be signed by the origin, or it is just a bad op.
            guard origin.verifies(batch[start].signature, over: batch[start].bytes) else {
                throw BatchRejection.badSignature(origin: origin, seq: ops[start].seq)
            }
            try quarantine(
                batch[start], origin: origin, seq: ops[start].seq, heldHash: heldBytes.map(OpHash.of) ?? Data(),
                reason: "different op at a held seq", wallMillis: wallMillis)
            try exec(sql: "UPDATE origins SET forked = 1 WHERE id = ?", arguments: [index])
            return ApplyOutcome(applied: 0, duplicates: outcome.duplicates, fork: ForkReport(origin: origin, seq: ops[start].seq))
        }
        guard start < ops.count else { return outcome }

        // New ops: they must continue the chain we hold, and the origin must have signed the last.
        guard ops[start].seq == held.seq + 1 else {
            throw BatchRejection.gap(origin: origin, held: held.seq, first: ops[start].seq)
        }
        var prev = held.head
        for index in start..<ops.count {
            guard OpHash.equal(ops[index].prev, prev) else {
                throw BatchRejection.brokenChain(origin: origin, seq: ops[index].seq)
            }
            prev = prepared.hashes[index]
        }
        guard prepared.lastSignatureValid else {
            throw BatchRejection.badSignature(origin: origin, seq: ops[ops.count - 1].seq)
        }

        // Checked: from here on, only writes.
        let originIndex = try held.index ?? index(of: origin)
        var maxHLC = HLC(rawValue: UInt64(bitPattern: held.hlc))
        for index in start..<ops.count {
            try append(batch[index], op: ops[index], origin: originIndex)
            maxHLC = max(maxHLC, ops[index].hlc)
            outcome.applied += 1
        }
        try setHead(originIndex, seq: ops[ops.count - 1].seq, head: prev, hlc: maxHLC)
        return outcome
    }
}
