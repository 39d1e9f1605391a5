import Foundation
import MeshCRDT
import MeshModel
import MeshStore
import MeshWire
import Testing

/// The CRDT semantics of DESIGN.md's table, one rule at a time, between real SQLite stores.
struct SemanticsTests: TwoStoreSuite {
    let stores: TwoStores

    init() throws { stores = try TwoStores() }

    /// An idea made at A and known to both.
    func sharedIdea(at wall: UInt64 = 1000) throws -> OpID {
        let idea = try a.write(.ideaCreate(content), author: "ann", wallMillis: wall).decode().id
        try sync(from: a, to: b)
        return idea
    }

    /// Two writes of one register that do not see each other (only a misbehaving origin makes
    /// them now: `forge`) are both kept and shown until a write sees them all.
    @Test func concurrentStatusChangesAreKeptAsAConflictUntilAWriteSeesThemAll() throws {
        let idea = try sharedIdea()
        try a.write(.statusSet(idea: idea, status: .testing, reason: "start PDSA", seen: []), author: "ann", wallMillis: 2000)
        try forge(.statusSet(idea: idea, status: .declined, reason: "no budget", seen: []), at: a, identity: aID, author: "bob", wallMillis: 2001)
        try sync(from: a, to: b)
        for store in [a, b] {
            let view = try #require(try store.idea(idea))
            #expect(view.conflicts == [.status])
            #expect(view.status == .declined)  // displayed: latest by (hlc, origin)…
            let values = try store.currentValues(of: idea, .status).map(\.value)
            #expect(values == ["declined", "testing"])  // …but both are kept and shown
        }
        #expect(try a.digest() == b.digest())

        // A write that has seen both resolves the conflict everywhere (a move the workflow allows
        // from the displayed status).
        try a.write(.statusSet(idea: idea, status: .underReview, reason: "agreed", seen: []), author: "ann", wallMillis: 3000)
        try sync(from: a, to: b)
        for store in [a, b] {
            let view = try #require(try store.idea(idea))
            #expect(view.conflicts.isEmpty && view.status == .underReview)
            #expect(try store.currentValues(of: idea, .status).count == 1)
        }
    }

    @Test func concurrentEditsResolveLastWriterWinsByHLC() throws {
        let idea = try sharedIdea()
        try a.write(.ideaEdit(idea: idea, edits: [FieldEdit(field: .title, value: "from ann", seen: [])]), author: "ann", wallMillis: 5000)
        // Stamped later, and not seeing ann's edit.
        try forge(
            .ideaEdit(idea: idea, edits: [FieldEdit(field: .title, value: "from bob", seen: [])]), at: a, identity: aID, author: "bob",
            wallMillis: 6000)
        try sync(from: a, to: b)
        for store in [a, b] {
            let view = try #require(try store.idea(idea))
            #expect(view.content.title == "from bob")  // later HLC wins
            #expect(view.conflicts == [.title])        // and the concurrent edit stays visible
            #expect(try store.search("\"from bob\"").map(\.idea) == [idea])  // search follows the displayed text
            #expect(try store.search("\"from ann\"").isEmpty)
        }
        #expect(try a.digest() == b.digest())
    }

    /// Rights (Protocol/README.md): another department's edit or status move of an idea is
    /// refused by its writer, and one signed outside the writer has no effect on any node; the
    /// owner's own changes go on. Support, comment, link and adoption stay open to all.
    @Test func onlyTheIdeasOwnDepartmentChangesItsFieldsAndStatus() throws {
        let idea = try sharedIdea()
        #expect(throws: StoreError.othersIdea(idea)) {
            try b.write(.ideaEdit(idea: idea, edits: [FieldEdit(field: .title, value: "renamed by B", seen: [])]), author: "bob")
        }
        #expect(throws: StoreError.othersIdea(idea)) {
            try b.write(.statusSet(idea: idea, status: .declined, reason: "not for us", seen: []), author: "bob")
        }
        #expect(try b.versionVector()[bID.nodeID].seq == 0, "nothing written")
        try b.write(.support(idea: idea), author: "bob")
        try b.write(.commentAdd(idea: idea, text: "we would try it"), author: "bob")
        let adopted = try b.write(.adopt(source: idea, content: IdeaContent(title: "", problem: "", solution: "")), author: "bob").decode().id
        try b.write(.statusSet(idea: adopted, status: .testing, reason: "our copy", seen: []), author: "bob")

        // Signed by B outside its writer: stored, relayed, no effect, on every node.
        let rename = try forge(
            .ideaEdit(idea: idea, edits: [FieldEdit(field: .title, value: "renamed by B", seen: [])]), at: b, identity: bID,
            author: "bob", wallMillis: 9_000_000)
        try forge(.statusSet(idea: idea, status: .declined, reason: "not for us", seen: []), at: b, identity: bID, author: "bob", wallMillis: 9_000_001)
        try a.write(.statusSet(idea: idea, status: .underReview, reason: "ours to move", seen: []), author: "ann", wallMillis: 3000)
        try sync(from: b, to: a)
        try sync(from: a, to: b)
        for store in [a, b] {
            let view = try #require(try store.idea(idea))
            #expect(view.content.title == "Night falls" && view.status == .underReview && view.conflicts.isEmpty)
            #expect(view.supporters == 1 && view.comments.count == 1)
            #expect(try store.idea(adopted)?.status == .testing)
            let ineffective = try store.ineffectiveOps()
            #expect(ineffective.map(\.id) == [try rename.decode().id, OpID(origin: bID.nodeID, seq: 6)])
            #expect(ineffective.allSatisfy { $0.kind == .content && $0.reason.hasPrefix("rights: idea \(idea.short) is another department's") })
        }
        #expect(try a.digest() == b.digest())
    }

    @Test func supportIsAnAddWinsSetOfDistinctStaff() throws {
        let idea = try sharedIdea()
        try a.write(.support(idea: idea), author: "ann")
        #expect(throws: StoreError.self) { try a.write(.support(idea: idea), author: "ann") }  // once per person
        try b.write(.support(idea: idea), author: "ann")  // another department's ann is another person
        try b.write(.support(idea: idea), author: "bob")
        try sync(from: a, to: b)
        try sync(from: b, to: a)
        #expect(try a.idea(idea)?.supporters == 3)

        try b.write(.unsupport(idea: idea, supports: []), author: "bob")
        #expect(throws: StoreError.self) { try b.write(.unsupport(idea: idea, supports: []), author: "bob") }
        try b.write(.support(idea: idea), author: "bob")  // supports again: a new add, which survives
        try sync(from: b, to: a)
        #expect(try a.idea(idea)?.supporters == 3)
        try b.write(.unsupport(idea: idea, supports: []), author: "bob")
        try sync(from: b, to: a)
        #expect(try a.idea(idea)?.supporters == 2)
        #expect(try a.digest() == b.digest())
    }

    @Test func unsupportRemovesOnlyTheSupportsItNames() throws {
        // ann supports (s1), withdraws, supports again (s2). An unsupport that names only s1 (what
        // its writer had seen) leaves s2 standing: add wins over a remove that has not seen it.
        let idea = try sharedIdea()
        let s1 = try a.write(.support(idea: idea), author: "ann").decode().id
        try a.write(.unsupport(idea: idea, supports: []), author: "ann")
        try a.write(.support(idea: idea), author: "ann")
        let head = try a.ops(of: aID.nodeID, from: 4, limit: 1)[0]
        let stale = SignedOp.make(
            identity: aID, seq: 5, prev: head.hash, hlc: HLC(millis: 9_000_000_000_000, counter: 0), author: "ann",
            body: .unsupport(idea: idea, supports: [s1]))
        try sync(from: a, to: b)
        try b.apply(batch: [stale])
        #expect(try b.idea(idea)?.supporters == 1)
    }

    @Test func commentsEditAndRetractOnlyByTheirAuthor() throws {
        let idea = try sharedIdea()
        let comment = try b.write(.commentAdd(idea: idea, text: "we saw fewer falls"), author: "bob").decode().id
        #expect(throws: StoreError.notAllowed("comment \(comment.short) is bob's: only its author may change it")) {
            try b.write(.commentEdit(comment: comment, text: "hijack"), author: "eve")
        }
        try b.write(.commentEdit(comment: comment, text: "we saw far fewer falls"), author: "bob")
        try sync(from: b, to: a)
        #expect(try a.idea(idea)?.comments.map(\.text) == ["we saw far fewer falls"])
        #expect(try a.search("far").map(\.comment) == [comment])

        // An edit of B's comment signed by A has no effect anywhere (only the comment's origin may).
        let forged = SignedOp.make(
            identity: aID, seq: 2, prev: try a.ops(of: aID.nodeID, from: 1, limit: 1)[0].hash, hlc: HLC(millis: 99_999, counter: 0),
            author: "bob", body: .commentEdit(comment: comment, text: "rewritten by A"))
        try b.apply(batch: [forged])
        #expect(try b.idea(idea)?.comments.map(\.text) == ["we saw far fewer falls"])

        try b.write(.commentRetract(comment: comment, reason: "posted on the wrong idea"), author: "bob")
        try sync(from: b, to: a)
        let shown = try #require(try a.idea(idea)?.comments.first)
        #expect(shown.retracted && shown.text.isEmpty)
        #expect(try a.search("falls").allSatisfy { $0.kind == .idea })
    }

    @Test func opsWhoseTargetHasNotArrivedTakeEffectWhenItArrives() throws {
        let idea = try sharedIdea()
        let idea2 = try b.write(.ideaCreate(content), author: "bob")
        let dependants = try [
            idea2,
            b.write(.support(idea: idea), author: "bob"),
            b.write(.commentAdd(idea: idea, text: "great"), author: "bob"),
            b.write(.link(from: idea2.decode().id, to: idea, kind: .buildsOn), author: "bob"),
        ]
        let c = try IdeaStore(path: dir.file("c.sqlite"), identity: nil)
        try c.apply(batch: dependants)  // B's ops first: the idea they refer to is not here yet
        #expect(try c.idea(idea) == nil)
        try sync(from: a, to: c)
        let view = try #require(try c.idea(idea))
        #expect(view.supporters == 1 && view.comments.count == 1)
        #expect(try c.links(of: idea).count == 1)
        #expect(try c.digest() == b.digest())
    }

    @Test func observationsAndCyclesFollowTheirOwnOrigin() throws {
        let idea = try sharedIdea()
        let measure = try a.write(.measureDefine(idea: idea, MeasureDefinition(name: "falls", unit: "count", better: .lower)), author: "ann").decode().id
        let point = try a.write(.observationRecord(measure: measure, date: Day("2026-03-01")!, value: 4, note: ""), author: "ann").decode().id
        #expect(throws: StoreError.self) {
            try b.write(.observationRecord(measure: measure, date: Day("2026-03-02")!, value: 1, note: ""), author: "bob")
        }
        try a.write(.observationRetract(observation: point, reason: "entered twice"), author: "ann")
        let cycle = try a.write(.pdsaStart(idea: idea, plan: "round hourly", prediction: "halve falls"), author: "ann").decode().id
        try a.write(.pdsaAct(cycle: cycle, decision: .adopt, notes: ""), author: "ann")
        #expect(throws: StoreError.self) { try b.write(.pdsaDo(cycle: cycle, notes: ""), author: "bob") }
        try sync(from: a, to: b)
        #expect(try a.digest() == b.digest())
    }

    @Test func localWritesAreValidated() throws {
        #expect(throws: StoreError.self) {
            try a.write(.ideaCreate(IdeaContent(title: " ", problem: "p", solution: "s")), author: "ann")
        }
        let missing = OpID(origin: bID.nodeID, seq: 7)
        #expect(throws: StoreError.notFound(what: "idea", id: missing)) { try a.write(.support(idea: missing), author: "ann") }
        #expect(throws: StoreError.self) { try a.write(.commentAdd(idea: missing, text: "x"), author: "") }
        #expect(try a.opCount() == 0)
    }

    @Test func adoptionCopiesTheSourceAndLinksBack() throws {
        let idea = try sharedIdea()
        let adopted = try b.write(.adopt(source: idea, content: IdeaContent(title: "", problem: "", solution: "")), author: "bob").decode().id
        let view = try #require(try b.idea(adopted))
        #expect(view.adoptedFrom == idea && view.content == content)
        #expect(adopted.origin == bID.nodeID)
    }
}
