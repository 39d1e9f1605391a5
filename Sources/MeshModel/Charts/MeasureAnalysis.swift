/// A measure's observations read as charts: the run chart, the XmR chart and its Making Data Count
/// classification, with the warnings a reader must see. What `measure chart`, `measure list`, the
/// spread tree and the digest's results all read from, so they agree.
public struct MeasureAnalysis: Hashable, Sendable {
    /// How to draw the charts.
    public struct Options: Hashable, Sendable {
        public var rules: RunChart.Rules
        /// Fix each XmR segment's limits on its first `baseline` points; nil uses all of them.
        public var baseline: Int?
        /// Recalculate the XmR limits from the first point on or after each of these dates.
        public var rebase: [Day]

        public init(rules: RunChart.Rules = .ihi, baseline: Int? = nil, rebase: [Day] = []) {
            self.rules = rules
            self.baseline = baseline
            self.rebase = rebase
        }
    }

    /// One observation, in chart order.
    public struct Observation: Hashable, Sendable {
        public var date: Day
        public var value: Double

        public init(date: Day, value: Double) {
            self.date = date
            self.value = value
        }
    }

    /// Why the options cannot be applied to these observations.
    public struct OptionError: Error, Hashable, Sendable, CustomStringConvertible {
        public let description: String
    }

    public let observations: [Observation]
    /// For each charted point, the index of its observation in the input: callers pair points
    /// with what they passed in without sorting again.
    public let order: [Int]
    /// nil with no observations.
    public let run: RunChart?
    /// nil with fewer than 2 observations.
    public let xmr: XmRChart?
    /// nil with fewer than 2 observations.
    public let classification: MakingDataCount?
    /// Indices where the XmR limits are recalculated.
    public let rebaseIndices: [Int]
    public let warnings: [String]

    /// Analyses `observations` (sorted here by date; equal dates keep their given order).
    public init(
        observations: [Observation], better: Direction?, target: Double?, options: Options = Options()
    ) throws(OptionError) {
        let order = observations.indices.sorted { (observations[$0].date, $0) < (observations[$1].date, $1) }
        let sorted = order.map { observations[$0] }
        self.order = order
        self.observations = sorted
        let values = sorted.map(\.value)
        var warnings = [String]()

        var indices = [Int]()
        for day in options.rebase.sorted() {
            guard let index = sorted.firstIndex(where: { $0.date >= day }), index > 0 else {
                throw OptionError(description: "rebase \(day): there are no points both before and from that date")
            }
            if indices.last != index { indices.append(index) }
        }
        rebaseIndices = indices
        if let baseline = options.baseline, baseline < 2 {
            throw OptionError(description: "baseline: the limits need at least 2 points (got \(baseline))")
        }

        do throws(ChartError) {
            run = values.isEmpty ? nil : try RunChart(values: values, rules: options.rules)
            if values.count >= 2 {
                let chart = try XmRChart(values: values, baseline: options.baseline, rebaseAt: indices)
                xmr = chart
                classification = MakingDataCount(chart: chart, improvement: better, target: target)
            } else {
                xmr = nil
                classification = nil
            }
        } catch .invalidRebase(let index) {
            let day = index < sorted.count ? sorted[index].date.description : "the end"
            throw OptionError(description: "rebase at \(day): every segment needs at least 2 points")
        } catch {
            // Values are finite (validated when written) and the counts are checked above.
            throw OptionError(description: "\(error)")
        }

        switch values.count {
        case 0: break
        case 1: warnings.append("one observation: a chart needs at least 2")
        case ..<10: warnings.append("\(values.count) observations: the run chart rules want at least 10")
        default: break
        }
        if let xmr, xmr.hasTrialLimits {
            warnings.append("limits rest on fewer than \(XmRChart.minimumBaselinePoints) points: treat them as trial limits")
        }
        self.warnings = warnings
    }

    /// The latest point's classification; nil with fewer than 2 observations.
    public var latest: MakingDataCount.Point? { classification?.points.last }
}
