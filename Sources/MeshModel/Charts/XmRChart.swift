/// An XmR (individuals and moving range) chart, with limits fixed on a baseline and recalculated from
/// rebase points (see `qi-chart-rules.md`, "XmR / SPC").
public struct XmRChart: Hashable, Sendable {
    /// Shewhart's constant for individuals limits: 3 / d2, d2 = 1.128.
    public static let limitConstant = 2.66
    /// The moving range chart's upper limit factor: D4 for subgroups of 2.
    public static let movingRangeConstant = 3.267
    /// Fewer baseline points than this make trial limits (a warning).
    public static let minimumBaselinePoints = 12

    /// The centre line and limits of one segment.
    public struct Limits: Hashable, Sendable {
        public var mean: Double
        /// The mean of the moving ranges the limits were computed from.
        public var meanMovingRange: Double
        /// mean + 2.66 × mean MR.
        public var upper: Double
        /// mean − 2.66 × mean MR.
        public var lower: Double
        /// mean + (2/3) × 2.66 × mean MR.
        public var upperTwoSigma: Double
        /// mean − (2/3) × 2.66 × mean MR.
        public var lowerTwoSigma: Double
        /// 3.267 × mean MR.
        public var movingRangeUpper: Double

        /// The limits for a centre line and mean moving range.
        public init(mean: Double, meanMovingRange: Double) {
            let spread = XmRChart.limitConstant * meanMovingRange
            self.mean = mean
            self.meanMovingRange = meanMovingRange
            upper = mean + spread
            lower = mean - spread
            upperTwoSigma = mean + spread * 2 / 3
            lowerTwoSigma = mean - spread * 2 / 3
            movingRangeUpper = XmRChart.movingRangeConstant * meanMovingRange
        }
    }

    /// A stretch of points sharing one set of limits: from the start or a rebase point to the next.
    public struct Segment: Hashable, Sendable {
        /// The points the limits apply to.
        public var range: Range<Int>
        /// How many points at the start of the segment the limits were computed from.
        public var baselineCount: Int
        public var limits: Limits
        /// Computed from fewer than 12 points: trial limits, to be read with care.
        public var isTrial: Bool { baselineCount < XmRChart.minimumBaselinePoints }
    }

    public let values: [Double]
    /// |x_i − x_{i−1}|; nil for the first point of each segment (no range spans a rebase).
    public let movingRanges: [Double?]
    public let segments: [Segment]

    /// Some segment's limits rest on fewer than 12 points.
    public var hasTrialLimits: Bool { segments.contains { $0.isTrial } }

    /// Builds the chart.
    /// - Parameters:
    ///   - baseline: fix each segment's limits on its first `baseline` points (at least 2); nil uses all
    ///     of the segment's points.
    ///   - rebaseAt: indices from which the limits are recalculated; increasing, in `2..<count - 1`
    ///     so every segment has at least two points.
    ///   - excludeLargeMovingRanges: drop moving ranges ≥ 3.267 × mean MR and recompute the mean MR once
    ///     (NHSRplotthedots' default; the Making Data Count Excel tool does not).
    public init(
        values: [Double], baseline: Int? = nil, rebaseAt: [Int] = [], excludeLargeMovingRanges: Bool = false
    ) throws(ChartError) {
        guard values.count >= 2 else { throw .tooFewPoints(needed: 2, got: values.count) }
        try ChartMath.checkFinite(values)
        if let baseline, baseline < 2 { throw .invalidBaseline(length: baseline) }
        var starts = [0]
        for index in rebaseAt {
            guard index >= starts.last! + 2, index <= values.count - 2 else { throw .invalidRebase(index: index) }
            starts.append(index)
        }
        let bounds = zip(starts, starts.dropFirst() + [values.count]).map { $0..<$1 }

        var movingRanges = [Double?](repeating: nil, count: values.count)
        for range in bounds {
            for i in range.dropFirst() { movingRanges[i] = abs(values[i] - values[i - 1]) }
        }
        self.values = values
        self.movingRanges = movingRanges
        segments = bounds.map { range in
            let count = min(baseline ?? range.count, range.count)
            let base = range.lowerBound..<(range.lowerBound + count)
            var ranges = base.dropFirst().map { movingRanges[$0]! }
            var meanMR = ChartMath.mean(ranges)
            if excludeLargeMovingRanges {
                let kept = ranges.filter { $0 < XmRChart.movingRangeConstant * meanMR }
                if !kept.isEmpty, kept.count < ranges.count {
                    ranges = kept
                    meanMR = ChartMath.mean(ranges)
                }
            }
            let limits = Limits(mean: ChartMath.mean(values[base]), meanMovingRange: meanMR)
            return Segment(range: range, baselineCount: count, limits: limits)
        }
    }

    /// The segment a point belongs to.
    public func segment(at index: Int) -> Segment {
        segments.last { $0.range.lowerBound <= index }!
    }
}
