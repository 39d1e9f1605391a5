import Foundation
import GRDB
import MeshCRDT
import MeshModel
import MeshStore
import MeshWire
import Testing

/// A version that tightens a rule takes away the effect of the ops it now refuses, those an
/// earlier version applied included, by making its views again from the op log when it first
/// opens the store (Protocol/README.md, "Content rules" and "Rights").
struct RulesUpgradeTests: TwoStoreSuite {
    let stores: TwoStores

    init() throws { stores = try TwoStores() }

    @Test func changesAnEarlierVersionAppliedFromAnotherDepartmentLoseTheirEffectOnUpgrade() throws {
        // B plays a version before the rights rule: it retitles and declines A's idea.
        b.rulesBeforeRights.withLock { $0 = true }
        let idea = try a.write(.ideaCreate(content), author: "ann", wallMillis: 1_000).decode().id
        let comment = try a.write(.commentAdd(idea: idea, text: "first"), author: "ann", wallMillis: 1_500).decode().id
        try sync(from: a, to: b)
        try b.write(.ideaEdit(idea: idea, edits: [FieldEdit(field: .title, value: "Renamed by B", seen: [])]), author: "bob", wallMillis: 2_000)
        try b.write(.statusSet(idea: idea, status: .declined, reason: "not ours", seen: []), author: "bob", wallMillis: 2_001)
        try b.write(.support(idea: idea), author: "bob", wallMillis: 2_002)
        try a.write(.ideaEdit(idea: idea, edits: [FieldEdit(field: .problem, value: "Falls at night, in bay 2", seen: [])]), author: "ann", wallMillis: 3_000)
        try sync(from: a, to: b)
        #expect(try b.idea(idea)?.content.title == "Renamed by B" && b.idea(idea)?.status == .declined, "the earlier rules")
        try sync(from: b, to: a)
        let path = dir.file("b.sqlite")
        // As such a version left it: without the migration that comes with the rule.
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v6-rights'")
        }

        // A fresh node given the same ops, and B's store opened by this version, agree.
        let fresh = try IdeaStore(path: dir.file("fresh.sqlite"), identity: nil)
        try sync(from: b, to: fresh)
        let upgraded = try IdeaStore(path: path, identity: nil)
        for store in [upgraded, fresh] {
            let view = try #require(try store.idea(idea))
            #expect(view.content.title == "Night falls" && view.status == .proposed && view.conflicts.isEmpty)
            #expect(view.content.problem == "Falls at night, in bay 2" && view.supporters == 1)
            #expect(view.comments.map(\.id) == [comment])
            #expect(try store.search("Renamed").isEmpty && store.search("bay").map(\.idea) == [idea])
            #expect(try store.ineffectiveOps().map(\.id) == [OpID(origin: bID.nodeID, seq: 1), OpID(origin: bID.nodeID, seq: 2)])
            #expect(try store.versionVector() == a.versionVector())
        }
        #expect(try upgraded.digest() == fresh.digest())
        #expect(try upgraded.digest() == a.digest(), "A never gave them an effect")

        // Only once: opening it again changes nothing.
        let again = try IdeaStore(path: path, identity: nil)
        #expect(try again.digest() == fresh.digest() && again.ineffectiveOps().count == 2)
    }
}
