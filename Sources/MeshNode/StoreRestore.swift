import Foundation
import MeshCRDT
import MeshStore
import MeshWire

/// `ideameshd restore`: puts a backup (`ideamesh admin backup`) in place of a stopped node's
/// store, and records in it that it was restored, so that the node takes no new writes until a
/// peer has told it how far its own history goes (`WritePause`). A restored store usually lacks
/// the node's latest ops, which its peers hold: a write before it has them back would reuse
/// their seqs with other content, a fork of its own history.
///
/// The backup is copied, checked (an ideamesh store of this very node, not newer than this
/// version) and marked beside the store first; the store in place is then moved aside (kept,
/// never deleted) and the copy renamed over it. A backup that fails a check changes nothing.
public enum StoreRestore {
    public struct Restored: Sendable {
        /// Where the store that was in place went (nil: there was none).
        public let replacedPath: String?
        /// Ops in the restored store, and how many of them are this node's own.
        public let ops: UInt64
        public let ownOps: UInt64
    }

    public static func restore(
        dataDirectory dir: DataDirectory, from backup: String, nowMillis: UInt64 = Clock.wallMillis()
    ) throws(DaemonError) -> Restored {
        let identity: NodeIdentity
        do { identity = try dir.loadIdentity() } catch { throw .dataDirectory(error) }
        let lock = try DataDirLock.acquire(directory: dir.url.path)
        defer { lock.release() }
        let backupPath = URL(fileURLWithPath: backup).standardizedFileURL.path
        let fm = FileManager.default
        guard fm.isReadableFile(atPath: backupPath) else {
            throw .io(path: backupPath, reason: fm.fileExists(atPath: backupPath) ? "cannot read the backup" : "no such file")
        }
        guard backupPath != dir.storePath else { throw .io(path: backupPath, reason: "that is the store itself, not a backup of it") }

        let staging = dir.storePath + ".restoring"
        for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: staging + suffix) }
        let ops: UInt64, own: UInt64
        do {
            try fm.copyItem(atPath: backupPath, toPath: staging)
            try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: staging)
            (ops, own) = try mark(staging, identity: identity, backupName: URL(fileURLWithPath: backupPath).lastPathComponent, nowMillis: nowMillis)
        } catch {
            for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: staging + suffix) }
            if let refusal = error as? RestoreRefusal { throw .io(path: backupPath, reason: refusal.reason) }
            if case StoreError.identityMismatch(let stored, let given)? = error as? StoreError {
                throw .io(path: backupPath, reason: "this is a backup of node \(stored.short), not of this node (\(given.short)): wrong file or wrong data dir")
            }
            if case StoreError.notADatabase? = error as? StoreError {
                throw .io(path: backupPath, reason: "not an SQLite database: give a file made by `ideamesh admin backup`")
            }
            throw .store(path: backupPath, underlying: error)
        }

        var replaced: String?
        if fm.fileExists(atPath: dir.storePath) {
            let stamp = Self.stamp(nowMillis)
            let aside = dir.storePath + ".replaced-" + stamp
            do {
                for suffix in ["", "-wal", "-shm"] where fm.fileExists(atPath: dir.storePath + suffix) {
                    try fm.moveItem(atPath: dir.storePath + suffix, toPath: aside + suffix)
                }
            } catch {
                throw .io(path: dir.storePath, reason: "cannot move the current store aside: \(error.localizedDescription)")
            }
            replaced = aside
        }
        do {
            for suffix in ["-wal", "-shm"] { try? fm.removeItem(atPath: staging + suffix) }
            try fm.moveItem(atPath: staging, toPath: dir.storePath)
        } catch {
            throw .io(path: dir.storePath, reason: "cannot put the backup in place (the old store is at \(replaced ?? "-")): \(error.localizedDescription)")
        }
        return Restored(replacedPath: replaced, ops: ops, ownOps: own)
    }

    /// Opens the copy (which checks whose store it is and migrates an older one), checks it,
    /// and records the pause in it; the store is closed when this returns.
    private static func mark(_ path: String, identity: NodeIdentity, backupName: String, nowMillis: UInt64) throws -> (UInt64, UInt64) {
        let store = try IdeaStore(path: path, identity: identity)
        guard try store.integrityCheck() == "ok" else { throw RestoreRefusal("the backup fails SQLite's integrity check") }
        let vector = try store.versionVector()
        let own = vector[identity.nodeID].seq
        try store.pauseWrites(WritePause(
            cause: .restored, sinceMillis: nowMillis, detail: "\(backupName), holding \(own) ops of this node's own"))
        try store.checkpoint()
        return (vector.totalOps, own)
    }

    private struct RestoreRefusal: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// `20261204-203000`, UTC.
    static func stamp(_ millis: UInt64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}
