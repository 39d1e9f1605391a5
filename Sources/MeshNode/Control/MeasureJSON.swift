import Foundation
import MeshCRDT
import MeshModel
import MeshStore

/// Measures, charts and spread as the control API gives them (CONTROL.md §5.5–5.7). Signals are
/// snake_case words (`special_cause_improvement`, `outside_limits`, `hit_and_miss`, …).
enum SignalWord {
    /// `specialCauseImprovement` → `special_cause_improvement`.
    static func of(_ camel: String) -> String {
        var out = ""
        for character in camel {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }

    static func of(_ side: Side?) -> String? { side?.rawValue }

    /// The variation icon's words: its variation and side.
    static func of(_ icon: MakingDataCount.VariationIcon) -> (variation: String, side: String?) {
        switch icon {
        case .commonCause: ("common_cause", nil)
        case .improvement(let side): ("special_cause_improvement", side.rawValue)
        case .concern(let side): ("special_cause_concern", side.rawValue)
        case .neutral(let side): ("special_cause_neutral", side.rawValue)
        }
    }
}

/// A measure with the summary of its observations and its latest signal.
struct MeasureSummaryJSON: Encodable, Sendable {
    let id: String, short_id: String, name: String, unit: String, better: String, target: Double?, kind: String
    let idea: String, idea_title: String, origin: String, department: String?, created_ms: UInt64
    let observations: Int, latest_date: String?, latest_value: Double?
    let signal: String?, signal_side: String?, assurance: String?

    init(_ record: MeasureRecord, analysis: MeasureAnalysis?, departments: Departments) {
        id = record.id.text
        short_id = record.id.short
        name = record.definition.name
        unit = record.definition.unit
        better = record.definition.better.rawValue
        target = record.definition.target
        kind = record.definition.kind.rawValue
        idea = record.idea.text
        idea_title = record.ideaTitle
        origin = record.id.origin.base32
        department = departments[record.id.origin]
        created_ms = record.hlc.millis
        observations = record.observations.count
        let latest = analysis?.observations.last
        latest_date = latest?.date.description
        latest_value = latest?.value
        let point = analysis?.latest
        signal = point.map { SignalWord.of($0.variation.rawValue) }
        signal_side = SignalWord.of(point?.side)
        assurance = analysis?.classification?.assuranceIcon.map { SignalWord.of($0.rawValue) }
    }

    /// The summary with the default analysis of its observations.
    init(_ record: MeasureRecord, departments: Departments) {
        self.init(record, analysis: try? MeasureAnalysis.of(record), departments: departments)
    }
}

extension MeasureAnalysis {
    /// The analysis of a held measure.
    static func of(_ record: MeasureRecord, options: Options = Options()) throws(OptionError) -> MeasureAnalysis {
        try MeasureAnalysis(
            observations: record.observations.map { Observation(date: $0.date, value: $0.value) },
            better: record.definition.better, target: record.definition.target, kind: record.definition.kind, options: options)
    }
}

/// `measure.chart`, and each series of `measure.compare`.
struct MeasureChartJSON: Encodable, Sendable {
    struct Point: Encodable, Sendable {
        let id: String, date: String, value: Double, note: String, author: String, created_ms: UInt64
        let moving_range: Double?, segment: Int?, variation: String?, rule: String?, side: String?, run_signals: [String]
    }

    struct Run: Encodable, Sendable {
        let rules: String, median: Double, useful_observations: Int, crossings: Int, runs: Int, longest_run: Int
        let runs_lower: Int?, runs_upper: Int?, shifts: [[Int]], trends: [[Int]], long_runs: [[Int]], too_few_runs: Bool, too_many_runs: Bool
        let longest_run_limit: Int?, crossings_limit: Int?, signal: Bool, too_few_points: Bool, minimum_points: Int
        /// What a reader of the run chart must see, beside the chart's own `warnings`.
        let warnings: [String]
    }

    struct XmR: Encodable, Sendable {
        struct Segment: Encodable, Sendable {
            let start: Int, count: Int, from_date: String, baseline_count: Int, mean: Double, mean_moving_range: Double
            let upper: Double, lower: Double, upper_two_sigma: Double, lower_two_sigma: Double, moving_range_upper: Double
            let trial: Bool
            /// The computed limits when `upper`/`lower` are capped/floored at the kind's bounds.
            let upper_computed: Double?, lower_computed: Double?
        }
        let segments: [Segment], variation_icon: String, icon_side: String?, assurance: String?
        /// What a reader of the XmR chart must see, beside the chart's own `warnings`.
        let warnings: [String]
    }

    let measure: MeasureSummaryJSON
    let split_date: String?
    let points: [Point]
    let run: Run?
    let xmr: XmR?
    let warnings: [String]

    init(_ record: MeasureRecord, analysis: MeasureAnalysis, rules: RunChart.Rules, splitDate: Day? = nil, extraWarnings: [String] = [], departments: Departments) {
        measure = MeasureSummaryJSON(record, analysis: analysis, departments: departments)
        split_date = splitDate?.description
        warnings = extraWarnings + analysis.warnings

        // The records in chart order, as the analysis sorted them.
        let observations = analysis.order.map { record.observations[$0] }
        var runSignals = [[String]](repeating: [], count: observations.count)
        if let chart = analysis.run {
            for shift in chart.shifts { for i in shift.range { runSignals[i].append("shift") } }
            for trend in chart.trends { for i in trend.range where !runSignals[i].contains("trend") { runSignals[i].append("trend") } }
            for run in chart.anhoej?.longRuns ?? [] { for i in run.range { runSignals[i].append("long_run") } }
            run = Run(
                rules: rules.rawValue, median: chart.median, useful_observations: chart.usefulObservations, crossings: chart.crossings,
                runs: chart.runs, longest_run: chart.longestRun, runs_lower: chart.runsLimits?.lower, runs_upper: chart.runsLimits?.upper,
                shifts: chart.shifts.map { [$0.range.lowerBound, $0.range.upperBound] },
                trends: chart.trends.map { [$0.range.lowerBound, $0.range.upperBound] },
                long_runs: (chart.anhoej?.longRuns ?? []).map { [$0.range.lowerBound, $0.range.upperBound] },
                too_few_runs: chart.tooFewRuns, too_many_runs: chart.tooManyRuns,
                longest_run_limit: chart.anhoej?.longestRunLimit, crossings_limit: chart.anhoej?.crossingsLimit,
                signal: chart.hasSignal, too_few_points: chart.tooFewPoints, minimum_points: RunChart.minimumPoints,
                warnings: analysis.runWarnings)
        } else {
            run = nil
        }
        if let chart = analysis.xmr, let classes = analysis.classification {
            let icon = SignalWord.of(classes.variationIcon)
            xmr = XmR(
                segments: chart.segments.map { segment in
                    // Drawn within the kind's bounds (MeasureAnalysis.bounded); the warnings say so.
                    let computed = segment.limits, limits = analysis.bounded(computed)
                    return XmR.Segment(
                        start: segment.range.lowerBound, count: segment.range.count,
                        from_date: observations[segment.range.lowerBound].date.description, baseline_count: segment.baselineCount,
                        mean: limits.mean, mean_moving_range: limits.meanMovingRange, upper: limits.upper,
                        lower: limits.lower, upper_two_sigma: limits.upperTwoSigma,
                        lower_two_sigma: limits.lowerTwoSigma, moving_range_upper: limits.movingRangeUpper,
                        trial: segment.isTrial,
                        upper_computed: limits.upper == computed.upper ? nil : computed.upper,
                        lower_computed: limits.lower == computed.lower ? nil : computed.lower)
                },
                variation_icon: icon.variation, icon_side: icon.side,
                assurance: classes.assuranceIcon.map { SignalWord.of($0.rawValue) },
                warnings: analysis.xmrWarnings)
        } else {
            xmr = nil
        }
        points = observations.enumerated().map { i, o in
            let segment = analysis.xmr.map { chart in chart.segments.lastIndex { $0.range.lowerBound <= i } ?? 0 }
            let point = analysis.classification?.points[i]
            return Point(
                id: o.id.text, date: o.date.description, value: o.value, note: o.note, author: o.author, created_ms: o.hlc.millis,
                moving_range: analysis.xmr?.movingRanges[i], segment: segment,
                variation: point.map { SignalWord.of($0.variation.rawValue) }, rule: point?.rule.map { SignalWord.of($0.rawValue) },
                side: SignalWord.of(point?.side), run_signals: runSignals[i])
        }
    }
}

/// `measure.compare`.
struct MeasureComparisonJSON: Encodable, Sendable {
    let idea: String, idea_title: String, name: String
    let series: [MeasureChartJSON]
}

/// `idea.spread`: one idea of the adoption tree.
final class SpreadNodeJSON: Encodable, Sendable {
    let id: String, short_id: String, title: String, status: String, origin: String, department: String?, created_ms: UInt64
    let cycles: Int, latest_phase: String?, latest_decision: String?
    let measures: [MeasureSummaryJSON]
    let adoptions: [SpreadNodeJSON]

    init(
        _ view: IdeaView, cycles: [PDSACycle], measures: [MeasureSummaryJSON], adoptions: [SpreadNodeJSON], departments: Departments
    ) {
        id = view.id.text
        short_id = view.id.short
        title = view.content.title
        status = view.status.rawValue
        origin = view.id.origin.base32
        department = departments[view.id.origin]
        created_ms = view.hlc.millis
        self.cycles = cycles.count
        latest_phase = cycles.last?.phase
        latest_decision = cycles.last?.decision?.rawValue
        self.measures = measures
        self.adoptions = adoptions
    }
}

struct SpreadJSON: Encodable, Sendable {
    let root: SpreadNodeJSON
}

struct MeasureListJSON: Encodable, Sendable {
    let measures: [MeasureSummaryJSON]
}
