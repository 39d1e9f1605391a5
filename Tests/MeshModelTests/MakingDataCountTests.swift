import MeshModel
import Testing

/// Twelve baseline points alternating 11, 9 (ending on 9, below the mean): mean 10, mean MR 2 → limits 10 ± 5.32 (4.68, 15.32), 2σ lines
/// 10 ± 3.5467 (6.4533, 13.5467). No rule fires on them (they alternate sides and direction).
private let baseline: [Double] = (0..<12).map { $0 % 2 == 0 ? 11 : 9 }

private func analyse(_ tail: [Double], _ improvement: Direction? = .higher, target: Double? = nil) throws -> MakingDataCount {
    let chart = try XmRChart(values: baseline + tail, baseline: 12)
    return MakingDataCount(chart: chart, improvement: improvement, target: target)
}

private func rules(_ mdc: MakingDataCount) -> [MakingDataCount.Rule?] { mdc.points.map(\.rule) }

struct MakingDataCountTests {
    // qi-chart-rules.md "XmR / SPC", Making Data Count: "7 points one side of mean". Hand-built: seven
    // points just above the mean 10, inside the 2σ line, not monotone.
    @Test func sevenPointsOnOneSideAreARun() throws {
        let tail: [Double] = [10.5, 10.6, 10.5, 10.6, 10.5, 10.6, 10.5]
        let mdc = try analyse(tail)
        #expect(rules(mdc) == Array(repeating: nil, count: 12) + Array(repeating: .run, count: 7))
        #expect(mdc.points[12] == MakingDataCount.Point(variation: .specialCauseImprovement, rule: .run, side: .above))
        #expect(mdc.variationIcon == .improvement(.above))
        // Six are not enough.
        let six = try analyse(Array(tail.dropLast()))
        #expect(six.points.allSatisfy { $0.variation == .commonCause })
        #expect(six.variationIcon == .commonCause)
    }

    // Same section: variation icon — improvement (blue), concern (orange), neutral (purple, no direction).
    @Test func variationIconFollowsTheDirection() throws {
        let tail: [Double] = [10.5, 10.6, 10.5, 10.6, 10.5, 10.6, 10.5]
        #expect(try analyse(tail, .lower).variationIcon == .concern(.above))
        #expect(try analyse(tail, .lower).points[18].variation == .specialCauseConcern)
        #expect(try analyse(tail, nil).variationIcon == .neutral(.above))
        #expect(try analyse(tail, nil).points[18].variation == .specialCauseNeutral)
    }

    // Same section: "7-point trend (6 consecutive rises/falls)"; label precedence puts trend over run
    // (PR #180). 9, 10.1 … 10.7 rises seven times: an 8-point trend from the last baseline point; the
    // seven points above the mean are also a run, but are labelled trend.
    @Test func sevenPointTrendOutranksARun() throws {
        let mdc = try analyse([10.1, 10.2, 10.3, 10.4, 10.5, 10.6, 10.7])
        #expect(rules(mdc) == Array(repeating: nil, count: 11) + Array(repeating: .trend, count: 8))
        #expect(mdc.points[11] == MakingDataCount.Point(variation: .specialCauseImprovement, rule: .trend, side: .above))
        #expect(mdc.variationIcon == .improvement(.above))
    }

    // Same section: "Equal values neither add to nor cancel a trend (#24)". 9, 10.1, 10.2, 10.2, 10.3,
    // 10.4, 10.5 is seven values but, with the repeated 10.2, only five rises: no trend (and six points
    // above the mean, no run). One more rise makes the trend, and the tie does not break it.
    @Test func equalValuesNeitherAddToNorCancelATrend() throws {
        let flat = try analyse([10.1, 10.2, 10.2, 10.3, 10.4, 10.5])
        #expect(flat.points.allSatisfy { $0.variation == .commonCause })
        let longer = try analyse([10.1, 10.2, 10.2, 10.3, 10.4, 10.5, 10.6])
        #expect(rules(longer).suffix(8) == Array(repeating: .trend, count: 8))
        #expect(rules(longer)[10] == nil)
    }

    // Same section: a falling trend is an improvement when lower is better, whatever side of the mean.
    @Test func fallingTrendWhenLowerIsBetter() throws {
        let mdc = try analyse([12, 11.5, 11, 10.5, 9.5, 9, 8.5], .lower)
        #expect(rules(mdc).suffix(7) == Array(repeating: .trend, count: 7))
        #expect(mdc.points[12] == MakingDataCount.Point(variation: .specialCauseImprovement, rule: .trend, side: .below))
        #expect(mdc.variationIcon == .improvement(.below))
    }

    // Same section: "outside limits" outranks a run (PR #180): the seventh point, 20 > 15.32, is outside.
    @Test func outsideLimitsOutranksARun() throws {
        let mdc = try analyse([10.5, 10.6, 10.5, 10.6, 10.5, 10.6, 20])
        #expect(rules(mdc).suffix(7) == Array(repeating: .run, count: 6) + [.outsideLimits])
        #expect(mdc.variationIcon == .improvement(.above))
    }

    // Same section: "2 of 3 beyond 2σ same side (3σ points count too, 2023)"; 2-of-3 outranks a run.
    // 14 > 13.5467 twice within three points.
    @Test func twoOfThreeOutranksARun() throws {
        let mdc = try analyse([10.5, 10.6, 10.5, 10.6, 14, 10.5, 14])
        #expect(rules(mdc).suffix(7) == [.run, .run, .run, .run, .twoOfThree, .run, .twoOfThree])
    }

    // Same section: a 3σ point counts towards 2-of-3; it is itself labelled outside. 5 < 6.4533 (2σ) and
    // 4 < 4.68 (3σ), below the mean with higher better → concern.
    @Test func beyondThreeSigmaCountsTowardsTwoOfThree() throws {
        let mdc = try analyse([5, 10, 4])
        #expect(rules(mdc).suffix(3) == [.twoOfThree, nil, .outsideLimits])
        #expect(mdc.points[12].variation == .specialCauseConcern)
        #expect(mdc.variationIcon == .concern(.below))
        // One point beyond 2σ alone is common cause.
        let single = try analyse([5, 10, 10.5])
        #expect(single.points.allSatisfy { $0.variation == .commonCause })
    }

    // qi-chart-rules.md "XmR / SPC", Baseline/rebase: rules are applied within a segment; a run does not
    // continue across a rebase (three points before, four after with their own mean 10.55).
    @Test func rulesDoNotSpanARebase() throws {
        let chart = try XmRChart(
            values: baseline + [10.5, 10.6, 10.5, 10.6, 10.5, 10.6, 10.5], baseline: 12, rebaseAt: [15])
        let mdc = MakingDataCount(chart: chart, improvement: .higher)
        #expect(mdc.points.allSatisfy { $0.variation == .commonCause })
    }

    // qi-chart-rules.md "XmR / SPC": assurance icon — target beyond the limits on the good side →
    // consistently pass; bad side → consistently fail; within → hit and miss. Limits 4.68 … 15.32.
    @Test func assuranceIconFromTargetAndDirection() throws {
        let tail: [Double] = [10, 10.5]
        #expect(try analyse(tail, .higher, target: 4).assuranceIcon == .consistentlyPass)
        #expect(try analyse(tail, .higher, target: 16).assuranceIcon == .consistentlyFail)
        #expect(try analyse(tail, .higher, target: 10).assuranceIcon == .hitAndMiss)
        #expect(try analyse(tail, .lower, target: 16).assuranceIcon == .consistentlyPass)
        #expect(try analyse(tail, .lower, target: 4).assuranceIcon == .consistentlyFail)
        #expect(try analyse(tail, .lower, target: 15).assuranceIcon == .hitAndMiss)
        #expect(try analyse(tail, .higher).assuranceIcon == nil)
        #expect(try analyse(tail, nil, target: 4).assuranceIcon == nil)
    }

    // A second implementation's published cases: NHSRplotthedots' own unit tests
    // (tests/testthat/test-ptd_calculate_point_type.R), worked by hand onto this baseline (mean 10,
    // 2σ 13.5467, limits 15.32). There the "part of" flags mark every point of a signal:
    // - ptd_part_of_two_in_three: beyond-2σ flags 0,0,1,0,1,0,0 → 0,0,1,0,1,0,0; 1,0,0,1 → none;
    //   1,0,0,1,1 → 0,0,0,1,1 (only the points beyond 2σ, and only two within three points);
    // - ptd_seven_point_one_side_mean(c(rep(1, 8), -1)): a run of eight on one side, then the other;
    // - ptd_seven_point_trend(c(2, 1:7, 3)): the seven rising points 1…7, not the 2 or the 3.
    @Test func nhsrPlotTheDotsPublishedCasesAgree() throws {
        let beyond = 14.0, above = 10.2, below = 9.8
        #expect(rules(try analyse([below, above, beyond, below, beyond, below, above])).suffix(7)
            == [nil, nil, .twoOfThree, nil, .twoOfThree, nil, nil])
        #expect(rules(try analyse([beyond, below, above, beyond])).suffix(4) == [nil, nil, nil, nil])
        #expect(rules(try analyse([beyond, below, above, beyond, beyond])).suffix(5) == [nil, nil, nil, .twoOfThree, .twoOfThree])

        let run = try analyse([10.5, 10.6, 10.5, 10.6, 10.5, 10.6, 10.5, 10.6, 9.5])
        #expect(rules(run).suffix(9) == Array(repeating: .run, count: 8) + [nil])

        // 2, 1…7, 3 as 8 + x/2: 9, 8.5 … 11.5, 9.5 (the 10 is on the mean, so no run either).
        let trend = try analyse([9, 8.5, 9, 9.5, 10, 10.5, 11, 11.5, 9.5])
        #expect(rules(trend).suffix(9) == [nil] + Array(repeating: .trend, count: 7) + [nil])
        #expect(trend.points[13].side == .above, "a rising trend points up")
    }
}
