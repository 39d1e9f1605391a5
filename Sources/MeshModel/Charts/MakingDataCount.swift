/// NHS England "Making Data Count" point types and icons for an XmR chart, after NHSRplotthedots'
/// `ptd_calculate_point_type.R` (see `qi-chart-rules.md`, "XmR / SPC"). Each rule is applied within a
/// segment of the chart, against that segment's limits.
public struct MakingDataCount: Hashable, Sendable {
    /// The special-cause rules, in order of precedence (a point found by several is labelled by the first).
    public enum Rule: String, Hashable, Codable, Sendable, CaseIterable {
        /// Outside the process limits.
        case outsideLimits
        /// Part of 7 or more consecutive rising or falling points (6 rises or falls; equal values
        /// neither add to nor break a trend).
        case trend
        /// Beyond the 2σ line, with another of three consecutive points beyond it on the same side.
        case twoOfThree
        /// Part of 7 or more consecutive points on one side of the mean (a point on the mean ends a run).
        case run
    }

    /// Whether a special cause is good, bad or of no known direction.
    public enum Variation: String, Hashable, Codable, Sendable {
        case commonCause
        case specialCauseImprovement
        case specialCauseConcern
        /// A special cause on a measure with no improvement direction.
        case specialCauseNeutral
    }

    /// One point's classification.
    public struct Point: Hashable, Sendable {
        public var variation: Variation
        /// The rule that labels the point; nil for common cause.
        public var rule: Rule?
        /// Which way the special cause points: the side of the mean, or for a trend, up (above) or down (below).
        public var side: Side?

        public init(variation: Variation, rule: Rule?, side: Side?) {
            self.variation = variation
            self.rule = rule
            self.side = side
        }
    }

    /// The variation icon, read from the last point.
    public enum VariationIcon: Hashable, Sendable {
        /// Grey.
        case commonCause
        /// Blue; `side` says high or low.
        case improvement(Side)
        /// Orange.
        case concern(Side)
        /// Purple: special cause on a measure with no direction.
        case neutral(Side)
    }

    /// The assurance icon, from the latest limits, the target and the improvement direction.
    public enum AssuranceIcon: String, Hashable, Codable, Sendable {
        /// The target lies beyond the limits on the bad side: every point is expected to meet it.
        case consistentlyPass
        /// The target lies beyond the limits on the good side: no point is expected to meet it.
        case consistentlyFail
        /// The target lies within the limits.
        case hitAndMiss
    }

    /// The shortest run on one side of the mean, in points.
    public static let runLength = 7
    /// The shortest trend, in points (6 consecutive rises or falls).
    public static let trendLength = 7

    public let points: [Point]
    public let variationIcon: VariationIcon
    /// nil without both a target and an improvement direction.
    public let assuranceIcon: AssuranceIcon?

    /// Classifies the points of `chart`.
    /// - Parameters:
    ///   - improvement: which way is better; nil for a measure with no direction (neutral).
    ///   - target: the target, for the assurance icon.
    public init(chart: XmRChart, improvement: Direction?, target: Double? = nil) {
        var found = [[Rule: Side]](repeating: [:], count: chart.values.count)
        for segment in chart.segments {
            Self.apply(segment, chart.values, into: &found)
        }
        points = found.map { rules in
            guard let rule = Rule.allCases.first(where: { rules[$0] != nil }), let side = rules[rule] else {
                return Point(variation: .commonCause, rule: nil, side: nil)
            }
            let variation: Variation =
                switch (improvement, side) {
                case (nil, _): .specialCauseNeutral
                case (.higher, .above), (.lower, .below): .specialCauseImprovement
                default: .specialCauseConcern
                }
            return Point(variation: variation, rule: rule, side: side)
        }
        let last = points.last!
        variationIcon =
            switch (last.variation, last.side) {
            case (.specialCauseImprovement, let side?): .improvement(side)
            case (.specialCauseConcern, let side?): .concern(side)
            case (.specialCauseNeutral, let side?): .neutral(side)
            default: .commonCause
            }
        let limits = chart.segments.last!.limits
        assuranceIcon =
            switch (improvement, target) {
            case (.higher?, let t?): t < limits.lower ? .consistentlyPass : t > limits.upper ? .consistentlyFail : .hitAndMiss
            case (.lower?, let t?): t > limits.upper ? .consistentlyPass : t < limits.lower ? .consistentlyFail : .hitAndMiss
            default: nil
            }
    }

    private static func apply(_ segment: XmRChart.Segment, _ all: [Double], into found: inout [[Rule: Side]]) {
        let limits = segment.limits
        let range = segment.range
        let values = Array(all[range])
        func mark(_ i: Int, _ rule: Rule, _ side: Side) { found[range.lowerBound + i][rule] = side }

        for (i, v) in values.enumerated() {
            if v > limits.upper { mark(i, .outsideLimits, .above) }
            if v < limits.lower { mark(i, .outsideLimits, .below) }
        }
        for run in ChartMath.monotoneRuns(values) where run.length >= trendLength {
            for i in run.range { mark(i, .trend, run.kind == .up ? .above : .below) }
        }
        // 2 of 3 beyond 2σ on the same side; points beyond 3σ count too (NHSRplotthedots, 2023).
        if values.count >= 3 {
            for start in 0...(values.count - 3) {
                let window = start..<(start + 3)
                for (side, beyond) in [(Side.above, { (v: Double) in v > limits.upperTwoSigma }),
                                       (Side.below, { (v: Double) in v < limits.lowerTwoSigma })] {
                    let hits = window.filter { beyond(values[$0]) }
                    if hits.count >= 2 { for i in hits { mark(i, .twoOfThree, side) } }
                }
            }
        }
        for run in ChartMath.sideRuns(ChartMath.sides(values, centre: limits.mean), skipNil: false)
        where run.length >= runLength {
            for i in run.range { mark(i, .run, run.kind) }
        }
    }
}
