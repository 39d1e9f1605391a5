import Foundation
import GRDB
import MeshCRDT

/// Why this node accepts no local writes for now: its store may lack ops of its own origin that
/// its peers hold (it was restored from a backup, or lost its latest writes), so a new write
/// could reuse a seq they hold with other content, a fork of its own history that the mesh
/// cannot repair. Writes resume once a peer has told this node how far its own history goes and
/// the store holds that much (`heard(peerHolds:held:)`), or when an admin says so
/// (`admin.writes.resume`), knowing the risk.
public struct WritePause: Codable, Equatable, Sendable {
    public enum Cause: String, Codable, Sendable {
        /// `ideameshd restore` put a backup in place.
        case restored
        /// A peer's Hello showed more of this node's own ops than the store holds.
        case behindPeer = "behind-peer"
    }

    public var cause: Cause
    /// Wall-clock milliseconds when writes were paused.
    public var sinceMillis: UInt64
    /// The highest seq of this node's own origin a peer was seen to hold (0: no peer yet).
    public var peerHolds: UInt64
    /// For people: the backup restored, or the peer that showed more.
    public var detail: String

    public init(cause: Cause, sinceMillis: UInt64, peerHolds: UInt64 = 0, detail: String) {
        self.cause = cause
        self.sinceMillis = sinceMillis
        self.peerHolds = peerHolds
        self.detail = detail
    }

    /// What to do when a peer says it holds `peerHolds` of this node's own origin and the store
    /// holds `held`.
    public enum Verdict: Equatable, Sendable {
        /// Nothing changes.
        case unchanged
        /// Writes may resume: the store holds all the peer holds of its own history.
        case resume
        /// Keep waiting, now for the store to hold `seq` (learned from the peer).
        case waitFor(UInt64)
    }

    /// While paused: a peer that holds none of this node's ops says nothing of its history
    /// (unless the store holds none either); one that holds some is the word needed, and writes
    /// resume once the store has caught up to the most any peer was seen to hold.
    public func heard(peerHolds: UInt64, held: UInt64) -> Verdict {
        let need = max(self.peerHolds, peerHolds)
        guard need >= 1 || held == 0 else { return .unchanged }
        if held >= need { return .resume }
        return need > self.peerHolds ? .waitFor(need) : .unchanged
    }

    /// Not paused: a peer holds more of this node's own ops than its store (`held`), which a
    /// node only sees when its store went back in time (restored by hand, or lost a write).
    /// Writes must wait until the store has caught up, or the next one forks.
    public static func needed(peerHolds: UInt64, held: UInt64, peer: String, nowMillis: UInt64) -> WritePause? {
        guard peerHolds > held else { return nil }
        return WritePause(
            cause: .behindPeer, sinceMillis: nowMillis, peerHolds: peerHolds,
            detail: "\(peer) holds \(peerHolds) ops of this node's own, its store \(held)")
    }

    /// Why a write is refused, for the person who tried.
    public var refusal: String {
        let start: String = switch cause {
        case .restored:
            "this node's store was restored from a backup (\(detail)); it takes no new writes until a peer has told it "
                + "how far its own history goes, so that it cannot reuse a number its peers already hold"
        case .behindPeer:
            "this node's store is behind its own history (\(detail)): restored from a backup or lost its latest writes? "
                + "It takes no new writes until it has caught up"
        }
        let wait = peerHolds > 0 ? " (waiting for its ops up to \(peerHolds))" : " (no peer reached yet)"
        return start + wait + ". Connect it to a peer, or, if no peer will ever hold its later ops, an admin may run "
            + "`ideamesh admin resume-writes`, knowing that a write may then fork its history"
    }

    static let metaKey = "write_pause"
}

extension IdeaStore {
    /// Why local writes are paused, or nil.
    public func writePause() throws -> WritePause? {
        try reading { db in try Self.writePause(db) }
    }

    static func writePause(_ db: Database) throws -> WritePause? {
        guard let data = try Data.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [WritePause.metaKey])
        else { return nil }
        return try JSONDecoder().decode(WritePause.self, from: data)
    }

    /// Pauses local writes (or updates the pause) until `resumeWrites`.
    public func pauseWrites(_ pause: WritePause) throws {
        let data = try JSONEncoder().encode(pause)
        try pool.write { db in
            try db.execute(
                sql: "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                arguments: [WritePause.metaKey, data])
        }
    }

    /// Lets local writes go on. Returns whether they were paused.
    @discardableResult
    public func resumeWrites() throws -> Bool {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [WritePause.metaKey])
            return db.changesCount > 0
        }
    }
}
