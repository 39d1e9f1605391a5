import MeshModel
import Testing

/// Equal to within rounding of the last few bits (the arithmetic is exact up to that).
private func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(b)) }

struct XmRChartTests {
    // qi-chart-rules.md "XmR / SPC": MR_i = |x_i − x_{i−1}|; limits = mean ± 2.66 × mean(MR); MR UCL =
    // 3.267 × mean(MR); 2-sigma = mean ± (2/3)·2.66·mean(MR). Hand-computed: 10, 12, 11, 15, 13 → mean
    // 12.2, MRs 2, 1, 4, 2 → mean MR 2.25; 2.66 × 2.25 = 5.985; 3.267 × 2.25 = 7.35075.
    @Test func limitsFromMeanMovingRange() throws {
        let chart = try XmRChart(values: [10, 12, 11, 15, 13])
        #expect(chart.movingRanges == [nil, 2, 1, 4, 2])
        #expect(chart.segments.count == 1)
        let limits = chart.segments[0].limits
        #expect(close(limits.mean, 12.2))
        #expect(limits.meanMovingRange == 2.25)
        #expect(close(limits.upper, 18.185))
        #expect(close(limits.lower, 6.215))
        #expect(close(limits.upperTwoSigma, 16.19))
        #expect(close(limits.lowerTwoSigma, 8.21))
        #expect(close(limits.movingRangeUpper, 7.35075))
    }

    // qi-chart-rules.md "XmR / SPC": "warn under 12 points (trial limits)".
    @Test func trialLimitsUnderTwelvePoints() throws {
        let eleven = try XmRChart(values: (0..<11).map { Double($0 % 3) })
        #expect(eleven.hasTrialLimits)
        let twelve = try XmRChart(values: (0..<12).map { Double($0 % 3) })
        #expect(!twelve.hasTrialLimits)
        // A 12-point series whose limits are fixed on 6 points is still on trial limits.
        let fixed = try XmRChart(values: (0..<12).map { Double($0 % 3) }, baseline: 6)
        #expect(fixed.hasTrialLimits)
        #expect(fixed.segments[0].baselineCount == 6)
    }

    // qi-chart-rules.md "XmR / SPC": "Baseline/rebase". Limits fixed on the first 3 points (mean 11,
    // MRs 2, 1 → 1.5) are extended unchanged over later points, whose moving ranges are still shown.
    @Test func limitsFixedOnABaseline() throws {
        let chart = try XmRChart(values: [10, 12, 11, 30, 40], baseline: 3)
        let limits = chart.segments[0].limits
        #expect(limits.mean == 11)
        #expect(limits.meanMovingRange == 1.5)
        #expect(close(limits.upper, 14.99))
        #expect(chart.movingRanges == [nil, 2, 1, 19, 10])
        #expect(chart.segments[0].range == 0..<5)
    }

    // Same section: limits recalculated from a rebase index; no moving range spans the rebase.
    // Hand-computed: 20, 22, 21, 25, 23 → mean 22.2, mean MR 2.25 (the 13 → 20 jump is not a range).
    @Test func rebaseRecalculatesLimits() throws {
        let chart = try XmRChart(values: [10, 12, 11, 15, 13, 20, 22, 21, 25, 23], rebaseAt: [5])
        #expect(chart.segments.map(\.range) == [0..<5, 5..<10])
        #expect(chart.movingRanges[5] == nil)
        #expect(close(chart.segments[0].limits.mean, 12.2))
        #expect(close(chart.segments[1].limits.mean, 22.2))
        #expect(chart.segments[1].limits.meanMovingRange == 2.25)
        #expect(close(chart.segment(at: 7).limits.upper, 28.185))
        #expect(chart.segment(at: 4).range == 0..<5)
    }

    // qi-chart-rules.md "XmR / SPC": "Optional: drop MR >= 3.267·mean(MR) and recompute". Hand-computed:
    // 0, 1 alternating then 41: ten MRs of 1 and one of 41 → mean 51/11; 41 ≥ 3.267 × 51/11 ≈ 15.15 is
    // dropped → mean MR 1.
    @Test func optionallyExcludesLargeMovingRanges() throws {
        let values: [Double] = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 41]
        let kept = try XmRChart(values: values)
        #expect(close(kept.segments[0].limits.meanMovingRange, 51.0 / 11))
        let screened = try XmRChart(values: values, excludeLargeMovingRanges: true)
        #expect(screened.segments[0].limits.meanMovingRange == 1)
        #expect(close(screened.segments[0].limits.upper, 46.0 / 12 + 2.66))
    }

    @Test func rejectsBadInput() {
        #expect(throws: ChartError.tooFewPoints(needed: 2, got: 1)) { try XmRChart(values: [1]) }
        #expect(throws: ChartError.invalidBaseline(length: 1)) { try XmRChart(values: [1, 2, 3], baseline: 1) }
        #expect(throws: ChartError.invalidRebase(index: 1)) { try XmRChart(values: [1, 2, 3, 4], rebaseAt: [1]) }
        #expect(throws: ChartError.invalidRebase(index: 3)) { try XmRChart(values: [1, 2, 3, 4], rebaseAt: [3]) }
        #expect(throws: ChartError.invalidRebase(index: 2)) { try XmRChart(values: [1, 2, 3, 4, 5, 6], rebaseAt: [3, 2]) }
        #expect(throws: ChartError.nonFiniteValue(index: 0)) { try XmRChart(values: [.infinity, 2]) }
    }
}
