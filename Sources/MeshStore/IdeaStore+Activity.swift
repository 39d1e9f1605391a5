import Foundation
import GRDB
import MeshCRDT
import MeshModel

/// What happened since a time, for a department's digest.
public struct Activity: Hashable, Sendable {
    /// Ideas created since then (any department), newest first.
    public var newIdeas: [IdeaSummary]
    /// Ideas whose status changed since then to testing, adopted or spread, and still is that,
    /// latest change first.
    public var moved: [IdeaSummary]
    /// Ideas of the home department adopted by other departments since then, latest first.
    public var adoptedElsewhere: [AdoptedElsewhere]
}

/// An idea of the home department adopted by another one.
public struct AdoptedElsewhere: Hashable, Sendable {
    public var source: OpID
    public var sourceTitle: String
    /// The adopting idea.
    public var adoption: OpID
    public var hlc: HLC
}

extension IdeaStore {
    /// The statuses a digest reports an idea moving to.
    static let movedStatuses: [IdeaStatus] = [.testing, .adopted, .spread]

    /// What happened since `sinceMillis` (ms since the epoch, by HLC), for the department `home`.
    public func activity(sinceMillis: UInt64, home: NodeID) throws -> Activity {
        let since = Int64(bitPattern: HLC(millis: sinceMillis, counter: 0).rawValue)
        let homeIndex = localIndex(home) ?? -1
        return try reading { db in
            let keys = try originKeys(db)
            let newIdeas = try Row.fetchAll(
                db, sql: "WITH \(Self.countsSQL) SELECT * FROM counted WHERE hlc >= ? ORDER BY hlc DESC, id DESC",
                arguments: [since]
            ).map { summary($0, keys) }
            let statuses = Self.movedStatuses.map { "'\($0.rawValue)'" }.joined(separator: ",")
            let moved = try Row.fetchAll(
                db, sql: """
                    WITH \(Self.countsSQL),
                    changes AS (
                        SELECT target, MAX(w.hlc) AS at FROM reg_writes w JOIN ideas i ON i.id = w.target
                        WHERE w.reg = ? AND w.hlc >= ? AND w.value = i.status AND i.status IN (\(statuses))
                        GROUP BY target)
                    SELECT counted.*, (
                        SELECT w.note FROM reg_writes w
                        WHERE w.target = counted.id AND w.reg = ? AND w.live = 1 AND w.value = counted.status
                        ORDER BY w.hlc DESC LIMIT 1) AS status_reason
                    FROM counted JOIN changes ON changes.target = counted.id
                    ORDER BY changes.at DESC, counted.id DESC
                    """,
                arguments: [Register.status.rawValue, since, Register.status.rawValue]
            ).map { row in
                var moved = summary(row, keys)
                moved.statusReason = (row["status_reason"] as String?).flatMap { $0.isEmpty ? nil : $0 }
                return moved
            }
            let adopted = try Row.fetchAll(
                db, sql: """
                    SELECT a.id, a.hlc, a.adopted_from, s.title FROM ideas a JOIN ideas s ON s.id = a.adopted_from
                    WHERE a.adopted_from >> 40 = ? AND a.id >> 40 != ? AND a.hlc >= ?
                    ORDER BY a.hlc DESC, a.id DESC
                    """,
                arguments: [homeIndex, homeIndex, since]
            ).map {
                AdoptedElsewhere(source: opID($0["adopted_from"], keys), sourceTitle: $0["title"], adoption: opID($0["id"], keys), hlc: hlc($0["hlc"]))
            }
            return Activity(newIdeas: newIdeas, moved: moved, adoptedElsewhere: adopted)
        }
    }
}
