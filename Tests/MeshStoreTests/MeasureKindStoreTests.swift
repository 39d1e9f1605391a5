import Foundation
import GRDB
import MeshCRDT
import MeshModel
@testable import MeshStore
import MeshWire
import Testing

/// A measure's kind in the store: kept, replicated, read back; a value its kind cannot take is
/// refused at the writer and changes nothing; a store from before kinds reads its measures as
/// `other` (Protocol/README.md, "Measure kinds").
struct MeasureKindStoreTests {
    let dir = TempDir()

    @Test func theKindIsKeptReplicatedAndBoundsTheValues() throws {
        let a = try IdeaStore(path: dir.file("a.sqlite"), identity: NodeIdentity())
        let b = try IdeaStore(path: dir.file("b.sqlite"), identity: NodeIdentity())
        let idea = try write(a, .ideaCreate(IdeaContent(title: "Protected lunches", problem: "p", solution: "s")), at: 1_000)
        let lunches = try write(a, .measureDefine(idea: idea, MeasureDefinition(
            name: "Interrupted lunches", unit: "a week", better: .lower, kind: .count)), at: 1_001)
        try write(a, .observationRecord(measure: lunches, date: Day("2026-10-01")!, value: 3, note: ""), at: 1_002)

        let before = (try a.digest(), try a.versionVector())
        for value in [-1.0, 2.5] {
            #expect(throws: StoreError.invalid(ValidationError(
                field: "value",
                problem: "\(value == -1 ? "-1" : "2.5") is not allowed for \"Interrupted lunches\", a count measure: it takes whole numbers 0 or more"))) {
                try write(a, .observationRecord(measure: lunches, date: Day("2026-10-02")!, value: value, note: ""), at: 1_003)
            }
        }
        #expect(try a.digest() == before.0 && a.versionVector() == before.1, "refused writes change nothing")

        #expect(try a.measures(.measure(lunches)).first?.definition.kind == .count)
        try sync(from: a, to: b)
        #expect(try b.measures(.measure(lunches)).first?.definition.kind == .count, "the kind travels with the op")
        #expect(try a.digest() == b.digest())
    }

    @Test func aStoreFromBeforeKindsReadsItsMeasuresAsOther() throws {
        let path = dir.file("old.sqlite")
        let measure: OpID
        do {
            let store = try IdeaStore(path: path, identity: NodeIdentity())
            let idea = try write(store, .ideaCreate(IdeaContent(title: "Falls", problem: "p", solution: "s")), at: 1_000)
            measure = try write(store, .measureDefine(idea: idea, MeasureDefinition(name: "falls", unit: "count", better: .lower, kind: .count)), at: 1_001)
        }
        // What the previous version left: the v1 schema, without the kind column or its migration.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "ALTER TABLE measures DROP COLUMN kind")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v2-measure-kind'")
        }
        try queue.close()

        let reopened = try IdeaStore(path: path, identity: nil)
        #expect(try reopened.measures(.measure(measure)).first?.definition.kind == .other)
    }
}
