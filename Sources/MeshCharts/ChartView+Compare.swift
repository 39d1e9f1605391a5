import Foundation
import MeshClient
import MeshControl

/// One department's panel of `ideamesh measure chart --compare`.
extension ChartView {
    /// One department's panel, every line at most `width` columns.
    package static func panel(_ chart: MeasureChart, kind: ChartKind, width: Int, height: Int, style: TextStyle) -> [String] {
        let reading = Reading(chart, kind: kind)
        var out = [style.bold(TextWidth.truncate(TextWidth.singleLine(IdeaIDs.departmentName(chart.measure.department, node: chart.measure.origin)), to: width))]
        guard !reading.values.isEmpty else {
            return out + TextWrap.lines("No observations yet.", width: width)
        }
        if let parts = reading.beforeAndAfter {
            let before = parts.before.map { "before: mean \(number($0.mean)) (\(count($0.count, "point")))" }
                ?? "no points before \(reading.splitDate ?? "the split")"
            let after = parts.after.map { "after: mean \(number($0.mean)) (\(count($0.count, "point")))" }
                ?? "none after \(reading.splitDate ?? "the split") yet"
            out += TextWrap.lines(before, width: width) + TextWrap.lines(after, width: width)
        }
        out += plot(reading, width: width, height: height, style: style)
        if kind == .xmr, let xmr = chart.xmr {
            out += TextWrap.lines("Variation: " + variationWords(xmr.variationIcon, side: xmr.iconSide), width: width)
            if let assurance = xmr.assurance { out += TextWrap.lines("Assurance: " + assuranceWords(assurance, target: chart.measure.target), width: width) }
        } else if kind == .run, let run = chart.run {
            out += TextWrap.lines(runVerdict(run, points: reading.values.count), width: width)
        }
        for warning in chart.warnings(run: kind == .run) {
            out += TextWrap.lines("! " + TextWidth.singleLine(warning), width: width).map(style.dim)
        }
        return out
    }
}
