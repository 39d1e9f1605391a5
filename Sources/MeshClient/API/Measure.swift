/// Measures, their charts and the spread of an idea (CONTROL.md §5.5–5.7).
///
/// Signals travel as snake_case words:
/// - `variation`: `common_cause`, `special_cause_improvement`, `special_cause_concern`,
///   `special_cause_neutral` (NHS "Making Data Count");
/// - `rule`: `outside_limits`, `trend`, `two_of_three`, `run` (the rule that labels a point);
/// - `side`: `above`, `below`;
/// - assurance: `consistently_pass`, `consistently_fail`, `hit_and_miss`.

/// A measure with a summary of its observations: `measure.list`, the digest's results and the
/// spread tree.
public struct MeasureSummary: Decodable, Sendable {
    public let id: String
    public let shortId: String
    public let name: String
    public let unit: String
    /// "lower" or "higher".
    public let better: String
    public let target: Double?
    /// "count", "proportion" (a percentage, 0–100), "time" or "other"; absent from an older daemon.
    public let kind: String?
    /// The idea the measure belongs to.
    public let idea: String
    public let ideaTitle: String?
    /// The measure's origin (the department that defined it).
    public let origin: String?
    public let department: String?
    public let createdMs: Int?
    /// Observations not retracted.
    public let observations: Int
    public let latestDate: String?
    public let latestValue: Double?
    /// The latest point's Making Data Count variation; absent with fewer than 2 observations.
    public let signal: String?
    /// The side of that signal (`above`/`below`), for a special cause.
    public let signalSide: String?
    /// The assurance against the target; absent without a target or with fewer than 2 observations.
    public let assurance: String?
}

/// `measure.list`.
public struct MeasureList: Decodable, Sendable {
    public let measures: [MeasureSummary]
}

/// `measure.chart`: a measure's observations, oldest first, with its run chart and its XmR chart
/// classified by the Making Data Count rules. Each `compare` series has the same shape.
public struct MeasureChart: Decodable, Sendable {
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

    public struct Point: Decodable, Sendable {
        /// The observation's id (for `measure retract`).
        public let id: String
        /// YYYY-MM-DD.
        public let date: String
        public let value: Double
        public let note: String?
        public let author: String?
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
    }

    public struct RunSummary: Decodable, Sendable {
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
    }

    public struct XmRSummary: Decodable, Sendable {
        public let segments: [Segment]
        /// The variation icon, from the last point: `common_cause`, or a special cause
        /// (`special_cause_improvement`, …) with `iconSide`.
        public let variationIcon: String
        public let iconSide: String?
        public let assurance: String?
        /// What a reader of the XmR chart must know (trial limits, limits beyond the kind's bounds).
        public let warnings: [String]?

        public struct Segment: Decodable, Sendable {
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
        }
    }
}

/// `measure.compare`: the same measure in every department that runs the idea.
public struct MeasureComparison: Decodable, Sendable {
    /// The idea at the root of the adoption tree.
    public let idea: String
    public let ideaTitle: String?
    public let name: String
    /// One per department: the root first, then adopters in the order they adopted.
    public let series: [MeasureChart]
}

/// `idea.spread`: the adoption tree of an idea.
public struct SpreadReport: Decodable, Sendable {
    public let root: Node

    public struct Node: Decodable, Sendable {
        public let id: String
        public let shortId: String
        public let title: String
        public let status: String
        public let origin: String?
        public let department: String?
        /// When the idea was created here (for an adopter: when it adopted).
        public let createdMs: Int?
        /// Cycles started and the latest cycle's phase and decision.
        public let cycles: Int
        public let latestPhase: String?
        public let latestDecision: String?
        public let measures: [MeasureSummary]
        public let adoptions: [Node]
    }
}
