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
    /// The measure's kind: what its limits are floored and capped at when drawn (`bounded`).
    public let kind: MeasureKind
    /// What a reader of either chart must see (too few observations for any chart).
    public let warnings: [String]
    /// What a reader of the run chart must see (too few points for its rules).
    public let runWarnings: [String]
    /// What a reader of the XmR chart must see (trial limits, limits beyond the kind's bounds).
    public let xmrWarnings: [String]

    /// Analyses `observations` (sorted here by date; equal dates keep their given order) of a
    /// measure of `kind`.
    public init(
        observations: [Observation], better: Direction?, target: Double?, kind: MeasureKind = .other,
        options: Options = Options()
    ) throws(OptionError) {
        self.kind = kind
        let order = observations.indices.sorted { (observations[$0].date, $0) < (observations[$1].date, $1) }
        let sorted = order.map { observations[$0] }
        self.order = order
        self.observations = sorted
        let values = sorted.map(\.value)
        var warnings = [String](), runWarnings = [String](), xmrWarnings = [String]()

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
        case ..<RunChart.minimumPoints:
            runWarnings.append(
                "\(values.count) observations: the run chart rules need at least \(RunChart.minimumPoints), so the run chart signals nothing yet")
        default: break
        }
        if let baseline = options.baseline, let xmr, let short = xmr.segments.first(where: { $0.range.count < baseline }) {
            xmrWarnings.append(
                "a baseline of \(baseline) points was asked for, but \(xmr.segments.count == 1 ? "there are" : "a segment has") only \(short.range.count): its limits use all of them")
        }
        if let xmr, xmr.hasTrialLimits {
            xmrWarnings.append("limits rest on fewer than \(XmRChart.minimumBaselinePoints) points: treat them as trial limits")
        }
        for segment in xmr?.segments ?? [] {
            let limits = segment.limits
            if let floor = kind.lowerBound, limits.lower < floor {
                let text = "the lower limit (\(limits.lower.formatted(places: 2))) is below \(floor.formatted), the least a \(kind.rawValue) can be: drawn at \(floor.formatted)"
                if !xmrWarnings.contains(text) { xmrWarnings.append(text) }
            }
            if let cap = kind.upperBound, limits.upper > cap {
                let text = "the upper limit (\(limits.upper.formatted(places: 2))) is above \(cap.formatted), the most a \(kind.rawValue) can be: drawn at \(cap.formatted)"
                if !xmrWarnings.contains(text) { xmrWarnings.append(text) }
            }
        }
        self.warnings = warnings
        self.runWarnings = runWarnings
        self.xmrWarnings = xmrWarnings
    }

    /// `limits` as drawn: lines below the kind's least value floored at it, lines above its
    /// greatest capped at it (a count's lower limit of −1.07 is drawn at 0). The signals are
    /// unchanged: no value of the kind lies beyond its bounds.
    public func bounded(_ limits: XmRChart.Limits) -> XmRChart.Limits {
        var out = limits
        if let floor = kind.lowerBound {
            out.lower = max(out.lower, floor)
            out.lowerTwoSigma = max(out.lowerTwoSigma, floor)
        }
        if let cap = kind.upperBound {
            out.upper = min(out.upper, cap)
            out.upperTwoSigma = min(out.upperTwoSigma, cap)
        }
        return out
    }

    /// The latest point's classification; nil with fewer than 2 observations.
    public var latest: MakingDataCount.Point? { classification?.points.last }
}
