/// A run chart: the data against its median, with the IHI run chart rules or, as an option, the
/// Anhøj rules (see `qi-chart-rules.md`, "Run chart rules").
///
/// Below `minimumPoints` no rule signals: the median and the runs are still described, but the
/// rules are not applied (`rulesApply` is false), and a reader is told so.
public struct RunChart: Hashable, Sendable {
    /// Which rules decide the signals. Each set is applied alone.
    public enum Rules: String, Hashable, Codable, Sendable {
        /// IHI (Perla, Provost & Murray 2011): shift, trend, number of runs (Swed–Eisenhart).
        case ihi
        /// Anhøj (Anhøj & Olesen 2014; qicharts2): exactly two rules, the longest run and the number
        /// of crossings, on the points not on the median. No shift, trend or Swed–Eisenhart test.
        case anhoej
    }

    /// The Anhøj rules (qicharts2; Anhøj & Olesen 2014) for the useful observations.
    public struct Anhoej: Hashable, Sendable {
        /// A longest run longer than this is a signal: round(log2 n) + 3.
        public var longestRunLimit: Int
        /// Fewer crossings than this is a signal: qbinom(0.05, n − 1, 0.5).
        public var crossingsLimit: Int
        public var longRun: Bool
        public var fewCrossings: Bool
        /// The runs longer than `longestRunLimit` (points on the median inside them neither count
        /// nor break them): what a chart marks.
        public var longRuns: [ChartRun<Side>]

        public var signal: Bool { longRun || fewCrossings }
    }

    /// The shortest shift, in points on one side of the median.
    public static let shiftLength = 6
    /// The shortest trend, in points (equal neighbours counted once).
    public static let trendLength = 5
    /// The fewest points for which either rule set is applied: IHI's "at least 10 data points"
    /// (Perla, Provost & Murray 2011), used for the Anhøj rules too.
    public static let minimumPoints = 10

    public let values: [Double]
    public let median: Double
    /// Points not on the median.
    public let usefulObservations: Int
    /// Times consecutive useful points change side of the median.
    public let crossings: Int
    /// Runs about the median: crossings + 1 (0 when every point is on the median).
    public let runs: Int
    /// The longest run of useful points on one side.
    public let longestRun: Int
    /// The rule set asked for.
    public let rules: Rules
    /// Runs of at least `shiftLength` points on one side (points on the median inside neither count
    /// nor break them). IHI rules only, and only from `minimumPoints` on; else empty.
    public let shifts: [ChartRun<Side>]
    /// Runs of at least `trendLength` points all rising or all falling. IHI rules only, and only
    /// from `minimumPoints` on; else empty.
    public let trends: [ChartRun<TrendDirection>]
    /// The Swed–Eisenhart limits for the number of runs; nil with the Anhøj rules, below
    /// `minimumPoints`, or when the useful count is not tabulated.
    public let runsLimits: SwedEisenhart.Limits?
    /// The Anhøj rules, when asked for (nil with `.ihi`, below `minimumPoints`, or when there are no
    /// useful observations).
    public let anhoej: Anhoej?
    /// Fewer than `minimumPoints`: no rule is applied.
    public var tooFewPoints: Bool { values.count < Self.minimumPoints }
    /// Whether the rules were applied (enough points).
    public var rulesApply: Bool { !tooFewPoints }

    public var tooFewRuns: Bool { runsLimits.map { runs < $0.lower } ?? false }
    public var tooManyRuns: Bool { runsLimits.map { runs > $0.upper } ?? false }

    /// Whether any rule signals non-random variation.
    public var hasSignal: Bool {
        !shifts.isEmpty || !trends.isEmpty || tooFewRuns || tooManyRuns || (anhoej?.signal ?? false)
    }

    /// The Anhøj limits for `n` useful observations (n ≥ 1): a longest run over `longestRun`
    /// (round(log2 n) + 3) or fewer crossings than `crossings` (qbinom(0.05, n − 1, 0.5), exactly:
    /// the smallest k with P(X ≤ k) ≥ 0.05 for X ~ Binomial(n − 1, ½)) is a signal.
    public static func anhoejLimits(usefulObservations n: Int) -> (longestRun: Int, crossings: Int) {
        (ChartMath.roundedLog2(n) + 3, ChartMath.binomialHalfQuantile(0.05, size: n - 1))
    }

    /// Analyses `values` in time order. Throws for empty data or a non-finite value.
    public init(values: [Double], rules: Rules = .ihi) throws(ChartError) {
        guard !values.isEmpty else { throw .tooFewPoints(needed: 1, got: 0) }
        try ChartMath.checkFinite(values)
        self.values = values
        let median = ChartMath.median(values)
        self.median = median
        let sideRuns = ChartMath.sideRuns(ChartMath.sides(values, centre: median), skipNil: true)
        let useful = sideRuns.reduce(0) { $0 + $1.length }
        usefulObservations = useful
        runs = sideRuns.count
        crossings = max(0, sideRuns.count - 1)
        longestRun = sideRuns.map(\.length).max() ?? 0
        self.rules = rules
        let apply = values.count >= Self.minimumPoints
        if apply, rules == .ihi {
            shifts = sideRuns.filter { $0.length >= Self.shiftLength }
            trends = ChartMath.monotoneRuns(values).filter { $0.length >= Self.trendLength }
            runsLimits = SwedEisenhart.limits(usefulObservations: useful)
        } else {
            shifts = []
            trends = []
            runsLimits = nil
        }
        if apply, rules == .anhoej, useful > 0 {
            let limits = Self.anhoejLimits(usefulObservations: useful)
            anhoej = Anhoej(
                longestRunLimit: limits.longestRun, crossingsLimit: limits.crossings,
                longRun: longestRun > limits.longestRun, fewCrossings: crossings < limits.crossings,
                longRuns: sideRuns.filter { $0.length > limits.longestRun })
        } else {
            anhoej = nil
        }
    }
}
