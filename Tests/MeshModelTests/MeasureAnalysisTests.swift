import MeshModel
import Testing

/// MeasureAnalysis: observations by date into the run, XmR and Making Data Count charts; rebase
/// by date; the warnings a reader must see. The rules themselves are RunChartTests',
/// XmRChartTests' and MakingDataCountTests' business.
struct MeasureAnalysisTests {
    static func observations(_ values: [Double], from day: Int = 1) -> [MeasureAnalysis.Observation] {
        values.enumerated().map { i, v in MeasureAnalysis.Observation(date: Day(year: 2026, month: 3, day: day + i)!, value: v) }
    }

    @Test func pointsAreChartedInDateOrderWhateverOrderTheyCameIn() throws {
        let ordered = Self.observations([5, 7, 6, 8, 9])
        let shuffled = [ordered[3], ordered[0], ordered[4], ordered[2], ordered[1]]
        let analysis = try MeasureAnalysis(observations: shuffled, better: .higher, target: nil)
        #expect(analysis.observations == ordered)
        #expect(analysis.order == [1, 4, 3, 0, 2], "each point's index in the input")
        #expect(analysis.xmr?.values == [5, 7, 6, 8, 9])
        #expect(analysis.run?.median == 7)
    }

    @Test func aRebaseDateSplitsTheLimitsAtTheFirstPointOnOrAfterIt() throws {
        // Hand-computed: before = 10, 12, 11, 13 (mean 11.5, MRs 2, 1, 2 → 5/3);
        // after = 6, 5, 7, 6 (mean 6, MRs 1, 2, 1 → 4/3).
        let points = Self.observations([10, 12, 11, 13], from: 1) + Self.observations([6, 5, 7, 6], from: 10)
        let options = MeasureAnalysis.Options(rebase: [Day("2026-03-08")!])
        let analysis = try MeasureAnalysis(observations: points, better: .lower, target: nil, options: options)
        #expect(analysis.rebaseIndices == [4], "2026-03-08 has no point: the split is at the next one, 2026-03-10")
        let segments = try #require(analysis.xmr?.segments)
        #expect(segments.map(\.range) == [0..<4, 4..<8])
        #expect(abs(segments[0].limits.mean - 11.5) < 1e-12 && abs(segments[0].limits.meanMovingRange - 5.0 / 3) < 1e-12)
        #expect(abs(segments[1].limits.mean - 6) < 1e-12 && abs(segments[1].limits.meanMovingRange - 4.0 / 3) < 1e-12)
        #expect(analysis.warnings.contains { $0.contains("trial limits") }, "4 points a segment: trial limits")
    }

    @Test func optionsThatCannotApplyAreRefusedWithTheReason() {
        let points = Self.observations([1, 2, 3, 4, 5])
        #expect(throws: MeasureAnalysis.OptionError.self) {
            try MeasureAnalysis(observations: points, better: .lower, target: nil, options: .init(rebase: [Day("2026-03-01")!]))
        }
        do {
            _ = try MeasureAnalysis(observations: points, better: .lower, target: nil, options: .init(rebase: [Day("2026-03-05")!]))
            Issue.record("a rebase leaving one point after it is refused")
        } catch {
            #expect(error.description.contains("at least 2 points"), "\(error)")
        }
        #expect(throws: MeasureAnalysis.OptionError.self) {
            try MeasureAnalysis(observations: points, better: .lower, target: nil, options: .init(baseline: 1))
        }
    }

    @Test func fewPointsGiveWhatTheyCanWithAWarning() throws {
        let none = try MeasureAnalysis(observations: [], better: .lower, target: 3)
        #expect(none.run == nil && none.xmr == nil && none.latest == nil && none.warnings.isEmpty)
        let one = try MeasureAnalysis(observations: Self.observations([4]), better: .lower, target: 3)
        #expect(one.run?.median == 4 && one.xmr == nil && one.latest == nil)
        #expect(one.warnings == ["one observation: a chart needs at least 2"])
        let five = try MeasureAnalysis(observations: Self.observations([4, 5, 4, 6, 5]), better: .lower, target: 3)
        #expect(five.latest?.variation == .commonCause)
        #expect(five.warnings.contains("5 observations: the run chart rules want at least 10"))
    }

    @Test func theLatestPointCarriesTheSignalAndTheAssurance() throws {
        // 12 around 9 then a fall to 3: the last point is below the lower limit (hand-computed in
        // ImprovementEndToEndTests: mean 157/22 ≈ 7.136, mean MR 28/21 ≈ 1.333, LCL ≈ 3.589).
        let values: [Double] = [9, 8, 10, 9, 11, 8, 9, 10, 9, 8, 10, 9, 6, 5, 5, 4, 6, 5, 4, 5, 4, 3]
        let analysis = try MeasureAnalysis(observations: Self.observations(values), better: .lower, target: 3)
        let latest = try #require(analysis.latest)
        #expect(latest.variation == .specialCauseImprovement && latest.rule == .outsideLimits && latest.side == .below)
        #expect(analysis.classification?.assuranceIcon == .consistentlyFail, "target 3 lies below the lower limit, on the good side")
        let higher = try MeasureAnalysis(observations: Self.observations(values), better: .higher, target: nil)
        #expect(higher.latest?.variation == .specialCauseConcern)
        #expect(higher.classification?.assuranceIcon == nil)
    }

    @Test func dayArithmetic() {
        #expect(Day("2026-02-28")!.next == Day("2026-03-01"))
        #expect(Day("2028-02-28")!.next == Day("2028-02-29"))
        #expect(Day("2026-12-31")!.next == Day("2027-01-01"))
        #expect(Day(year: 2026, month: 2, day: 29) == nil)
    }
}
