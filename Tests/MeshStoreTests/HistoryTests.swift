import Foundation
import MeshCRDT
import MeshModel
import MeshStore
import MeshWire
import Testing

/// An idea's history, links and adoptions (`idea.show`), and the export of every idea.
struct HistoryTests: TwoStoreSuite {
    let stores: TwoStores

    init() throws { stores = try TwoStores() }

    @Test func historyHoldsEveryOpAboutTheIdeaInOrder() throws {
        let idea = try write(a, .ideaCreate(content), at: 1_000)
        let other = try write(a, .ideaCreate(IdeaContent(title: "Other", problem: "p", solution: "s")), at: 1_001)
        try write(a, .ideaEdit(idea: idea, edits: [FieldEdit(field: .title, value: "Night falls, again", seen: [])]), at: 1_002)
        try write(a, .statusSet(idea: idea, status: .testing, reason: "PDSA 1", seen: []), at: 1_003)
        try write(a, .support(idea: idea), by: "bob", at: 1_004)
        try write(a, .unsupport(idea: idea, supports: []), by: "bob", at: 1_005)
        let kept = try write(a, .commentAdd(idea: idea, text: "Good idea"), by: "bob", at: 1_006)
        try write(a, .commentEdit(comment: kept, text: "Very good idea"), by: "bob", at: 1_007)
        let gone = try write(a, .commentAdd(idea: idea, text: "secret"), by: "cat", at: 1_008)
        try write(a, .commentEdit(comment: gone, text: "more secret"), by: "cat", at: 1_009)
        try write(a, .commentRetract(comment: gone, reason: "wrong idea"), by: "cat", at: 1_010)
        try write(a, .link(from: idea, to: other, kind: .buildsOn), at: 1_011)
        try write(a, .link(from: other, to: idea, kind: .duplicateOf), at: 1_012)
        let cycle = try write(a, .pdsaStart(idea: idea, plan: "round hourly", prediction: "fewer falls"), at: 1_013)
        try write(a, .pdsaDo(cycle: cycle, notes: "done"), at: 1_014)
        let measure = try write(a, .measureDefine(idea: idea, MeasureDefinition(name: "falls", unit: "count", better: .lower)), at: 1_015)
        let observation = try write(a, .observationRecord(measure: measure, date: Day("2025-01-01")!, value: 3, note: ""), at: 1_016)
        try write(a, .observationRetract(observation: observation, reason: "typo"), at: 1_017)
        // Unrelated ops in between do not appear.
        try write(a, .support(idea: other), by: "bob", at: 1_018)
        try sync(from: a, to: b)
        let adoption = try write(b, .adopt(source: idea, content: IdeaContent(title: "", problem: "", solution: "")), by: "dan", at: 1_019)
        try sync(from: b, to: a)

        let history = try #require(try a.history(of: idea))
        #expect(history.map(\.kind) == [
            "idea-create", "idea-edit", "status-set", "support", "unsupport", "comment-add", "comment-edit",
            "comment-add", "comment-edit", "comment-retract", "link", "link", "pdsa-start", "pdsa-do", "measure-define",
            "observation-record", "observation-retract", "adopt",
        ])
        #expect(history.map(\.hlc.millis) == (1_000...1_019).filter { ![1_001, 1_018].contains($0) })
        #expect(history[0].summary == "submitted \"Night falls\"" && history[0].author == "ann")
        #expect(history[2].summary == "moved to testing: PDSA 1")
        #expect(history[6].summary.contains("Very good idea"))
        #expect(!history.contains { $0.summary.contains("secret") }, "a retracted comment's text is not repeated: \(history.map(\.summary))")
        #expect(history[9].summary == "retracted comment \(gone.short): wrong idea")
        #expect(history[11].summary == "linked from \(other.short): duplicate-of this idea")
        // In the users' words, not op kinds.
        #expect(history[1].summary == "changed the title to \"Night falls, again\"")
        #expect(history[3].summary == "supported it" && history[4].summary == "withdrew their support")
        #expect(history[12].summary == "started PDSA cycle \(cycle.short), planning \"round hourly\"")
        #expect(history[13].summary == "carried out PDSA cycle \(cycle.short) (Do): \"done\"")
        #expect(history[14].summary == "began measuring \"falls\" (count, lower is better)")
        #expect(history[15].summary == "recorded 3 on 1 January 2025")
        #expect(history[16].summary == "retracted an observation: typo")
        for entry in history where entry.kind.contains("-") {
            #expect(!entry.summary.contains(entry.kind), "\(entry.summary) speaks in op kinds")
        }
        #expect(history.last?.id == adoption && history.last?.author == "dan")
        #expect(try b.history(of: idea) == history, "the same at every node holding the same ops")
    }

    @Test func linksAndAdoptionsFromBothEnds() throws {
        let idea = try write(a, .ideaCreate(content), at: 1_000)
        let other = try write(a, .ideaCreate(IdeaContent(title: "Other", problem: "p", solution: "s")), at: 1_001)
        try write(a, .link(from: idea, to: other, kind: .affects), at: 1_002)
        try sync(from: a, to: b)
        let adoption = try write(b, .adopt(source: idea, content: IdeaContent(title: "", problem: "", solution: "")), by: "dan", at: 1_003)
        try sync(from: b, to: a)

        let links = try a.links(of: idea)
        #expect(links.map(\.kind) == ["affects"] && links[0].from == idea && links[0].to == other && links[0].otherTitle == "Other")
        #expect(try a.links(of: other).first?.otherTitle == "Night falls")
        let adoptions = try a.adoptions(of: idea)
        #expect(adoptions.map(\.idea) == [adoption] && adoptions[0].status == .proposed)
        #expect(try a.idea(adoption)?.adoptedFrom == idea)
        #expect(try a.idea(adoption)?.content.title == "Night falls", "an adoption copies the content")
        #expect(try a.history(of: OpID(origin: bID.nodeID, seq: 42)) == nil)
    }

    @Test func exportHoldsEveryIdeaWithCommentsLinksAndAdoptions() throws {
        let idea = try write(a, .ideaCreate(content), at: 1_000)
        let other = try write(a, .ideaCreate(IdeaContent(title: "Other", problem: "p", solution: "s")), at: 1_001)
        try write(a, .commentAdd(idea: idea, text: "one"), by: "bob", at: 1_002)
        let gone = try write(a, .commentAdd(idea: idea, text: "two"), by: "bob", at: 1_003)
        try write(a, .commentRetract(comment: gone, reason: ""), by: "bob", at: 1_004)
        try write(a, .support(idea: idea), by: "bob", at: 1_005)
        try write(a, .link(from: other, to: idea, kind: .buildsOn), at: 1_006)
        try sync(from: a, to: b)
        let adoption = try write(b, .adopt(source: idea, content: IdeaContent(title: "", problem: "", solution: "")), by: "dan", at: 1_007)
        try sync(from: b, to: a)

        let records = try a.exportIdeas()
        #expect(records.map(\.view.id) == [idea, other, adoption], "oldest first")
        let first = records[0]
        #expect(first.view == (try a.idea(idea)), "the same view idea.show gives")
        #expect(first.commentCount == 1 && first.view.comments.count == 2 && first.view.supporters == 1)
        #expect(try first.links == a.links(of: idea) && first.adoptions == a.adoptions(of: idea))
        #expect(records[1].links.first?.otherTitle == "Night falls")
        #expect(records[2].view.adoptedFrom == idea)
    }
}
