import Foundation
import MeshClient
import MeshControl

/// `ideamesh measure chart M` and `measure chart M --compare` for people: the chart drawn in the
/// terminal with Unicode, then what it says in words (icons, summary, warnings, signals).
///
/// A point's mark says what it is even without colour: `●` common cause, `▲` special cause —
/// improvement, `▼` special cause — concern, `◆` special cause of no known direction. With
/// colour they are also cyan, yellow and magenta (blue, orange and purple in Making Data Count).
package enum ChartView {
    /// One measure's chart.
    /// - Parameter height: rows of the plot area (at least 3).
    package static func render(_ chart: MeasureChart, kind: ChartKind, context: RenderContext, height: Int = 12) -> String {
        let style = context.style
        let width = context.width
        let reading = Reading(chart, kind: kind)
        var out: [String] = []
        out += header(chart.measure, width: width, style: style)
        let idea = "Idea: " + TextWidth.singleLine(chart.measure.ideaTitle ?? IdeaIDs.short(chart.measure.idea))
            + " — " + IdeaIDs.department(chart.measure.department, node: chart.measure.origin)
        out += TextWrap.lines(idea, width: width)
        out += TextWrap.lines(describe(reading, kind: kind, chart: chart), width: width).map(style.dim)
        out.append("")

        guard !reading.values.isEmpty else {
            out += TextWrap.lines(
                "No observations yet: record some with `ideamesh measure record \(chart.measure.shortId) VALUE`.", width: width)
            out += warnings(chart.warnings(run: kind == .run), width: width, style: style)
            return finish(out, width: width)
        }

        out += plot(reading, width: width, height: height, style: style)
        out += legend(reading, width: width, style: style)
        if reading.values.count == 1, !chart.warnings.contains(where: { $0.contains("at least 2") }) {
            out.append("")
            out += TextWrap.lines("One observation: a chart needs at least 2.", width: width)
        }
        if kind == .xmr, let xmr = chart.xmr {
            out.append("")
            out += TextWrap.lines("Variation: " + variationWords(xmr.variationIcon, side: xmr.iconSide), width: width)
            out += TextWrap.lines("Assurance: " + assuranceWords(xmr.assurance, target: chart.measure.target), width: width)
        }
        out.append("")
        out.append(context.heading("Summary"))
        out += summary(chart, reading: reading, kind: kind).flatMap { TextWrap.lines($0, width: width, indent: "  ") }
        out += warnings(chart.warnings(run: kind == .run), width: width, style: style)
        out += signals(chart, reading: reading, kind: kind, width: width, style: style)
        return finish(out, width: width)
    }

    /// The same measure in every department that runs the idea, each panel split where the
    /// department adopted it: side by side when the width allows (two or three panels across
    /// from 120 columns), else one under another.
    package static func compare(_ comparison: MeasureComparison, kind: ChartKind, context: RenderContext, height: Int = 10) -> String {
        let style = context.style
        let width = context.width
        var out: [String] = []
        var title = TextWidth.singleLine(comparison.name)
        if let unit = comparison.series.first?.measure.unit, !unit.isEmpty { title += " (\(TextWidth.singleLine(unit)))" }
        out += TextWrap.lines(title + " in \(count(comparison.series.count, "department"))", width: width).map(style.bold)
        if let first = comparison.series.first { out += TextWrap.lines(betterAndTarget(first.measure), width: width) }
        out += TextWrap.lines("Idea: " + TextWidth.singleLine(comparison.ideaTitle ?? IdeaIDs.short(comparison.idea)), width: width)
        let chartName = kind == .xmr ? "XmR charts" : "Run charts"
        out += TextWrap.lines("\(chartName), each split where the department adopted the idea (before | after).", width: width).map(style.dim)

        guard !comparison.series.isEmpty else {
            out.append("")
            out += TextWrap.lines("No department has this measure yet.", width: width)
            return finish(out, width: width)
        }

        let gap = 3
        let minimumPanel = 38
        let across = width >= 120 ? max(1, min(3, comparison.series.count, (width + gap) / (minimumPanel + gap))) : 1
        let panelWidth = across == 1 ? width : (width - gap * (across - 1)) / across
        let panels = comparison.series.map { panel($0, kind: kind, width: panelWidth, height: height, style: style) }
        var index = 0
        while index < panels.count {
            let row = Array(panels[index..<min(index + across, panels.count)])
            out.append("")
            let tallest = row.map(\.count).max() ?? 0
            for line in 0..<tallest {
                var text = ""
                for (column, panel) in row.enumerated() {
                    let cell = line < panel.count ? panel[line] : ""
                    if column < row.count - 1 {
                        text += cell + String(repeating: " ", count: max(0, panelWidth - visibleWidth(cell)) + gap)
                    } else {
                        text += cell
                    }
                }
                out.append(trimmedRight(text))
            }
            index += across
        }
        let all = comparison.series.map { Reading($0, kind: kind) }
        out.append("")
        out += legendLines(all, width: width, style: style)
        return finish(out, width: width)
    }
}
