import Foundation
import MeshCRDT
import MeshModel
@testable import MeshStore
import MeshWire
import Testing

/// Erasure (Protocol/README.md, "Erasure"): a redact op erases a text from every op that wrote it,
/// on every store it reaches, including copies made by adoption and ops that arrive after it,
/// and no byte of it stays in the store's files; only those entitled erase.
struct ErasureTests {
    let dir = TempDir()
    let aID = NodeIdentity(), bID = NodeIdentity()
    let patient = "Mrs Eleanor Whitcombe, NHS 943 476 5919"

    func open(_ name: String, _ identity: NodeIdentity? = NodeIdentity()) throws -> IdeaStore {
        try IdeaStore(path: dir.file("\(name).sqlite"), identity: identity)
    }

    /// Whether any file of the store (the database, its WAL) holds `text` as bytes.
    func filesHold(_ store: IdeaStore, _ text: String) throws -> Bool {
        let needle = Data(text.utf8)
        for file in [store.path, store.path + "-wal"] {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            if data.range(of: needle) != nil { return true }
        }
        return false
    }

    @Test func aRedactionReachesEveryCopyAndEveryStoreAndLeavesNoByte() throws {
        let a = try open("a", aID), b = try open("b", bID), c = try open("c"), late = try open("late")
        // `stale` holds the adoption before the redaction and never gets it: it passes the old copy on.
        let stale = try open("stale")
        let idea = try a.write(.ideaCreate(IdeaContent(
            title: "Falls at night", problem: "Bay 3 fell twice: \(patient)", solution: "Hourly rounding")), author: "ann", wallMillis: 1_000).decode().id
        try a.write(.ideaEdit(idea: idea, edits: [FieldEdit(field: .problem, value: "Again: \(patient) fell", seen: [])]), author: "ann", wallMillis: 1_100)
        try sync(from: a, to: b)
        // Renal adopts it: its own copy of the problem holds the details too.
        let copy = try b.write(.adopt(source: idea, content: IdeaContent(title: "", problem: "", solution: "")), author: "bea", wallMillis: 1_200).decode().id
        try sync(from: b, to: a)
        // `c` holds everything before the redaction; so does `stale`.
        try sync(from: a, to: c)
        try sync(from: b, to: c)
        try sync(from: b, to: stale)
        try c.checkpoint()
        // The search index keeps words lower-cased and stemmed ("whitcomb"), in full here (no
        // word before it shares a prefix): each form is looked for.
        #expect(try filesHold(c, "943 476 5919") && filesHold(c, "Whitcombe") && filesHold(c, "whitcomb"), "the test looks for what is there")

        let redact = try a.write(.redact(Redaction(target: idea, field: .problem, ops: [], reason: "patient's name and NHS number")),
                                 author: "ann", wallMillis: 2_000)
        guard case .redact(let written) = try redact.decode().body else { Issue.record("not a redaction"); return }
        #expect(Set(written.ops) == [idea, OpID(origin: aID.nodeID, seq: 2), copy], "the creation, the edit and the adoption's copy")
        // The new text comes after, as a person would write it again.
        try a.write(.ideaEdit(idea: idea, edits: [FieldEdit(field: .problem, value: "Two falls in bay 3 at night", seen: [])]), author: "ann", wallMillis: 2_100)

        try sync(from: a, to: b)
        try sync(from: a, to: c)
        // `late` gets A's ops (the redaction among them) first, then the adoption from `stale`,
        // which still holds it unerased: stored erased on arrival.
        try late.apply(batch: a.ops(of: aID.nodeID, from: 1, limit: 100))
        #expect(try late.opCount() == 4, "A's own ops only")
        try sync(from: stale, to: late)
        #expect(try late.ops(of: bID.nodeID, from: 1, limit: 10).allSatisfy { $0.erasedSlots == [1] })
        for store in [a, b, c, late] {
            try store.checkpoint()
            #expect(try !filesHold(store, "943 476 5919"), "\(store.path) still holds the NHS number")
            #expect(try !filesHold(store, "Whitcombe"), "\(store.path) still holds the name")
            #expect(try !filesHold(store, "whitcomb"), "\(store.path)'s search index still holds the name")
            #expect(try store.idea(idea)?.content.problem == "Two falls in bay 3 at night")
            #expect(try store.idea(copy)?.content.problem == Erasure.placeholder)
            #expect(try store.search("Whitcombe").isEmpty)
            let history = try #require(try store.history(of: idea)).map(\.summary)
            #expect(!history.joined().contains("Whitcombe"))
            #expect(history.contains { $0.contains(Erasure.placeholder) })
            #expect(history.contains { $0.hasPrefix("removed the problem everywhere") })
            #expect(try !store.exportIdeas().map { "\($0)" }.joined().contains("Whitcombe"))
            // Every op still verifies: a fresh store takes the whole erased log.
            let fresh = try IdeaStore.inMemory(identity: nil)
            for (_, ops) in try allOps(store) { try fresh.apply(batch: ops) }
            #expect(try fresh.digest() == store.digest())
        }
        #expect(try a.digest() == b.digest() && b.digest() == c.digest() && c.digest() == late.digest())
    }

    @Test func onlyTheAuthorOrTheOwningDepartmentsLeadersErase() throws {
        let a = try open("a", aID), b = try open("b", bID)
        let idea = try a.write(.ideaCreate(IdeaContent(title: "Falls", problem: "Bed 4: \(patient)", solution: "Rounding")), author: "ann", wallMillis: 1_000).decode().id
        try a.write(.roleSet(login: "ann", role: .admin), author: "root", wallMillis: 1_050)
        try a.write(.roleSet(login: "bob", role: .staff), author: "ann", wallMillis: 1_060)
        try sync(from: a, to: b)
        // Another department, and staff of the same department who did not write it: refused.
        #expect(throws: StoreError.self) {
            try b.write(.redact(Redaction(target: idea, field: .problem, ops: [], reason: "r")), author: "bea", wallMillis: 1_100)
        }
        #expect(throws: StoreError.self) {
            try a.write(.redact(Redaction(target: idea, field: .problem, ops: [], reason: "r")), author: "bob", wallMillis: 1_100)
        }
        // The same, signed outside the writer: no effect on any store.
        try forge(.redact(Redaction(target: idea, field: .problem, ops: [idea], reason: "r")), at: b, identity: bID, author: "bea", wallMillis: 1_200)
        try forge(.redact(Redaction(target: idea, field: .problem, ops: [idea], reason: "r")), at: a, identity: aID, author: "bob", wallMillis: 1_300)
        try sync(from: a, to: b)
        try sync(from: b, to: a)
        for store in [a, b] { #expect(try store.idea(idea)?.content.problem == "Bed 4: \(patient)") }
        // A comment's author erases their own comment, wherever it was written.
        let comment = try b.write(.commentAdd(idea: idea, text: "Ask \(patient)"), author: "bea", wallMillis: 1_400).decode().id
        try b.write(.redact(Redaction(target: comment, field: .comment, ops: [], reason: "a patient's name")), author: "bea", wallMillis: 1_500)
        // The idea's department's admin erases its problem.
        try a.write(.redact(Redaction(target: idea, field: .problem, ops: [], reason: "a patient's name")), author: "ann", wallMillis: 1_600)
        try sync(from: a, to: b)
        try sync(from: b, to: a)
        for store in [a, b] {
            try store.checkpoint()
            #expect(try store.idea(idea)?.content.problem == Erasure.placeholder)
            #expect(try store.idea(idea)?.content.title == "Falls", "only the field named is erased")
            #expect(try !filesHold(store, "Whitcombe"))
        }
        #expect(try a.digest() == b.digest())
        // Nothing left to erase: said so.
        #expect(throws: StoreError.notAllowed("the problem of \(idea.short) has already been removed; there is no text left to remove")) {
            try a.write(.redact(Redaction(target: idea, field: .problem, ops: [], reason: "again")), author: "ann", wallMillis: 1_700)
        }
    }

    @Test func aBodyThatDoesNotMatchItsHashIsRefused() throws {
        let a = try open("a", aID), b = try open("b", bID)
        let signed = try a.write(.ideaCreate(IdeaContent(title: "Falls", problem: "Bed 4", solution: "Rounding")), author: "ann", wallMillis: 1_000)
        var body = try WireBody(serializedBytes: signed.body)
        body.texts[1].value = "Bed 5"
        let tampered = SignedOp(bytes: signed.bytes, signature: signed.signature, body: try body.serializedBytes())
        #expect(throws: BatchRejection.self) { try b.apply(batch: [tampered]) }
        // An erased text keeps its commitment: the op still verifies, and reads as removed.
        let erased = try #require(signed.erasing(slots: [1]))
        try b.apply(batch: [erased])
        #expect(try b.idea(signed.decode().id)?.content.problem == Erasure.placeholder)
        #expect(try b.opCount() == 1)
    }
}
