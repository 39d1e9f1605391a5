import MeshControl
import MeshCRDT
import MeshModel
import MeshStore

extension MeshControl.MeasureChart {
    /// `measure.chart`, and each series of `measure.compare` (CONTROL.md §5.5).
    init(
        _ record: MeasureRecord, analysis: MeasureAnalysis, rules: RunChart.Rules, splitDate: Day? = nil, extraWarnings: [String] = [],
        departments: Departments, names: DisplayNames
    ) {
        // The records in chart order, as the analysis sorted them.
        let observations = analysis.order.map { record.observations[$0] }
        var runSignals = [[String]](repeating: [], count: observations.count)
        var run: RunSummary?
        if let chart = analysis.run {
            for shift in chart.shifts { for i in shift.range { runSignals[i].append("shift") } }
            for trend in chart.trends { for i in trend.range where !runSignals[i].contains("trend") { runSignals[i].append("trend") } }
            for run in chart.anhoej?.longRuns ?? [] { for i in run.range { runSignals[i].append("long_run") } }
            run = RunSummary(
                rules: rules.rawValue, median: chart.median, usefulObservations: chart.usefulObservations, crossings: chart.crossings,
                runs: chart.runs, longestRun: chart.longestRun, runsLower: chart.runsLimits?.lower, runsUpper: chart.runsLimits?.upper,
                shifts: chart.shifts.map { [$0.range.lowerBound, $0.range.upperBound] },
                trends: chart.trends.map { [$0.range.lowerBound, $0.range.upperBound] },
                longRuns: (chart.anhoej?.longRuns ?? []).map { [$0.range.lowerBound, $0.range.upperBound] },
                tooFewRuns: chart.tooFewRuns, tooManyRuns: chart.tooManyRuns,
                longestRunLimit: chart.anhoej?.longestRunLimit, crossingsLimit: chart.anhoej?.crossingsLimit,
                signal: chart.hasSignal, tooFewPoints: chart.tooFewPoints, minimumPoints: RunChart.minimumPoints,
                warnings: analysis.runWarnings)
        }
        var xmr: XmRSummary?
        if let chart = analysis.xmr, let classes = analysis.classification {
            let icon = SignalWord.of(classes.variationIcon)
            xmr = XmRSummary(
                segments: chart.segments.map { segment in
                    // Drawn within the kind's bounds (MeasureAnalysis.bounded); the warnings say so.
                    let computed = segment.limits, limits = analysis.bounded(computed)
                    return XmRSummary.Segment(
                        start: segment.range.lowerBound, count: segment.range.count,
                        fromDate: observations[segment.range.lowerBound].date.description, baselineCount: segment.baselineCount,
                        mean: limits.mean, meanMovingRange: limits.meanMovingRange, upper: limits.upper,
                        lower: limits.lower, upperTwoSigma: limits.upperTwoSigma,
                        lowerTwoSigma: limits.lowerTwoSigma, movingRangeUpper: limits.movingRangeUpper,
                        trial: segment.isTrial,
                        upperComputed: limits.upper == computed.upper ? nil : computed.upper,
                        lowerComputed: limits.lower == computed.lower ? nil : computed.lower)
                },
                variationIcon: icon.variation, iconSide: icon.side,
                assurance: classes.assuranceIcon.map { SignalWord.of($0.rawValue) },
                warnings: analysis.xmrWarnings)
        }
        let points = observations.enumerated().map { i, o in
            let segment = analysis.xmr.map { chart in chart.segments.lastIndex { $0.range.lowerBound <= i } ?? 0 }
            let point = analysis.classification?.points[i]
            return Point(
                id: o.id.text, date: o.date.description, value: o.value, note: o.note, author: o.author,
                authorName: names.name(origin: o.id.origin, login: o.author), createdMs: Int(o.hlc.millis),
                movingRange: analysis.xmr?.movingRanges[i], segment: segment,
                variation: point.map { SignalWord.of($0.variation.rawValue) }, rule: point?.rule.map { SignalWord.of($0.rawValue) },
                side: SignalWord.of(point?.side), runSignals: runSignals[i])
        }
        self.init(
            measure: MeasureSummary(record, analysis: analysis, departments: departments), splitDate: splitDate?.description,
            points: points, run: run, xmr: xmr, warnings: extraWarnings + analysis.warnings)
    }
}
