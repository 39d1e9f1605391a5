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

    /// A history without kinds digests exactly as the first release's tables do (so nodes of both
    /// versions agree during an upgrade); a kind other than `other` changes the digest.
    @Test func kindsChangeTheDigestOnlyWhenUsed() throws {
        let identity = NodeIdentity()
        let plain = try IdeaStore(path: dir.file("plain.sqlite"), identity: identity)
        let counted = try IdeaStore(path: dir.file("counted.sqlite"), identity: identity)
        for (store, kind) in [(plain, MeasureKind.other), (counted, .count)] {
            let idea = try write(store, .ideaCreate(IdeaContent(title: "Falls", problem: "p", solution: "s")), at: 1_000)
            try write(store, .measureDefine(idea: idea, MeasureDefinition(name: "falls", unit: "a week", better: .lower, kind: kind)), at: 1_001)
        }
        let (now, v1) = try plain.pool.read { db in
            (try IdeaStore.digest(db), try IdeaStore.digest(db, tables: IdeaStore.v1Tables))
        }
        #expect(now == v1, "no kinds: the first release's digest")
        let (countedNow, countedV1) = try counted.pool.read { db in
            (try IdeaStore.digest(db), try IdeaStore.digest(db, tables: IdeaStore.v1Tables))
        }
        #expect(countedNow != countedV1, "a count measure is part of the state")
    }
}
