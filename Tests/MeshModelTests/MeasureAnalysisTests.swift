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
        #expect(analysis.xmrWarnings.contains { $0.contains("trial limits") }, "4 points a segment: trial limits")
        #expect(!(analysis.warnings + analysis.runWarnings).contains { $0.contains("limits") }, "a run chart has no limits to call trial")
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
        #expect(five.runWarnings.contains("5 observations: the run chart rules need at least 10, so the run chart signals nothing yet"))
        #expect(five.xmrWarnings.allSatisfy { !$0.contains("run chart") } && five.warnings.isEmpty, "the XmR chart is read by its own rules")
        #expect(five.run?.hasSignal == false)
    }

    // Issue 11: "Lower limits below zero for counts (−1.07)". Hand-computed: 1, 0, 2, 0, 1, 0 has mean
    // 4/6 ≈ 0.667 and moving ranges 1, 2, 2, 1, 1 (mean 1.4): limits 0.667 ± 3.724 → −3.06 to 4.39;
    // 2σ: 0.667 ± 2.483 → −1.82 to 3.15. Drawn for a count: lower and lower 2σ at 0, said in a warning.
    @Test func limitsAreFlooredAtTheKindsBoundAndSaySo() throws {
        let points = Self.observations([1, 0, 2, 0, 1, 0])
        let counted = try MeasureAnalysis(observations: points, better: .lower, target: nil, kind: .count)
        let raw = try #require(counted.xmr?.segments.first?.limits)
        #expect(abs(raw.lower - (4.0 / 6 - 2.66 * 1.4)) < 1e-12, "the computed limit is kept")
        let drawn = counted.bounded(raw)
        #expect(drawn.lower == 0 && drawn.lowerTwoSigma == 0)
        #expect(drawn.upper == raw.upper && drawn.mean == raw.mean)
        #expect(counted.xmrWarnings.contains("the lower limit (-3.06) is below 0, the least a count can be: drawn at 0"), "\(counted.xmrWarnings)")
        #expect(!(counted.warnings + counted.runWarnings).contains { $0.contains("limit (") }, "a run chart has no limits to floor")
        let other = try MeasureAnalysis(observations: points, better: .lower, target: nil, kind: .other)
        #expect(other.bounded(raw) == raw && !other.xmrWarnings.contains { $0.contains("drawn at") })

        // A percentage near 100: 99, 100, 96, 100, 98 (mean 98.6, MRs 1, 4, 4, 2 → 2.75) → upper limit
        // 98.6 + 7.315 = 105.915, shown as 105.92: drawn at 100.
        let percent = try MeasureAnalysis(
            observations: Self.observations([99, 100, 96, 100, 98]), better: .higher, target: nil, kind: .proportion)
        let limits = try #require(percent.xmr?.segments.first?.limits)
        #expect(percent.bounded(limits).upper == 100 && percent.bounded(limits).lower == limits.lower)
        #expect(percent.xmrWarnings.contains("the upper limit (105.92) is above 100, the most a proportion can be: drawn at 100"), "\(percent.xmrWarnings)")
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
