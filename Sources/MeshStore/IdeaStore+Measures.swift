import Foundation
import GRDB
import MeshCRDT
import MeshModel

/// A measure with its idea and every observation not retracted: what a chart is drawn from.
public struct MeasureRecord: Hashable, Sendable {
    /// The measure-define op.
    public var id: OpID
    public var idea: OpID
    public var ideaTitle: String
    public var author: String
    public var hlc: HLC
    public var definition: MeasureDefinition
    /// Not retracted, by date, then time recorded.
    public var observations: [ObservationRecord]
}

/// An observation (an observation-record op) not retracted.
public struct ObservationRecord: Hashable, Sendable {
    public var id: OpID
    public var date: Day
    public var value: Double
    public var note: String
    public var author: String
    public var hlc: HLC
}

/// Which measures to read.
public enum MeasureFilter: Hashable, Sendable {
    case measure(OpID)
    case idea(OpID)
    /// Every measure held, newest first, at most `limit`.
    case all(limit: Int)
    /// Measures with an observation recorded (by HLC) since this time, ms since the epoch.
    case observedSince(millis: UInt64)
}

extension IdeaStore {
    /// The measures `filter` names, with their observations, read in one transaction. Oldest first
    /// by (time, origin, seq), except `.all`, which is newest first.
    public func measures(_ filter: MeasureFilter) throws -> [MeasureRecord] {
        let condition: String
        var arguments: StatementArguments = []
        var order = "m.hlc ASC, m.id ASC"
        switch filter {
        case .measure(let id):
            guard let index = localIndex(id.origin) else { return [] }
            condition = "m.id = ?"
            arguments = [RowID.make(origin: index, seq: id.seq)]
        case .idea(let id):
            guard let index = localIndex(id.origin) else { return [] }
            condition = "m.idea = ?"
            arguments = [RowID.make(origin: index, seq: id.seq)]
        case .all(let limit):
            condition = "1"
            order = "m.hlc DESC, m.id DESC LIMIT \(max(0, limit))"
        case .observedSince(let millis):
            condition = "m.id IN (SELECT measure FROM observations WHERE retracted = 0 AND hlc >= ?)"
            arguments = [Int64(bitPattern: HLC(millis: millis, counter: 0).rawValue)]
        }
        return try reading { db in
            let keys = try originKeys(db)
            let rows = try Row.fetchAll(
                db, sql: """
                    SELECT m.id, m.idea, i.title, m.author, m.hlc, m.name, m.unit, m.better, m.target, m.kind
                    FROM measures m LEFT JOIN ideas i ON i.id = m.idea
                    WHERE \(condition) ORDER BY \(order)
                    """,
                arguments: arguments)
            let statement = try db.cachedStatement(sql: """
                SELECT id, day, value, note, author, hlc FROM observations
                WHERE measure = ? AND retracted = 0 ORDER BY day, hlc, id
                """)
            return try rows.map { row in
                let observations = try Row.fetchAll(statement, arguments: [row["id"] as Int64]).compactMap { o -> ObservationRecord? in
                    // Days are written from parsed `Day`s; one that no longer parses is left out, not guessed.
                    guard let day = Day(o["day"]) else { return nil }
                    return ObservationRecord(
                        id: opID(o["id"], keys), date: day, value: o["value"], note: o["note"], author: o["author"], hlc: hlc(o["hlc"]))
                }
                return MeasureRecord(
                    id: opID(row["id"], keys), idea: opID(row["idea"], keys), ideaTitle: row["title"] ?? "", author: row["author"],
                    hlc: hlc(row["hlc"]),
                    definition: MeasureDefinition(
                        name: row["name"], unit: row["unit"], better: Direction(rawValue: row["better"]) ?? .lower, target: row["target"],
                        kind: MeasureKind(rawValue: row["kind"]) ?? .other),
                    observations: observations)
            }
        }
    }

    /// The observation `id` with its measure, when it is held and not retracted.
    public func observation(_ id: OpID) throws -> (observation: ObservationRecord, measure: OpID)? {
        guard let index = localIndex(id.origin) else { return nil }
        return try reading { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT id, measure, day, value, note, author, hlc FROM observations WHERE id = ? AND retracted = 0",
                arguments: [RowID.make(origin: index, seq: id.seq)]),
                let day = Day(row["day"])
            else { return nil }
            let keys = try originKeys(db)
            return (
                ObservationRecord(id: id, date: day, value: row["value"], note: row["note"], author: row["author"], hlc: hlc(row["hlc"])),
                opID(row["measure"], keys))
        }
    }
}
