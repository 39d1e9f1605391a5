import Foundation
import MeshCRDT
import MeshModel
import MeshStore
import MeshWire
import Testing

/// `IdeaStore.measures(_:)` and `observation(_:)`: what charts, lists, spread and the digest's
/// results read; and the local rules of PDSA steps and retractions.
struct MeasureQueryTests: TwoStoreSuite {
    let stores: TwoStores

    init() throws { stores = try TwoStores() }

    /// Departments compare an idea's measure by its name: one idea's measures have different
    /// names (any case), and a refused one writes nothing.
    @Test func oneIdeasMeasuresHaveDifferentNames() throws {
        let idea = try write(a, .ideaCreate(content), at: 1_000)
        try write(a, .measureDefine(idea: idea, MeasureDefinition(name: "Falls", unit: "falls", better: .lower)), at: 1_001)
        let before = try a.opCount()
        #expect(throws: StoreError.self) {
            try a.write(.measureDefine(idea: idea, MeasureDefinition(name: "falls", unit: "per week", better: .lower)), author: "ann", wallMillis: 1_002)
        }
        #expect(try a.opCount() == before)
        let other = try write(a, .ideaCreate(content), at: 1_003)
        try write(a, .measureDefine(idea: other, MeasureDefinition(name: "Falls", unit: "falls", better: .lower)), at: 1_004)
    }

    @Test func measuresByIdByIdeaAllAndObservedSince() throws {
        let idea = try write(a, .ideaCreate(content), at: 1_000)
        let other = try write(a, .ideaCreate(IdeaContent(title: "Other", problem: "p", solution: "s")), at: 1_001)
        let falls = try write(a, .measureDefine(idea: idea, MeasureDefinition(name: "falls", unit: "count", better: .lower, target: 2)), at: 1_002)
        let time = try write(a, .measureDefine(idea: other, MeasureDefinition(name: "time", unit: "min", better: .higher)), at: 1_003)
        try write(a, .observationRecord(measure: falls, date: Day("2025-02-01")!, value: 4, note: "after"), at: 1_004)
        try write(a, .observationRecord(measure: falls, date: Day("2025-01-01")!, value: 9, note: ""), by: "bob", at: 1_005)
        let typo = try write(a, .observationRecord(measure: falls, date: Day("2025-03-01")!, value: 40, note: ""), at: 1_006)
        try write(a, .observationRetract(observation: typo, reason: "typo"), at: 1_007)
        try write(a, .observationRecord(measure: time, date: Day("2025-01-05")!, value: 12, note: ""), at: 5_000)

        let one = try #require(try a.measures(.measure(falls)).first)
        #expect(one.idea == idea && one.ideaTitle == content.title && one.author == "ann" && one.hlc.millis == 1_002)
        #expect(one.definition == MeasureDefinition(name: "falls", unit: "count", better: .lower, target: 2))
        #expect(one.observations.map(\.value) == [9, 4], "by date, the retracted one left out")
        #expect(one.observations.map(\.author) == ["bob", "ann"] && one.observations[1].note == "after")

        #expect(try a.measures(.idea(other)).map(\.id) == [time])
        #expect(try a.measures(.all(limit: 10)).map(\.id) == [time, falls], "newest first")
        #expect(try a.measures(.all(limit: 1)).map(\.id) == [time])
        #expect(try a.measures(.observedSince(millis: 2_000)).map(\.id) == [time])
        #expect(try a.measures(.observedSince(millis: 1_000)).map(\.id) == [falls, time])
        #expect(try a.measures(.measure(idea)).isEmpty, "an idea is not a measure")

        let firstID = try #require(one.observations.first?.id)
        let (observation, measure) = try #require(try a.observation(firstID))
        #expect(measure == falls && observation.value == 9)
        #expect(try a.observation(typo) == nil, "a retracted observation")

        // The same at a node that received the ops.
        try sync(from: a, to: b)
        #expect(try b.measures(.measure(falls)) == [one])
    }

    @Test func aClosedCycleTakesNoMoreStepsAndAnObservationIsRetractedOnce() throws {
        let idea = try write(a, .ideaCreate(content), at: 1_000)
        let cycle = try write(a, .pdsaStart(idea: idea, plan: "p", prediction: "q"), at: 1_001)
        try write(a, .pdsaDo(cycle: cycle, notes: "did"), at: 1_002)
        try write(a, .pdsaAct(cycle: cycle, decision: .abandon, notes: "no"), at: 1_003)
        let held = try a.versionVector()
        for body: OpBody in [.pdsaDo(cycle: cycle, notes: ""), .pdsaStudy(cycle: cycle, notes: ""), .pdsaAct(cycle: cycle, decision: .adopt, notes: "")] {
            #expect(throws: StoreError.self, "\(body.kind) after Act") { try write(a, body, at: 1_004) }
        }
        let measure = try write(a, .measureDefine(idea: idea, MeasureDefinition(name: "m", unit: "n", better: .lower)), at: 1_005)
        let observation = try write(a, .observationRecord(measure: measure, date: Day("2025-01-01")!, value: 1, note: ""), at: 1_006)
        try write(a, .observationRetract(observation: observation, reason: ""), at: 1_007)
        #expect(throws: StoreError.self) { try write(a, .observationRetract(observation: observation, reason: "again"), at: 1_008) }
        #expect(try a.versionVector()[aID.nodeID].seq == held[aID.nodeID].seq + 3, "only the measure, observation and first retraction were written")
    }
}
