@testable import MeshModel
import Testing

struct RunChartTests {
    // qi-chart-rules.md "Run chart rules": centre = median; shift = 6+ points one side, points ON the
    // median neither count nor break it. Hand-computed: 13 points, sorted middle (7th) value is 5.
    @Test func shiftSkipsPointsOnTheMedian() throws {
        let chart = try RunChart(values: [1, 2, 1, 9, 8, 5, 9, 8, 9, 9, 5, 1, 2])
        #expect(chart.median == 5)
        #expect(chart.usefulObservations == 11)
        // Above: indices 3, 4, (5 on median), 6, 7, 8, 9 → 6 counted points.
        #expect(chart.shifts == [ChartRun(range: 3...9, kind: .above, length: 6)])
        #expect(chart.runs == 3)
        #expect(chart.crossings == 2)
        #expect(chart.longestRun == 6)
        #expect(chart.trends.isEmpty)
        // 11 useful observations: table row (4, 9); 3 runs is too few.
        #expect(chart.runsLimits == SwedEisenhart.Limits(lower: 4, upper: 9))
        #expect(chart.tooFewRuns)
        #expect(!chart.tooManyRuns)
        #expect(chart.hasSignal)
        #expect(chart.anhoej == nil)
    }

    // Same rule: five points on one side is not a shift (hand-computed: median 5 of 12 values).
    @Test func fivePointsOnOneSideAreNotAShift() throws {
        let chart = try RunChart(values: [1, 2, 1, 9, 8, 5, 9, 8, 9, 5, 1, 2])
        #expect(chart.median == 5)
        #expect(chart.longestRun == 5)
        #expect(chart.shifts.isEmpty)
    }

    // qi-chart-rules.md "Run chart rules": trend = 5+ points all up or all down; "equal neighbours:
    // count only the first". 1, 2, 2, 3, 4, 5 counts 1, 2, 3, 4, 5 → a 5-point trend.
    @Test func equalNeighboursCountOnceInATrend() throws {
        let chart = try RunChart(values: [1, 2, 2, 3, 4, 5])
        #expect(chart.trends == [ChartRun(range: 0...5, kind: .up, length: 5)])
        let short = try RunChart(values: [1, 2, 2, 3, 4])
        #expect(short.trends.isEmpty)
        // A tie neither breaks a falling trend: 9, 8, 8, 8, 6, 5, 4 counts 9, 8, 6, 5, 4.
        let down = try RunChart(values: [9, 8, 8, 8, 6, 5, 4])
        #expect(down.trends == [ChartRun(range: 0...6, kind: .down, length: 5)])
    }

    // Same rule: after a reversal the next trend starts at the turning point (the first of a block of
    // equal values). 3, 1, 2, 2, 3, 4, 5 → down 3, 1; up 1, 2, 3, 4, 5 from index 1.
    @Test func trendStartsAtTheTurningPoint() throws {
        let chart = try RunChart(values: [3, 1, 2, 2, 3, 4, 5])
        #expect(chart.trends == [ChartRun(range: 1...6, kind: .up, length: 5)])
        let four = try RunChart(values: [1, 2, 3, 4, 3, 2, 1, 0])
        #expect(four.trends == [ChartRun(range: 3...7, kind: .down, length: 5)])
    }

    // qi-chart-rules.md "Run chart rules": Swed–Eisenhart, "16 useful points → 5–12 runs normal;
    // 24 → 8–18".
    @Test func swedEisenhartPublishedRows() {
        #expect(SwedEisenhart.limits(usefulObservations: 16) == SwedEisenhart.Limits(lower: 5, upper: 12))
        #expect(SwedEisenhart.limits(usefulObservations: 24) == SwedEisenhart.Limits(lower: 8, upper: 18))
        #expect(SwedEisenhart.limits(usefulObservations: 9) == nil)
        #expect(SwedEisenhart.limits(usefulObservations: 61) == nil)
    }

    // qi-chart-rules.md "Run chart rules": number of runs = crossings + 1 against the table. Hand-built:
    // 16 points alternating about the median 5 give 16 runs (> 12, too many).
    @Test func tooManyRunsOnSixteenPoints() throws {
        let values: [Double] = (0..<16).map { $0 % 2 == 0 ? 0 : 10 }
        let chart = try RunChart(values: values)
        #expect(chart.median == 5)
        #expect(chart.runs == 16)
        #expect(chart.crossings == 15)
        #expect(chart.tooManyRuns)
        #expect(!chart.tooFewRuns)
        #expect(chart.shifts.isEmpty)
    }

    // qi-chart-rules.md "Run chart rules", Anhøj: "n=24: run > 8 or < 8 crossings". Hand-built: 9 above,
    // alternating, 9 below (12 tens, 12 zeros, median 5): 8 runs, 7 crossings, longest run 9.
    @Test func anhoejRulesOnTwentyFourPoints() throws {
        let values: [Double] = Array(repeating: 10, count: 9) + [0, 10, 0, 10, 0, 10] + Array(repeating: 0, count: 9)
        let chart = try RunChart(values: values, rules: .anhoej)
        #expect(chart.median == 5)
        #expect(chart.usefulObservations == 24)
        #expect(chart.runs == 8)
        #expect(chart.crossings == 7)
        #expect(chart.longestRun == 9)
        let anhoej = try #require(chart.anhoej)
        #expect(anhoej.longestRunLimit == 8)
        #expect(anhoej.crossingsLimit == 8)
        #expect(anhoej.longRun)
        #expect(anhoej.fewCrossings)
        // IHI: 8 runs is inside 8–18, but both 9-point runs are shifts.
        #expect(!chart.tooFewRuns)
        #expect(chart.shifts.map(\.length) == [9, 9])
    }

    // qi-chart-rules.md "Run chart rules", Anhøj: round(log2 n) + 3 and qbinom(0.05, n − 1, 0.5).
    // Values computed by hand from the binomial(n − 1, ½) CDF: n = 10 → 6 and 2; 20 → 7 and 6; 30 → 8 and 10.
    @Test func anhoejLimitsFollowTheFormula() {
        #expect(ChartMath.roundedLog2(24) + 3 == 8)
        #expect(ChartMath.binomialHalfQuantile(0.05, size: 23) == 8)
        #expect(ChartMath.roundedLog2(10) + 3 == 6)
        #expect(ChartMath.binomialHalfQuantile(0.05, size: 9) == 2)
        #expect(ChartMath.roundedLog2(20) + 3 == 7)
        #expect(ChartMath.binomialHalfQuantile(0.05, size: 19) == 6)
        #expect(ChartMath.roundedLog2(30) + 3 == 8)
        #expect(ChartMath.binomialHalfQuantile(0.05, size: 29) == 10)
        // log2 22 = 4.46 → 4; log2 23 = 4.52 → 5.
        #expect(ChartMath.roundedLog2(22) == 4)
        #expect(ChartMath.roundedLog2(23) == 5)
        #expect(ChartMath.roundedLog2(1) == 0)
        // Large n neither overflows nor loses the tail: n = 2000 has a finite, sensible limit.
        let big = ChartMath.binomialHalfQuantile(0.05, size: 1999)
        #expect(big > 950 && big < 1000)
    }

    @Test func rejectsEmptyAndNonFiniteData() {
        #expect(throws: ChartError.tooFewPoints(needed: 1, got: 0)) { try RunChart(values: []) }
        #expect(throws: ChartError.nonFiniteValue(index: 1)) { try RunChart(values: [1, .nan, 2]) }
    }
}
