import Foundation
import GRDB
import Logging
import MeshCRDT
import MeshModel
import MeshWire

/// An origin with ops held back (see `ApplySession+Held`): stamped too far ahead of this node's
/// clock, in the log but not yet applied.
public struct HeldOrigin: Hashable, Sendable {
    public var origin: NodeID
    /// Its ops held back: the tail of its chain here, from `firstSeq` on.
    public var ops: Int
    public var firstSeq: UInt64
    /// The first one's HLC, and the wall-clock time from which it is due.
    public var firstHLC: HLC
    public var dueMillis: UInt64
    /// When the first one was held back (wall clock).
    public var sinceMillis: UInt64
}

extension IdeaStore {
    /// The bound this store holds remote ops to: how far ahead of the wall clock an op's HLC may
    /// be and still be applied at once.
    public var maxClockAheadMillis: UInt64 { clock.withLock { $0.maxDriftMillis } }

    /// The largest HLC this store's clock has issued or followed (for checks: the fuzzer's
    /// invariant that held-back ops do not move it).
    package var clockHLC: HLC { clock.withLock { $0.last } }

    /// Applies the held-back ops that are due at `wallMillis` (their HLC is no longer too far
    /// ahead), each origin's in seq order, in one transaction; the clock then follows them.
    /// Cheap when nothing is due (one indexed read), so a daemon calls it every second, and once
    /// at startup. Returns what was released, per origin (and logs it).
    @discardableResult
    public func releaseHeld(wallMillis: UInt64 = Clock.wallMillis()) throws -> [HeldRelease] {
        let horizon = clock.withLock { $0.horizon(wallMillis: wallMillis) }
        let anyDue = try reading { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM held WHERE hlc_ms <= ? LIMIT 1", arguments: [Int64(horizon.millis)])
        }
        guard anyDue != nil else { return [] }
        var observed = HLC.zero
        let released = try transaction { session in
            let released = try session.releaseDue(wallMillis: wallMillis)
            observed = session.observed
            return released
        }
        clock.withLock { _ = $0.observe(observed, wallMillis: wallMillis) }
        for release in released {
            let metadata: Logger.Metadata = [
                "origin": "\(release.origin.short)", "ops": "\(release.ops)", "through_seq": "\(release.throughSeq)",
                "still_held": "\(release.stillHeld)",
            ]
            if holdLog.withLock({ $0.released(release.origin, stillHeld: release.stillHeld) }) {
                logger.info("held-back ops released: the clock has caught up with them", metadata: metadata)
            } else {
                logger.debug("held-back ops released", metadata: metadata)
            }
        }
        return released
    }

    /// The origins with ops held back, by when their first one was held.
    public func heldOrigins() throws -> [HeldOrigin] {
        let rule = clock.withLock { $0 }
        return try reading { db in
            let keys = try originKeys(db)
            // SQLite: the bare columns come from the row with the MIN(id): the origin's first.
            return try Row.fetchAll(db, sql: """
                SELECT MIN(id) AS first, hlc, held_ms, COUNT(*) AS n FROM held GROUP BY id >> 40 ORDER BY held_ms, first
                """
            ).map { row in
                let first: Int64 = row["first"], hlc = HLC(rawValue: UInt64(bitPattern: row["hlc"]))
                return HeldOrigin(
                    origin: opID(first, keys).origin, ops: row["n"], firstSeq: RowID.seq(first), firstHLC: hlc,
                    dueMillis: rule.dueMillis(hlc), sinceMillis: UInt64(row["held_ms"] as Int64))
            }
        }
    }

    /// The largest HLC of the ops applied here, where the clock starts when the store opens:
    /// every origin's last op, but for an origin with ops held back, the op before the first.
    static func appliedClock(_ db: Database) throws -> HLC {
        var latest = try Int64.fetchOne(
            db, sql: "SELECT MAX(hlc) FROM origins WHERE id NOT IN (SELECT DISTINCT id >> 40 FROM held)") ?? 0
        for first in try Int64.fetchAll(db, sql: "SELECT MIN(id) FROM held GROUP BY id >> 40") where RowID.seq(first) > 1 {
            guard let row = try Row.fetchOne(db, sql: "SELECT bytes, body FROM ops WHERE id = ?", arguments: [first - 1]) else { continue }
            latest = max(latest, Int64(bitPattern: try OpCodec.decode(stored: row).hlc.rawValue))
        }
        return HLC(rawValue: UInt64(bitPattern: latest))
    }

    /// When an origin's ops start being held back (at most hourly: `HoldLog`).
    func logHoldingBack(origin: NodeID, op: Op, wallMillis: UInt64) {
        guard holdLog.withLock({ $0.startedHolding(origin, wallMillis: wallMillis) }) else { return }
        let due = clock.withLock { $0.dueMillis(op.hlc) }
        logger.warning("op held back: stamped ahead of this node's clock; it and its origin's later ops wait until the clock catches up", metadata: [
            "origin": "\(origin.short)", "seq": "\(op.seq)", "ahead_ms": "\(op.hlc.millis &- wallMillis)",
            "release_in_s": "\((due &- wallMillis) / 1000)", "max_ahead_s": "\(maxClockAheadMillis / 1000)",
        ])
    }
}

/// Which held-back episodes the log tells: a warning when an origin's ops start being held back,
/// and a line when none of them is held back any more; for each origin at most once an hour,
/// since an origin whose clock is a little too fast would otherwise log both for every op it
/// writes. Pure (the time is given); the store keeps one.
struct HoldLog {
    static let quietMillis: UInt64 = 60 * 60 * 1000
    private var lastWarned: [NodeID: UInt64] = [:]
    /// Origins whose current episode was not told (within the quiet hour): its end is not either.
    private var untold: Set<NodeID> = []

    /// An origin's ops started being held back at `wallMillis`: whether to say so.
    mutating func startedHolding(_ origin: NodeID, wallMillis: UInt64) -> Bool {
        if let last = lastWarned[origin], wallMillis < last &+ Self.quietMillis {
            untold.insert(origin)
            return false
        }
        lastWarned[origin] = wallMillis
        untold.remove(origin)
        return true
    }

    /// Some of an origin's held-back ops were released, `stillHeld` remain: whether to say so
    /// (when none remain, of an episode that was told, or that began before this process).
    mutating func released(_ origin: NodeID, stillHeld: Int) -> Bool {
        guard stillHeld == 0 else { return false }
        return untold.remove(origin) == nil
    }
}
