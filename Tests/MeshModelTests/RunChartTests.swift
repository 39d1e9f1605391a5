import Foundation
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
    // (The rule itself, on fewer points than the chart applies it to.)
    @Test func equalNeighboursCountOnceInATrend() throws {
        func trends(_ values: [Double]) -> [ChartRun<TrendDirection>] {
            ChartMath.monotoneRuns(values).filter { $0.length >= RunChart.trendLength }
        }
        #expect(trends([1, 2, 2, 3, 4, 5]) == [ChartRun(range: 0...5, kind: .up, length: 5)])
        #expect(trends([1, 2, 2, 3, 4]).isEmpty)
        // A tie neither breaks a falling trend: 9, 8, 8, 8, 6, 5, 4 counts 9, 8, 6, 5, 4.
        #expect(trends([9, 8, 8, 8, 6, 5, 4]) == [ChartRun(range: 0...6, kind: .down, length: 5)])
        // On a chart of 10 points the same trend is a signal.
        let chart = try RunChart(values: [5, 5, 6, 4, 1, 2, 2, 3, 4, 5])
        #expect(chart.trends == [ChartRun(range: 4...9, kind: .up, length: 5)])
    }

    // Same rule: after a reversal the next trend starts at the turning point (the first of a block of
    // equal values). 3, 1, 2, 2, 3, 4, 5 → down 3, 1; up 1, 2, 3, 4, 5 from index 1.
    @Test func trendStartsAtTheTurningPoint() throws {
        func trends(_ values: [Double]) -> [ChartRun<TrendDirection>] {
            ChartMath.monotoneRuns(values).filter { $0.length >= RunChart.trendLength }
        }
        #expect(trends([3, 1, 2, 2, 3, 4, 5]) == [ChartRun(range: 1...6, kind: .up, length: 5)])
        #expect(trends([1, 2, 3, 4, 3, 2, 1, 0]) == [ChartRun(range: 3...7, kind: .down, length: 5)])
    }

    // Issue 11: six points rising signalled a trend beside the chart's own "at least 10" warning.
    // Below RunChart.minimumPoints (IHI: at least 10 data points) no rule signals, in either set.
    @Test func tooFewPointsSignalNothing() throws {
        let six: [Double] = [1, 2, 3, 4, 5, 6]
        #expect(!ChartMath.monotoneRuns(six).filter { $0.length >= RunChart.trendLength }.isEmpty, "the rule alone sees a trend")
        for rules in [RunChart.Rules.ihi, .anhoej] {
            let chart = try RunChart(values: six, rules: rules)
            #expect(chart.tooFewPoints && !chart.rulesApply)
            #expect(chart.trends.isEmpty && chart.shifts.isEmpty && chart.runsLimits == nil && chart.anhoej == nil)
            #expect(!chart.hasSignal)
            #expect(chart.longestRun == 3 && chart.crossings == 1, "the chart is still described")
        }
        // Nine points all above and below (a 9-point run): still nothing; ten: a shift.
        #expect(try !RunChart(values: [1, 1, 1, 1, 9, 9, 9, 9, 9]).hasSignal)
        #expect(try RunChart(values: [1, 1, 1, 1, 1, 9, 9, 9, 9, 9]).hasSignal)
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
    // Anhøj's rules are exactly two: no shift, trend or Swed–Eisenhart test is applied with them.
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
        #expect(anhoej.longRuns == [ChartRun(range: 0...8, kind: .above, length: 9), ChartRun(range: 15...23, kind: .below, length: 9)])
        #expect(chart.shifts.isEmpty && chart.trends.isEmpty && chart.runsLimits == nil)
        // IHI on the same data: 8 runs is inside 8–18, but both 9-point runs are shifts.
        let ihi = try RunChart(values: values, rules: .ihi)
        #expect(!ihi.tooFewRuns && ihi.anhoej == nil)
        #expect(ihi.shifts.map(\.length) == [9, 9])
    }

    // Issue 11's contradiction: "Longest run: 6 (Anhøj limit 7)" and then "shift". Hand-built, 18
    // points: 8 zeros, two 5s, 8 tens, median 5; the 5s are on the median and dropped first (n = 16):
    // runs 0 | 10 | 0 | 10×6 (a 5 inside) | 0×4 | 10 | 0×2 (then a 5) → longest run 6, crossings 6.
    // Anhøj for n = 16: longest run > round(log2 16) + 3 = 7, crossings < qbinom(0.05, 15, ½) = 4:
    // no signal. IHI: the 6-point run is a shift.
    @Test func anhoejIgnoresAnIHIShift() throws {
        let values: [Double] = [0, 10, 0, 10, 10, 10, 5, 10, 10, 10, 0, 0, 0, 0, 10, 0, 0, 5]
        let anhoej = try RunChart(values: values, rules: .anhoej)
        #expect(anhoej.median == 5 && anhoej.usefulObservations == 16)
        #expect(anhoej.longestRun == 6 && anhoej.crossings == 6)
        let rules = try #require(anhoej.anhoej)
        #expect(rules.longestRunLimit == 7 && rules.crossingsLimit == 4)
        #expect(!rules.signal && !anhoej.hasSignal && anhoej.shifts.isEmpty && rules.longRuns.isEmpty)
        let ihi = try RunChart(values: values, rules: .ihi)
        #expect(ihi.shifts.map(\.length) == [6] && ihi.hasSignal)
    }

    // The Anhøj limits against a second, independent computation: exact integer binomial sums
    // (not the scaled floating-point terms of ChartMath) for n = 10…58 useful observations, and
    // integer log2 bounds. Published points: Anhøj & Olesen 2014 / qi-chart-rules.md, n = 24 → longest
    // run > 8, crossings < 8; Wentzel-Larsen & Anhøj (crossrun, Science Trends 2019), n = 13 → fewer than
    // 3 crossings. Worked by hand: n = 10 → 6 and 2 (P(X ≤ 1) = 10/512 < 0.05 ≤ 46/512 = P(X ≤ 2),
    // X ~ Bin(9, ½)); n = 20 → 7 and 6; n = 30 → 8 and 10. (Issue 11's "n=10: crossings < 3" and
    // "n=20: run > 8" do not follow from the formulas: log2 20 = 4.32 rounds to 4, and qbinom(0.05, 9, ½) = 2.)
    @Test func anhoejLimitsAgainstAnIndependentComputation() {
        func exact(_ n: Int) -> (Int, Int) {
            // round(log2 n): the k with 2^(k−½) < n < 2^(k+½), i.e. 2^(2k−1) < n² < 2^(2k+1).
            let run = (0...10).first { k in n * n < 1 << (2 * k + 1) }! + 3
            // qbinom(0.05, m, ½): the smallest k with 20 · Σ_{i≤k} C(m, i) ≥ 2^m.
            let m = n - 1
            var coefficient: UInt64 = 1, sum: UInt64 = 0, k = 0
            while true {
                sum += coefficient
                if 20 * sum >= UInt64(1) << UInt64(m) { break }
                coefficient = coefficient * UInt64(m - k) / UInt64(k + 1)
                k += 1
            }
            return (run, k)
        }
        for n in 10...58 {
            let limits = RunChart.anhoejLimits(usefulObservations: n)
            #expect(limits == exact(n), "n = \(n)")
        }
        #expect(RunChart.anhoejLimits(usefulObservations: 24) == (8, 8))
        #expect(RunChart.anhoejLimits(usefulObservations: 13).crossings == 3)
        #expect(RunChart.anhoejLimits(usefulObservations: 10) == (6, 2))
        #expect(RunChart.anhoejLimits(usefulObservations: 20) == (7, 6))
        #expect(RunChart.anhoejLimits(usefulObservations: 30) == (8, 10))
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
        // The exact integer path and the floating-point one agree wherever both apply.
        for size in 0...59 {
            #expect(ChartMath.fivePercentBinomialHalfQuantile(size: size) == ChartMath.scaledBinomialHalfQuantile(0.05, size: size), "size \(size)")
        }
        // Large n neither overflows nor loses the tail: n = 2000 has a finite, sensible limit.
        let big = ChartMath.binomialHalfQuantile(0.05, size: 1999)
        #expect(big > 950 && big < 1000)
    }

    @Test func rejectsEmptyAndNonFiniteData() {
        #expect(throws: ChartError.tooFewPoints(needed: 1, got: 0)) { try RunChart(values: []) }
        #expect(throws: ChartError.nonFiniteValue(index: 1)) { try RunChart(values: [1, .nan, 2]) }
    }

    // A second, independent implementation of both rule sets, written from the rules' text
    // (qi-chart-rules.md) rather than from ChartMath, checked against RunChart on 2,000 seeded
    // random series of 1 to 40 points drawn from few values (so ties and points on the median are
    // common).
    @Test func bothRuleSetsAgreeWithANaiveImplementation() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<2_000 {
            let values = (0..<(1 + next(40))).map { _ in Double(next(6)) }
            let sorted = values.sorted()
            let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            // Points on the median are removed first; the rest are above (true) or below (false).
            let sides = values.filter { $0 != median }.map { $0 > median }
            var runLengths: [Int] = []
            for (i, side) in sides.enumerated() {
                if i > 0, sides[i - 1] == side { runLengths[runLengths.count - 1] += 1 } else { runLengths.append(1) }
            }
            let crossings = zip(sides, sides.dropFirst()).filter { $0 != $1 }.count
            let longest = runLengths.max() ?? 0
            // Trends: equal neighbours count once, so drop repeats, then count monotone stretches.
            var distinct: [Double] = []
            for v in values where distinct.last != v { distinct.append(v) }
            var trendLengths: [Int] = []
            var length = 1, direction = 0
            for i in 1..<max(1, distinct.count) {
                let d = distinct[i] > distinct[i - 1] ? 1 : -1
                if d == direction { length += 1 } else {
                    if length >= RunChart.trendLength { trendLengths.append(length) }
                    length = 2
                    direction = d
                }
            }
            if length >= RunChart.trendLength { trendLengths.append(length) }
            let enough = values.count >= 10

            let ihi = try RunChart(values: values, rules: .ihi)
            #expect(ihi.median == median && ihi.crossings == crossings && ihi.longestRun == longest, "\(values)")
            #expect(ihi.shifts.map(\.length) == (enough ? runLengths.filter { $0 >= 6 } : []), "\(values)")
            #expect(ihi.trends.map(\.length) == (enough ? trendLengths : []), "\(values)")
            let runsLimits = enough ? SwedEisenhart.limits(usefulObservations: sides.count) : nil
            let ihiSignal = !ihi.shifts.isEmpty || !ihi.trends.isEmpty
                || runsLimits.map { runLengths.count < $0.lower || runLengths.count > $0.upper } ?? false
            #expect(ihi.hasSignal == ihiSignal && ihi.anhoej == nil, "\(values)")

            let anhoej = try RunChart(values: values, rules: .anhoej)
            #expect(anhoej.shifts.isEmpty && anhoej.trends.isEmpty && anhoej.runsLimits == nil, "\(values)")
            if enough, !sides.isEmpty {
                let n = sides.count
                // round(log2 n) + 3 by floating point here; qbinom by summing exact binomial terms.
                let runLimit = Int(log2(Double(n)).rounded()) + 3
                var coefficient = 1.0, cumulative = 0.0, crossingLimit = 0
                while true {
                    cumulative += coefficient
                    if cumulative / pow(2, Double(n - 1)) >= 0.05 { break }
                    coefficient = coefficient * Double(n - 1 - crossingLimit) / Double(crossingLimit + 1)
                    crossingLimit += 1
                }
                let rules = try #require(anhoej.anhoej)
                #expect(rules.longestRunLimit == runLimit && rules.crossingsLimit == crossingLimit, "\(values)")
                #expect(anhoej.hasSignal == (longest > runLimit || crossings < crossingLimit), "\(values)")
                #expect(rules.longRuns.map(\.length) == runLengths.filter { $0 > runLimit }, "\(values)")
            } else {
                #expect(anhoej.anhoej == nil && !anhoej.hasSignal, "\(values)")
            }
        }
    }
}
