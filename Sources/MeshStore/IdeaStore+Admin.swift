import Foundation
import GRDB
import MeshCRDT
import MeshModel

/// An idea with concurrent values in some of its registers.
public struct ConflictReport: Hashable, Sendable {
    public var idea: OpID
    public var title: String
    public var registers: [RegisterConflict]
}

/// The current values of one register in conflict, latest first.
public struct RegisterConflict: Hashable, Sendable {
    public var register: Register
    public var values: [RegisterValue]
}

/// An op quarantined as a fork (see `IdeaStore.apply(batch:)`).
public struct QuarantinedOp: Hashable, Sendable {
    public var origin: NodeID
    public var seq: UInt64
    public var reason: String
    public var detectedMillis: UInt64
}

/// Counts an admin watches.
public struct StoreCounts: Hashable, Sendable {
    public var ideas: Int
    /// Ideas with at least one register in conflict.
    public var conflicts: Int
    /// Quarantined fork ops.
    public var forks: Int
    /// Origins blocked by an unresolved fork.
    public var forkedOrigins: Int
    /// Ops held without effect, by why (`IneffectiveOp.Kind`).
    public var ineffective: [IneffectiveOp.Kind: Int]
    /// Ops held back (stamped too far ahead of this node's clock: `heldOrigins()`), and their origins.
    public var heldOps: Int
    public var heldOrigins: Int
}

extension IdeaStore {
    /// Every idea with a conflict, and the competing values of each register in conflict.
    public func conflicts() throws -> [ConflictReport] {
        let rows = try reading { db in
            let keys = try originKeys(db)
            return try Row.fetchAll(db, sql: "SELECT id, title, conflicts FROM ideas WHERE conflicts != 0 ORDER BY hlc, id").map {
                (opID($0["id"], keys), $0["title"] as String, $0["conflicts"] as Int)
            }
        }
        return try rows.map { id, title, bits in
            ConflictReport(idea: id, title: title, registers: try Register.allCases.filter { bits & $0.bit != 0 }.map {
                RegisterConflict(register: $0, values: try currentValues(of: id, $0))
            })
        }
    }

    /// The quarantined fork ops, oldest first.
    public func quarantine() throws -> [QuarantinedOp] {
        try reading { db in
            try Row.fetchAll(db, sql: "SELECT origin, seq, reason, detected_ms FROM quarantine ORDER BY id").map {
                QuarantinedOp(
                    origin: NodeID(bytes: $0["origin"] as Data)!, seq: UInt64($0["seq"] as Int64), reason: $0["reason"],
                    detectedMillis: UInt64($0["detected_ms"] as Int64))
            }
        }
    }

    /// Resolves the forks of `origin` by keeping the chain held here: drops its quarantined ops
    /// and unblocks it, so its further ops (that continue the held chain) are applied again.
    /// Returns how many quarantined ops were dropped; 0 (and nothing changed) when the origin had
    /// no fork.
    @discardableResult
    public func resolveFork(origin: NodeID) throws -> Int {
        try pool.write { db in
            let key = Data(origin.bytes)
            try db.execute(sql: "DELETE FROM quarantine WHERE origin = ?", arguments: [key])
            let dropped = db.changesCount
            try db.execute(sql: "UPDATE origins SET forked = 0 WHERE key = ? AND forked = 1", arguments: [key])
            return dropped + (dropped == 0 ? db.changesCount : 0)
        }
    }

    public func counts() throws -> StoreCounts {
        try reading { db in
            StoreCounts(
                ideas: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ideas") ?? 0,
                conflicts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ideas WHERE conflicts != 0") ?? 0,
                forks: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM quarantine") ?? 0,
                forkedOrigins: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM origins WHERE forked = 1") ?? 0,
                ineffective: try ineffectiveCounts(db),
                heldOps: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM held") ?? 0,
                heldOrigins: try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT id >> 40) FROM held") ?? 0)
        }
    }

    /// How many ops are held without effect, by why: every kind is present, 0 when none.
    public func ineffectiveCounts() throws -> [IneffectiveOp.Kind: Int] {
        try reading { db in try ineffectiveCounts(db) }
    }

    private func ineffectiveCounts(_ db: Database) throws -> [IneffectiveOp.Kind: Int] {
        var counts = Dictionary(uniqueKeysWithValues: IneffectiveOp.Kind.allCases.map { ($0, 0) })
        for row in try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM ineffective_ops GROUP BY kind") {
            if let kind = IneffectiveOp.Kind(rawValue: row["kind"]) { counts[kind] = row["n"] }
        }
        return counts
    }

    /// The ops held without effect, in the log's order (by origin, then seq).
    public func ineffectiveOps() throws -> [IneffectiveOp] {
        try reading { db in
            let keys = try originKeys(db)
            return try Row.fetchAll(db, sql: "SELECT id, kind, reason FROM ineffective_ops ORDER BY id").compactMap { row in
                guard let kind = IneffectiveOp.Kind(rawValue: row["kind"]) else { return nil }
                return IneffectiveOp(id: opID(row["id"], keys), kind: kind, reason: row["reason"])
            }
        }
    }

    /// Writes a consistent copy of the store to `path` (a new file, mode 0600) while writes go
    /// on: SQLite's `VACUUM INTO` on a reader connection copies one snapshot, compacted. Returns
    /// the copy's size in bytes. Throws, leaving no file behind, when `path` exists or the copy
    /// fails.
    public func backup(to path: String) throws -> Int64 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BackupError(path: path, reason: String(cString: strerror(errno))) }
        close(fd)
        do {
            try pool.unsafeRead { db in try db.execute(sql: "VACUUM INTO ?", arguments: [path]) }
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 {
                fsync(fd)
                close(fd)
            }
        } catch {
            unlink(path)
            throw BackupError(path: path, reason: StoreFailure.summary(of: error))
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        return size
    }
}

/// Why a backup could not be written.
public struct BackupError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "backup to \(path): \(reason)" }
}
