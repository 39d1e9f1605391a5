import Foundation
import MeshCRDT
import MeshModel
import MeshStore
import MeshWire
import Testing

/// An idea's PDSA cycles and measures (`idea.show`'s `cycles` and `measures`).
struct CycleQueryTests: TwoStoreSuite {
    let stores: TwoStores

    init() throws { stores = try TwoStores() }

    @Test func cyclesWithTheirStepsAndMeasuresWithTheirObservations() throws {
        let idea = try write(a, .ideaCreate(content), at: 1_000)
        let other = try write(a, .ideaCreate(IdeaContent(title: "Other", problem: "p", solution: "s")), at: 1_001)
        let first = try write(a, .pdsaStart(idea: idea, plan: "round hourly", prediction: "fewer falls"), at: 1_002)
        try write(a, .pdsaDo(cycle: first, notes: "two weeks on ward 3"), by: "bob", at: 1_003)
        try write(a, .pdsaStudy(cycle: first, notes: "falls 9 → 4"), by: "cat", at: 1_004)
        let act = try write(a, .pdsaAct(cycle: first, decision: .adapt, notes: "nights only"), at: 1_005)
        let second = try write(a, .pdsaStart(idea: idea, plan: "nights only", prediction: "same"), by: "bob", at: 1_006)
        try write(a, .pdsaDo(cycle: second, notes: ""), by: "bob", at: 1_007)
        // Another idea's cycle and measure do not appear.
        try write(a, .pdsaStart(idea: other, plan: "other plan", prediction: "x"), at: 1_008)
        try write(a, .measureDefine(idea: other, MeasureDefinition(name: "other", unit: "n", better: .higher)), at: 1_008)

        let falls = try write(a, .measureDefine(idea: idea, MeasureDefinition(name: "falls", unit: "count", better: .lower, target: 2)), at: 1_009)
        let time = try write(a, .measureDefine(idea: idea, MeasureDefinition(name: "round time", unit: "min", better: .lower)), by: "bob", at: 1_010)
        try write(a, .observationRecord(measure: falls, date: Day("2025-01-01")!, value: 9, note: ""), at: 1_011)
        // Recorded later but for an earlier date: not the latest.
        try write(a, .observationRecord(measure: falls, date: Day("2024-12-01")!, value: 11, note: ""), at: 1_012)
        try write(a, .observationRecord(measure: falls, date: Day("2025-02-01")!, value: 4, note: "after"), at: 1_013)
        let typo = try write(a, .observationRecord(measure: falls, date: Day("2025-03-01")!, value: 40, note: "typo"), at: 1_014)
        try write(a, .observationRetract(observation: typo, reason: "typo"), at: 1_015)

        let (cycles, measures) = try a.cyclesAndMeasures(of: idea)
        #expect(cycles.map(\.id) == [first, second])
        let c1 = cycles[0], c2 = cycles[1]
        #expect(c1.plan == "round hourly" && c1.prediction == "fewer falls" && c1.author == "ann" && c1.hlc.millis == 1_002)
        #expect(c1.phase == "act" && c1.decision == .adapt)
        #expect(c1.steps.map(\.phase) == ["do", "study", "act"])
        #expect(c1.steps.map(\.notes) == ["two weeks on ward 3", "falls 9 → 4", "nights only"])
        #expect(c1.steps.map(\.author) == ["bob", "cat", "ann"])
        #expect(c1.steps.map(\.hlc.millis) == [1_003, 1_004, 1_005])
        #expect(c1.steps.map(\.decision) == [nil, nil, .adapt])
        #expect(c1.steps.last?.id == act)
        #expect(c2.phase == "do" && c2.decision == nil && c2.author == "bob" && c2.steps.count == 1)

        #expect(measures.map(\.id) == [falls, time])
        let m1 = measures[0], m2 = measures[1]
        #expect(m1.name == "falls" && m1.unit == "count" && m1.better == .lower && m1.target == 2 && m1.author == "ann")
        #expect(m1.observations == 3, "the retracted one is not counted")
        #expect(m1.latestDate == Day("2025-02-01") && m1.latestValue == 4, "latest by date, retracted left out")
        #expect(m2.name == "round time" && m2.target == nil && m2.observations == 0 && m2.latestDate == nil && m2.latestValue == nil)
        #expect(m2.author == "bob" && m2.hlc.millis == 1_010)

        // The same at a node that received the ops.
        try sync(from: a, to: b)
        let there = try b.cyclesAndMeasures(of: idea)
        #expect(there.cycles == cycles && there.measures == measures)
    }

    @Test func aCycleWithoutStepsIsInPlanAndAnUnknownIdeaHasNone() throws {
        let idea = try write(a, .ideaCreate(content), at: 1_000)
        #expect(try a.cyclesAndMeasures(of: idea).cycles.isEmpty)
        let cycle = try write(a, .pdsaStart(idea: idea, plan: "p", prediction: "q"), at: 1_001)
        let only = try a.cyclesAndMeasures(of: idea)
        #expect(only.cycles.map(\.id) == [cycle] && only.cycles[0].phase == "plan" && only.cycles[0].steps.isEmpty)
        #expect(only.measures.isEmpty)
        // An idea held nowhere here.
        let unknown = try write(b, .ideaCreate(content), at: 1_000)
        let none = try a.cyclesAndMeasures(of: unknown)
        #expect(none.cycles.isEmpty && none.measures.isEmpty)
    }

    @Test func cyclesFromTwoDepartmentsAreOrderedTheSameEverywhere() throws {
        let idea = try write(a, .ideaCreate(content), at: 1_000)
        try sync(from: a, to: b)
        // Same time at both: ordered by origin.
        let atA = try write(a, .pdsaStart(idea: idea, plan: "a", prediction: "x"), at: 2_000)
        let atB = try write(b, .pdsaStart(idea: idea, plan: "b", prediction: "y"), by: "dan", at: 2_000)
        try write(b, .pdsaStudy(cycle: atB, notes: "seen"), by: "dan", at: 2_001)
        try sync(from: a, to: b)
        try sync(from: b, to: a)
        let fromA = try a.cyclesAndMeasures(of: idea), fromB = try b.cyclesAndMeasures(of: idea)
        #expect(Set(fromA.cycles.map(\.id)) == [atA, atB])
        #expect(fromA.cycles == fromB.cycles)
        #expect(fromA.cycles.first { $0.id == atB }?.phase == "study")
    }
}
