import Foundation
import GRDB
import MeshCRDT
import MeshModel

/// A PDSA cycle of an idea (a `pdsa-start` op) with its Do, Study and Act steps.
public struct PDSACycle: Hashable, Sendable {
    /// The pdsa-start op.
    public var id: OpID
    public var author: String
    public var hlc: HLC
    public var plan: String
    public var prediction: String
    /// Every step recorded, oldest first by (time, seq).
    public var steps: [PDSAStep]

    /// The furthest phase recorded: "plan" (no step yet), "do", "study" or "act".
    public var phase: String {
        steps.map(\.phase).max { Self.rank($0) < Self.rank($1) } ?? "plan"
    }

    /// The decision of the latest Act step, if any.
    public var decision: PDSADecision? {
        steps.last { $0.phase == "act" && $0.decision != nil }?.decision
    }

    static func rank(_ phase: String) -> Int {
        switch phase {
        case "do": 1
        case "study": 2
        case "act": 3
        default: 0
        }
    }
}

/// A Do, Study or Act step of a cycle (`pdsa-do`, `pdsa-study`, `pdsa-act`).
public struct PDSAStep: Hashable, Sendable {
    public var id: OpID
    /// "do", "study" or "act".
    public var phase: String
    /// Act steps only.
    public var decision: PDSADecision?
    public var notes: String
    public var author: String
    public var hlc: HLC
}

/// A measure of an idea (`measure-define`) and a summary of its observations.
public struct IdeaMeasure: Hashable, Sendable {
    /// The measure-define op.
    public var id: OpID
    public var author: String
    public var hlc: HLC
    public var name: String
    public var unit: String
    public var better: Direction
    public var target: Double?
    public var kind: MeasureKind
    /// Observations recorded and not retracted.
    public var observations: Int
    /// The latest observation not retracted (by date, then time recorded): its date and value.
    public var latestDate: Day?
    public var latestValue: Double?
}

extension IdeaStore {
    /// The idea's PDSA cycles (with their steps) and measures (with a summary of their
    /// observations), oldest first by (time, origin, seq), read in one transaction. Both empty
    /// when the idea is not held here.
    public func cyclesAndMeasures(of idea: OpID) throws -> (cycles: [PDSACycle], measures: [IdeaMeasure]) {
        guard let index = localIndex(idea.origin) else { return ([], []) }
        let rid = RowID.make(origin: index, seq: idea.seq)
        return try reading { db in
            let keys = try originKeys(db)
            func order(_ a: (HLC, OpID), _ b: (HLC, OpID)) -> Bool {
                (a.0, a.1.origin, a.1.seq) < (b.0, b.1.origin, b.1.seq)
            }

            var stepsByCycle = [Int64: [PDSAStep]]()
            for row in try Row.fetchAll(
                db, sql: """
                    SELECT s.id, s.cycle, s.phase, s.decision, s.notes, s.author, s.hlc FROM cycle_steps s
                    JOIN cycles c ON c.id = s.cycle WHERE c.idea = ?
                    """,
                arguments: [rid])
            {
                let step = PDSAStep(
                    id: opID(row["id"], keys), phase: row["phase"], decision: (row["decision"] as String?).flatMap(PDSADecision.init(rawValue:)),
                    notes: row["notes"], author: row["author"], hlc: hlc(row["hlc"]))
                stepsByCycle[row["cycle"], default: []].append(step)
            }
            let cycles = try Row.fetchAll(
                db, sql: "SELECT id, author, hlc, plan, prediction FROM cycles WHERE idea = ?", arguments: [rid]
            ).map { row in
                PDSACycle(
                    id: opID(row["id"], keys), author: row["author"], hlc: hlc(row["hlc"]), plan: row["plan"],
                    prediction: row["prediction"],
                    steps: (stepsByCycle[row["id"]] ?? []).sorted { order(($0.hlc, $0.id), ($1.hlc, $1.id)) })
            }.sorted { order(($0.hlc, $0.id), ($1.hlc, $1.id)) }

            let measures = try Row.fetchAll(
                db, sql: """
                    SELECT m.id, m.author, m.hlc, m.name, m.unit, m.better, m.target, m.kind,
                        (SELECT count(*) FROM observations o WHERE o.measure = m.id AND o.retracted = 0) AS observed,
                        l.day AS latest_day, l.value AS latest_value
                    FROM measures m
                    LEFT JOIN observations l ON l.id = (
                        SELECT o.id FROM observations o WHERE o.measure = m.id AND o.retracted = 0
                        ORDER BY o.day DESC, o.hlc DESC, o.id DESC LIMIT 1)
                    WHERE m.idea = ?
                    """,
                arguments: [rid]
            ).map { row in
                IdeaMeasure(
                    id: opID(row["id"], keys), author: row["author"], hlc: hlc(row["hlc"]), name: row["name"], unit: row["unit"],
                    better: Direction(rawValue: row["better"]) ?? .lower, target: row["target"],
                    kind: MeasureKind(rawValue: row["kind"]) ?? .other, observations: row["observed"],
                    latestDate: (row["latest_day"] as String?).flatMap(Day.init), latestValue: row["latest_value"])
            }.sorted { order(($0.hlc, $0.id), ($1.hlc, $1.id)) }
            return (cycles, measures)
        }
    }
}
