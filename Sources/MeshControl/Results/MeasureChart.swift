/// Signals travel as snake_case words:
/// - `variation`: `common_cause`, `special_cause_improvement`, `special_cause_concern`,
///   `special_cause_neutral` (NHS "Making Data Count");
/// - `rule`: `outside_limits`, `trend`, `two_of_three`, `run` (the rule that labels a point);
/// - `side`: `above`, `below`;
/// - assurance: `consistently_pass`, `consistently_fail`, `hit_and_miss`.
///
/// `measure.chart`: a measure's observations, oldest first, with its run chart and its XmR chart
/// classified by the Making Data Count rules. Each `compare` series has the same shape.
public struct MeasureChart: Codable, Sendable {
    public let measure: MeasureSummary
    /// Where the chart is split into before and after (the date the idea was created or adopted in
    /// that department): `compare` only.
    public let splitDate: String?
    public let points: [Point]
    /// Absent with no observations.
    public let run: RunSummary?
    /// Absent with fewer than 2 observations.
    public let xmr: XmRSummary?
    /// Things a reader of either chart must know (e.g. "one observation: a chart needs at least
    /// 2"); each chart has its own as well (`warnings(of:)`).
    public let warnings: [String]

    /// What a reader of the run chart (`run: true`) or of the XmR chart must know: this chart's
    /// warnings and its own, not the other chart's (a run chart has no limits to call trial).
    public func warnings(run: Bool) -> [String] {
        warnings + ((run ? self.run?.warnings : xmr?.warnings) ?? [])
    }

    /// Every warning, of both charts (for a list of the observations).
    public var allWarnings: [String] { warnings + (run?.warnings ?? []) + (xmr?.warnings ?? []) }

    public struct Point: Codable, Sendable {
        /// The observation's id (for `measure retract`).
        public let id: String
        /// YYYY-MM-DD.
        public let date: String
        public let value: Double
        public let note: String?
        public let author: String?
        /// The author's display name at the origin department, when they gave one (shown instead of `author`).
        public let authorName: String?
        public let createdMs: Int?
        /// |this − previous| within the point's segment; absent for a segment's first point.
        public let movingRange: Double?
        /// Index into `xmr.segments`; absent without an XmR chart.
        public let segment: Int?
        /// Making Data Count classification; absent without an XmR chart.
        public let variation: String?
        public let rule: String?
        public let side: String?
        /// Run-chart signals the point is part of: "shift", "trend" (IHI rules) or "long_run" (Anhøj).
        public let runSignals: [String]?

        public init(
            id: String, date: String, value: Double, note: String?, author: String?, authorName: String? = nil, createdMs: Int?,
            movingRange: Double?, segment: Int?, variation: String?, rule: String?, side: String?,
            runSignals: [String]?
        ) {
            self.id = id
            self.date = date
            self.value = value
            self.note = note
            self.author = author
            self.authorName = authorName
            self.createdMs = createdMs
            self.movingRange = movingRange
            self.segment = segment
            self.variation = variation
            self.rule = rule
            self.side = side
            self.runSignals = runSignals
        }
    }

    public struct RunSummary: Codable, Sendable {
        /// "ihi" or "anhoej".
        public let rules: String
        public let median: Double
        public let usefulObservations: Int
        public let crossings: Int
        public let runs: Int
        public let longestRun: Int
        /// Swed–Eisenhart limits on the number of runs (IHI rules, 10 to 60 useful observations).
        public let runsLower: Int?
        public let runsUpper: Int?
        /// Index ranges [first, last] of shifts and trends.
        public let shifts: [[Int]]
        public let trends: [[Int]]
        /// Anhøj rules: index ranges of the runs longer than `longestRunLimit`; absent from an older daemon.
        public let longRuns: [[Int]]?
        public let tooFewRuns: Bool
        public let tooManyRuns: Bool
        /// Anhøj rules only.
        public let longestRunLimit: Int?
        public let crossingsLimit: Int?
        /// Any non-random signal by the chosen rules.
        public let signal: Bool
        /// Fewer than `minimumPoints`: no rule was applied, so nothing signals.
        public let tooFewPoints: Bool
        /// The fewest points the rules are applied to (10); absent from an older daemon.
        public let minimumPoints: Int?
        /// What a reader of the run chart must know (too few points for its rules).
        public let warnings: [String]?

        public init(
            rules: String, median: Double, usefulObservations: Int, crossings: Int, runs: Int, longestRun: Int,
            runsLower: Int?, runsUpper: Int?, shifts: [[Int]], trends: [[Int]], longRuns: [[Int]]?,
            tooFewRuns: Bool, tooManyRuns: Bool, longestRunLimit: Int?, crossingsLimit: Int?, signal: Bool,
            tooFewPoints: Bool, minimumPoints: Int?, warnings: [String]?
        ) {
            self.rules = rules
            self.median = median
            self.usefulObservations = usefulObservations
            self.crossings = crossings
            self.runs = runs
            self.longestRun = longestRun
            self.runsLower = runsLower
            self.runsUpper = runsUpper
            self.shifts = shifts
            self.trends = trends
            self.longRuns = longRuns
            self.tooFewRuns = tooFewRuns
            self.tooManyRuns = tooManyRuns
            self.longestRunLimit = longestRunLimit
            self.crossingsLimit = crossingsLimit
            self.signal = signal
            self.tooFewPoints = tooFewPoints
            self.minimumPoints = minimumPoints
            self.warnings = warnings
        }
    }

    public struct XmRSummary: Codable, Sendable {
        public let segments: [Segment]
        /// The variation icon, from the last point: `common_cause`, or a special cause
        /// (`special_cause_improvement`, …) with `iconSide`.
        public let variationIcon: String
        public let iconSide: String?
        public let assurance: String?
        /// What a reader of the XmR chart must know (trial limits, limits beyond the kind's bounds).
        public let warnings: [String]?

        public struct Segment: Codable, Sendable {
            /// Index of the first point; the segment runs to the next segment's start.
            public let start: Int
            public let count: Int
            /// Date of the first point.
            public let fromDate: String
            /// Points the limits are computed from.
            public let baselineCount: Int
            public let mean: Double
            public let meanMovingRange: Double
            public let upper: Double
            public let lower: Double
            public let upperTwoSigma: Double
            public let lowerTwoSigma: Double
            public let movingRangeUpper: Double
            /// Fewer than 12 baseline points.
            public let trial: Bool
            /// The computed limit when `upper` is capped (`lower` floored) at the measure kind's
            /// bound (a count's lower limit of −1.07 is drawn at 0); absent otherwise.
            public let upperComputed: Double?
            public let lowerComputed: Double?

            public init(
                start: Int, count: Int, fromDate: String, baselineCount: Int, mean: Double, meanMovingRange: Double,
                upper: Double, lower: Double, upperTwoSigma: Double, lowerTwoSigma: Double, movingRangeUpper: Double, trial: Bool,
                upperComputed: Double?, lowerComputed: Double?
            ) {
                self.start = start
                self.count = count
                self.fromDate = fromDate
                self.baselineCount = baselineCount
                self.mean = mean
                self.meanMovingRange = meanMovingRange
                self.upper = upper
                self.lower = lower
                self.upperTwoSigma = upperTwoSigma
                self.lowerTwoSigma = lowerTwoSigma
                self.movingRangeUpper = movingRangeUpper
                self.trial = trial
                self.upperComputed = upperComputed
                self.lowerComputed = lowerComputed
            }
        }

        public init(segments: [Segment], variationIcon: String, iconSide: String?, assurance: String?, warnings: [String]?) {
            self.segments = segments
            self.variationIcon = variationIcon
            self.iconSide = iconSide
            self.assurance = assurance
            self.warnings = warnings
        }
    }

    public init(
        measure: MeasureSummary, splitDate: String?, points: [Point], run: RunSummary?, xmr: XmRSummary?,
        warnings: [String]
    ) {
        self.measure = measure
        self.splitDate = splitDate
        self.points = points
        self.run = run
        self.xmr = xmr
        self.warnings = warnings
    }
}
