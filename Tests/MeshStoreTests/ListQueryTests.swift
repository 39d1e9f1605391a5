import Foundation
import MeshCRDT
import MeshModel
import MeshStore
import MeshWire
import Testing

/// The list queries behind `idea.list`, `themes.list` and `digest`: filters, sorts, counts.
struct ListQueryTests: TwoStoreSuite {
    let stores: TwoStores

    init() throws { stores = try TwoStores() }

    func idea(_ store: IdeaStore, _ title: String, by author: String, theme: String = "", at wall: UInt64) throws -> OpID {
        try store.write(.ideaCreate(IdeaContent(title: title, problem: "p", solution: "s", theme: theme)), author: author, wallMillis: wall)
            .decode().id
    }

    func defineThemes(_ store: IdeaStore, _ codes: [String], archived: Bool = false) throws {
        for code in codes {
            try store.write(.themeDefine(Theme(code: code, name: code.capitalized, archived: archived)), author: "lead", wallMillis: 500)
        }
    }

    @Test func filtersCombineAndTotalCountsBeforeTheLimit() throws {
        try defineThemes(a, ["safety", "flow"])
        try defineThemes(b, ["safety"])
        let a1 = try idea(a, "a1", by: "ann", theme: "safety", at: 1_000)
        let a2 = try idea(a, "a2", by: "bob", theme: "flow", at: 2_000)
        let b1 = try idea(b, "b1", by: "ann", theme: "safety", at: 3_000)
        try b.write(.statusSet(idea: b1, status: .testing, reason: "", seen: []), author: "ann", wallMillis: 4_000)
        try sync(from: b, to: a)

        func titles(_ query: IdeaQuery) throws -> [String] { try a.ideas(matching: query).ideas.map(\.view.content.title) }
        #expect(try titles(IdeaQuery()) == ["b1", "a2", "a1"])  // newest first
        #expect(try titles(IdeaQuery(theme: "safety")) == ["b1", "a1"])
        #expect(try titles(IdeaQuery(status: .testing)) == ["b1"])
        #expect(try titles(IdeaQuery(origins: [aID.nodeID])) == ["a2", "a1"])
        #expect(try titles(IdeaQuery(origins: [NodeIdentity().nodeID])).isEmpty)
        // "mine": the handle at its own origin only (ann at B is someone else).
        #expect(try titles(IdeaQuery(author: .init(origin: aID.nodeID, name: "ann"))) == ["a1"])
        #expect(try titles(IdeaQuery(sinceMillis: 2_000)) == ["b1", "a2"])
        #expect(try titles(IdeaQuery(theme: "safety", origins: [bID.nodeID], sinceMillis: 2_000)) == ["b1"])

        let page = try a.ideas(matching: IdeaQuery(limit: 2))
        #expect(page.total == 3 && page.ideas.map(\.view.id) == [b1, a2])
        #expect(try a.ideas(matching: IdeaQuery(theme: "flow", limit: 1)).total == 1)
        #expect(try a.summary(of: a1)?.view.content.title == "a1")
        #expect(try a.summary(of: OpID(origin: bID.nodeID, seq: 99)) == nil)
    }

    /// A local write may only file an idea under a theme a leader defined and has not archived;
    /// the refusal names the themes there are, and writes nothing.
    @Test func aThemeMustBeDefinedAndCurrent() throws {
        func refusal(_ body: OpBody) throws -> String {
            let before = try a.opCount()
            do {
                _ = try a.write(body, author: "ann", wallMillis: 9_000)
            } catch StoreError.invalid(let error) {
                #expect(try a.opCount() == before)
                return error.description
            }
            Issue.record("\(body) was accepted")
            return ""
        }
        #expect(try refusal(.ideaCreate(IdeaContent(title: "t", problem: "p", solution: "s", theme: "safety")))
            == "theme: no theme \"safety\" is defined; no themes are defined yet (leaders define them); leave the theme out")
        try defineThemes(a, ["patient-safety", "flow"])
        try defineThemes(a, ["paper"], archived: true)
        #expect(try refusal(.ideaCreate(IdeaContent(title: "t", problem: "p", solution: "s", theme: "patient-saftey")))
            == "theme: no theme \"patient-saftey\" is defined; the themes are: flow, patient-safety")
        #expect(try refusal(.ideaCreate(IdeaContent(title: "t", problem: "p", solution: "s", theme: "paper")))
            == "theme: \"paper\" was archived; the themes are: flow, patient-safety")
        let filed = try idea(a, "filed", by: "ann", theme: "patient-safety", at: 9_001)
        _ = try idea(a, "unfiled", by: "ann", at: 9_002)
        #expect(try refusal(.ideaEdit(idea: filed, edits: [FieldEdit(field: .theme, value: "paper", seen: [])])).hasPrefix("theme: \"paper\" was archived"))
        try a.write(.ideaEdit(idea: filed, edits: [FieldEdit(field: .theme, value: "flow", seen: [])]), author: "ann", wallMillis: 9_003)
        #expect(try a.themeUse() == ["flow": 1])
        // An idea made elsewhere (an older node that did not check) may carry any code: it is counted.
        _ = try idea(b, "from b", by: "cat", theme: "", at: 9_004)
        try b.write(.themeDefine(Theme(code: "b-only", name: "B")), author: "lead", wallMillis: 9_005)
        _ = try idea(b, "b filed", by: "cat", theme: "b-only", at: 9_006)
        try sync(from: b, to: a)
        #expect(try a.themeUse() == ["flow": 1, "b-only": 1])
    }

    @Test func supportAndQuietOrders() throws {
        // Ann at A is heard a lot; Bob at A a little; Cat at B not at all.
        let loud1 = try idea(a, "loud 1", by: "ann", at: 1_000)
        let loud2 = try idea(a, "loud 2", by: "ann", at: 1_001)
        let some = try idea(a, "some", by: "bob", at: 1_002)
        let quiet = try idea(b, "quiet", by: "cat", at: 1_003)
        try sync(from: b, to: a)
        for (n, target) in [loud1, loud1, loud1, loud2, some].enumerated() {
            try a.write(.support(idea: target), author: "fan\(n)", wallMillis: 2_000 + UInt64(n))
        }
        try a.write(.commentAdd(idea: loud2, text: "yes"), author: "fan9", wallMillis: 3_000)
        let retracted = try a.write(.commentAdd(idea: some, text: "oops"), author: "fan9", wallMillis: 3_001).decode().id
        try a.write(.commentRetract(comment: retracted, reason: ""), author: "fan9", wallMillis: 3_002)

        let bySupport = try a.ideas(matching: IdeaQuery(sort: .support)).ideas
        #expect(bySupport.map(\.view.id) == [loud1, some, loud2, quiet], "ties: newest first")
        #expect(bySupport.map(\.view.supporters) == [3, 1, 1, 0])
        #expect(bySupport.map(\.commentCount) == [0, 0, 1, 0], "retracted comments do not count")
        // Newest first counts only the page's rows, by another query: the same counts.
        let byNew = try a.ideas(matching: IdeaQuery(sort: .new)).ideas
        #expect(byNew.map(\.view.id) == [quiet, some, loud2, loud1])
        #expect(byNew.map(\.view.supporters) == [0, 1, 1, 3])
        #expect(byNew.map(\.commentCount) == [0, 0, 1, 0])
        #expect(try a.ideas(matching: IdeaQuery(sort: .new, limit: 2)).ideas.map(\.view.id) == [quiet, some])

        // Cat's department and Cat: 0; Bob: 1 + A's 6; Ann: 5 + A's 6.
        let byQuiet = try a.ideas(matching: IdeaQuery(sort: .quiet)).ideas.map(\.view.id)
        #expect(byQuiet == [quiet, some, loud2, loud1])
        // Attention counts all of an author's ideas, even those a filter leaves out.
        #expect(try a.ideas(matching: IdeaQuery(origins: [aID.nodeID], sort: .quiet, limit: 1)).ideas.map(\.view.id) == [some])
    }

    @Test func anonymousIdeasAreEachTheirOwnVoice() throws {
        let heard = try idea(a, "heard", by: "", at: 1_000)
        let unheard = try idea(a, "unheard", by: "", at: 999)
        try a.write(.support(idea: heard), author: "fan", wallMillis: 2_000)
        #expect(try a.ideas(matching: IdeaQuery(sort: .quiet)).ideas.map(\.view.id) == [unheard, heard])
    }

    @Test func themesListHidesArchivedUnlessAsked() throws {
        try a.write(.themeDefine(Theme(code: "safety", name: "Safety", description: "falls")), author: "lead")
        try a.write(.themeDefine(Theme(code: "old", name: "Old", archived: true)), author: "lead")
        #expect(try a.themes(includeArchived: false).map(\.code) == ["safety"])
        #expect(try a.themes(includeArchived: true).map(\.code) == ["old", "safety"])
        #expect(try a.theme(code: "old")?.archived == true)
        #expect(try a.theme(code: "none") == nil)
    }

    @Test func activitySinceATime() throws {
        let before = try idea(a, "before", by: "ann", at: 1_000)
        let moved = try idea(a, "moved", by: "ann", at: 1_001)
        let declined = try idea(a, "declined", by: "ann", at: 1_002)
        try sync(from: a, to: b)
        let adoption = try b.write(.adopt(source: before, content: IdeaContent(title: "", problem: "", solution: "")), author: "cat", wallMillis: 5_000)
            .decode().id
        try sync(from: b, to: a)
        try a.write(.statusSet(idea: moved, status: .testing, reason: "PDSA 1 on nights", seen: []), author: "ann", wallMillis: 5_001)
        try a.write(.statusSet(idea: declined, status: .underReview, reason: "", seen: []), author: "ann", wallMillis: 5_002)
        try a.write(.statusSet(idea: declined, status: .declined, reason: "", seen: []), author: "ann", wallMillis: 5_003)
        let fresh = try idea(a, "fresh", by: "ann", at: 6_000)

        let activity = try a.activity(sinceMillis: 4_000, home: aID.nodeID)
        #expect(activity.newIdeas.map(\.view.id) == [fresh, adoption])
        #expect(activity.moved.map(\.view.id) == [moved], "under review then declined has not moved")
        #expect(activity.moved.first?.view.status == .testing)
        #expect(activity.moved.first?.statusReason == "PDSA 1 on nights", "the digest says why it moved")
        #expect(activity.newIdeas.allSatisfy { $0.statusReason == nil }, "only the moved ideas carry a reason")
        #expect(activity.adoptedElsewhere.map(\.adoption) == [adoption])
        #expect(activity.adoptedElsewhere.first?.source == before && activity.adoptedElsewhere.first?.sourceTitle == "before")
        // B's view: A adopted nothing of B's.
        #expect(try b.activity(sinceMillis: 0, home: bID.nodeID).adoptedElsewhere.isEmpty)
        let later = try a.activity(sinceMillis: 7_000, home: aID.nodeID)
        #expect(later.newIdeas.isEmpty && later.moved.isEmpty && later.adoptedElsewhere.isEmpty)
    }
}
