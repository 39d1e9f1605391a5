import Foundation
import GRDB
import MeshCRDT
import MeshModel
import MeshWire

/// Held-back ops (Protocol/README.md, "Clocks"): a remote op stamped further ahead of this node's
/// wall clock than its clock follows (`HybridClock.admits`) is stored in the log like any
/// accepted op (so it is relayed, and its origin's chain goes on from it) but not applied to the
/// views, and its HLC does not move the local clock, until the wall clock has caught up. An
/// origin's HLCs increase along its chain, so its later ops wait behind it: an origin's held-back
/// ops are always the tail of its chain here, and are released in seq order.
extension ApplySession {
    /// The row ids of `origin`'s ops.
    static func rowIDs(of origin: Int64) -> (low: Int64, high: Int64) {
        (RowID.make(origin: origin, seq: 1), RowID.make(origin: origin, seq: RowID.maxSeq))
    }

    /// Whether an op of `origin` is held back here.
    func isHoldingBack(_ origin: Int64) throws -> Bool {
        let ids = Self.rowIDs(of: origin)
        return try fetchOne(Bool.self, sql: "SELECT 1 FROM held WHERE id BETWEEN ? AND ? LIMIT 1", arguments: [ids.low, ids.high]) != nil
    }

    /// Whether remote `op` must wait: an earlier op of its origin is held back, or it is stamped
    /// too far ahead of `wallMillis`. This node's own ops never are: they are its own history,
    /// which its clock must stay after whatever its wall clock says.
    func mustHoldBack(_ op: Op, originHolding: Bool, wallMillis: UInt64) -> Bool {
        guard op.origin != store.nodeID else { return false }
        return originHolding || !store.clock.withLock { $0.admits(op.hlc, wallMillis: wallMillis) }
    }

    /// Stores `op` in the log without effect, held back.
    mutating func holdBack(_ signed: SignedOp, op: Op, origin: Int64, wallMillis: UInt64) throws {
        let (rid, _) = try insertOp(signed, op: op, origin: origin)
        try exec(
            sql: "INSERT INTO held(id, hlc, hlc_ms, held_ms) VALUES(?, ?, ?, ?)",
            arguments: [rid, Int64(bitPattern: op.hlc.rawValue), Int64(op.hlc.millis), Int64(wallMillis)])
    }

    /// Applies the held-back ops due at `wallMillis` (those the clock admits), each origin's in
    /// seq order: an origin's ops after one that is not due stay held back. Returns what was
    /// released, per origin.
    mutating func releaseDue(wallMillis: UInt64) throws -> [HeldRelease] {
        // Compared by their wall-clock part: an HLC's 64 bits stored in SQLite's signed INTEGER
        // would sort an op stamped after 2^47 ms (a forged one) before every other.
        let horizon = Int64(store.clock.withLock { $0.horizon(wallMillis: wallMillis) }.millis)
        let origins = try Int64.fetchAll(
            db.cachedStatement(sql: "SELECT DISTINCT id >> 40 FROM held WHERE hlc_ms <= ? ORDER BY 1"), arguments: [horizon])
        var released = [HeldRelease]()
        for origin in origins {
            let ids = Self.rowIDs(of: origin)
            // The origin's held-back ops in seq order, up to the first that is not due.
            var due = [(id: Int64, hlc: Int64, op: Op)]()
            let cursor = try Row.fetchCursor(
                db.cachedStatement(sql: """
                    SELECT h.id, h.hlc, h.hlc_ms, o.bytes, o.body FROM held h JOIN ops o ON o.id = h.id
                    WHERE h.id BETWEEN ? AND ? ORDER BY h.id
                    """),
                arguments: [ids.low, ids.high])
            while let row = try cursor.next(), (row["hlc_ms"] as Int64) <= horizon {
                due.append((row["id"], row["hlc"], try OpCodec.decode(stored: row)))
            }
            guard let last = due.last else { continue }
            for op in due {
                let decoded = op.op
                try applyOrRecord(decoded, rid: op.id, hlc: op.hlc)
                observed = max(observed, decoded.hlc)
            }
            try exec(sql: "DELETE FROM held WHERE id BETWEEN ? AND ?", arguments: [ids.low, last.id])
            let still = try fetchOne(
                Int.self, sql: "SELECT COUNT(*) FROM held WHERE id BETWEEN ? AND ?", arguments: [ids.low, ids.high]) ?? 0
            released.append(HeldRelease(
                origin: try opID(last.id).origin, ops: due.count, throughSeq: RowID.seq(last.id), stillHeld: still))
        }
        return released
    }
}

/// Held-back ops of one origin that a release applied.
public struct HeldRelease: Hashable, Sendable {
    public var origin: NodeID
    /// How many were applied, and the seq of the last.
    public var ops: Int
    public var throughSeq: UInt64
    /// Its ops still held back (stamped further ahead).
    public var stillHeld: Int
}
