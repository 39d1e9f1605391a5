/// A run chart: the data against its median, with the IHI run chart rules and, as an option, the
/// Anhøj rules (see `qi-chart-rules.md`, "Run chart rules").
public struct RunChart: Hashable, Sendable {
    /// Which rules decide the signals.
    public enum Rules: String, Hashable, Codable, Sendable {
        /// IHI (Perla, Provost & Murray 2011): shift, trend, number of runs (Swed–Eisenhart).
        case ihi
        /// IHI's shift, trend and runs, plus the Anhøj rules (longest run, crossings).
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

        public var signal: Bool { longRun || fewCrossings }
    }

    /// The shortest shift, in points on one side of the median.
    public static let shiftLength = 6
    /// The shortest trend, in points (equal neighbours counted once).
    public static let trendLength = 5

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
    /// Runs of at least `shiftLength` points on one side (points on the median inside neither count
    /// nor break them).
    public let shifts: [ChartRun<Side>]
    /// Runs of at least `trendLength` points all rising or all falling.
    public let trends: [ChartRun<TrendDirection>]
    /// The Swed–Eisenhart limits for the number of runs; nil when the useful count is not tabulated.
    public let runsLimits: SwedEisenhart.Limits?
    /// The Anhøj rules, when asked for (nil with `.ihi`, or when there are no useful observations).
    public let anhoej: Anhoej?
    /// Fewer than the recommended 10 points: the rules are unreliable.
    public var tooFewPoints: Bool { values.count < 10 }

    public var tooFewRuns: Bool { runsLimits.map { runs < $0.lower } ?? false }
    public var tooManyRuns: Bool { runsLimits.map { runs > $0.upper } ?? false }

    /// Whether any rule signals non-random variation.
    public var hasSignal: Bool {
        !shifts.isEmpty || !trends.isEmpty || tooFewRuns || tooManyRuns || (anhoej?.signal ?? false)
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
        shifts = sideRuns.filter { $0.length >= Self.shiftLength }
        trends = ChartMath.monotoneRuns(values).filter { $0.length >= Self.trendLength }
        runsLimits = SwedEisenhart.limits(usefulObservations: useful)
        if rules == .anhoej, useful > 0 {
            let runLimit = ChartMath.roundedLog2(useful) + 3
            let crossingLimit = ChartMath.binomialHalfQuantile(0.05, size: useful - 1)
            anhoej = Anhoej(
                longestRunLimit: runLimit, crossingsLimit: crossingLimit,
                longRun: longestRun > runLimit, fewCrossings: crossings < crossingLimit)
        } else {
            anhoej = nil
        }
    }
}
