import Foundation
import MeshClient
import MeshControl

/// `ideamesh measure chart M --svg FILE`: a standalone SVG 1.1 document a person can put in a
/// report, coloured as NHS "Making Data Count" charts are: common cause grey, improvement blue,
/// concern orange, no direction purple; the centre line solid, the limits dashed, the target red
/// and dotted, and the variation and assurance icons as labelled circles at the top right.
///
/// Pure and deterministic: the same reply gives the same bytes (fixed number formats, no clock).
/// Every text from the reply is XML-escaped.
package enum ChartSVG {
    /// One measure's chart.
    package static func render(_ chart: MeasureChart, kind: ChartKind) -> String {
        let reading = ChartView.Reading(chart, kind: kind)
        let width = 900.0
        let notes = notes(chart, kind: kind)
        var body: [String] = []
        let measure = chart.measure
        // The heading wraps beside the icons (at most three lines each), so nothing is cut short.
        var y = 34.0
        for (content, size, weight, color) in [
            (title(measure), 20.0, "bold" as String?, nil as String?),
            ("Idea: " + (measure.ideaTitle ?? IdeaIDs.short(measure.idea)) + " — " + IdeaIDs.department(measure.department, node: measure.origin),
             13, nil, nil),
            (subtitle(chart, reading: reading, kind: kind), 12, nil, Palette.label),
        ] {
            let lines = wrapped(24, y, content, size: size, weight: weight, color: color, room: width - 260, maxLines: 3)
            body += lines.elements
            y += Double(lines.count) * (size + 5) + 3
        }
        body += icons(chart, kind: kind, right: width - 24, top: 24, radius: 22)
        let frame = Frame(x: 84, y: max(130, y + 27), width: width - 84 - 84, height: 300)
        body += plot(chart, reading: reading, kind: kind, frame: frame)
        y = frame.y + frame.height + 90
        let legend = legend([reading], x: 24, y: y, width: width - 48)
        body += legend.elements
        y += 18 * Double(legend.rows) + 6
        for note in notes {
            let lines = wrapped(24, y, note, size: 11, color: Palette.label, room: width - 48)
            body += lines.elements
            y += 16 * Double(lines.count)
        }
        return document(width: width, height: y + 8, title: title(measure), body: body)
    }

    /// The same measure in every department, panels side by side (three across), each split
    /// where the department adopted the idea. The document is never narrower than a single chart
    /// (900 px): one department gets one wide panel. Headings wrap instead of being cut, and every
    /// panel's notes are shown, wrapped; a row is as tall as its tallest panel.
    package static func compare(_ comparison: MeasureComparison, kind: ChartKind) -> String {
        let count = comparison.series.count
        let across = max(1, min(3, count))
        let gap = 24.0, minimumWidth = 900.0
        let panelWidth = max(440, ((minimumWidth - 24) / Double(across)).rounded(.down) - gap)
        let width = 24 + Double(across) * (panelWidth + gap)
        var heading = comparison.name
        if let unit = comparison.series.first?.measure.unit, !unit.isEmpty { heading += " (\(unit))" }
        var body: [String] = []
        var facts = [kind == .xmr ? "XmR charts" : "Run charts", "each split where the department adopted the idea"]
        if let first = comparison.series.first { facts.insert(betterAndTarget(first.measure), at: 0) }
        var y = 34.0
        for (content, size, weight, color) in [
            (heading + " in \(count) department\(count == 1 ? "" : "s")", 20.0, "bold" as String?, nil as String?),
            ("Idea: " + (comparison.ideaTitle ?? IdeaIDs.short(comparison.idea)), 13, nil, nil),
            (facts.joined(separator: " · "), 12, nil, Palette.label),
        ] {
            let lines = wrapped(24, y, content, size: size, weight: weight, color: color, room: width - 48, maxLines: 3)
            body += lines.elements
            y += Double(lines.count) * (size + 5) + 3
        }
        let top = max(100, y + 12)
        if comparison.series.isEmpty {
            body.append(text(24, top + 20, "No department has this measure yet.", size: 14, room: width - 48))
        }
        var rowTop = top
        for row in stride(from: 0, to: count, by: across) {
            let members = Array(comparison.series[row..<min(count, row + across)])
            let height = members.map { panelHeight($0, kind: kind, width: panelWidth) }.max() ?? 0
            for (column, series) in members.enumerated() {
                let x = 24 + Double(column) * (panelWidth + gap)
                body += panel(series, kind: kind, x: x, y: rowTop, width: panelWidth, height: height)
            }
            rowTop += height + gap
        }
        let legendY = (count == 0 ? top + 40 : rowTop) + 16
        let readings = comparison.series.map { ChartView.Reading($0, kind: kind) }
        let legend = legend(readings, x: 24, y: legendY, width: width - 48)
        body += legend.elements
        return document(width: width, height: legendY + 18 * Double(legend.rows), title: heading, body: body)
    }

    /// The distance between two icons' centres.
    private static let iconSpacing = 88.0

    /// A panel's plot takes this much; its notes add a line each (wrapped).
    private static let panelPlotHeight = 362.0
    private static let panelNoteSize = 9.0

    private static func panelNotes(_ chart: MeasureChart, kind: ChartKind) -> [String] {
        chart.warnings(run: kind == .run).map { "Note: " + $0 }
    }

    /// The height a panel needs for its plot and every note.
    private static func panelHeight(_ chart: MeasureChart, kind: ChartKind, width: Double) -> Double {
        let lines = panelNotes(chart, kind: kind).reduce(0) { $0 + wrapLines($1, size: panelNoteSize, room: width - 24).count }
        return panelPlotHeight + Double(lines) * (panelNoteSize + 3) + 4
    }

    // MARK: Pieces

    package enum Palette {
        package static let common = "#7B7D7D"
        package static let improvement = "#289DE0"
        package static let concern = "#ED8B00"
        package static let neutral = "#5B3F92"
        package static let text = "#231F20"
        package static let label = "#595959"
        package static let grid = "#E8E8E8"
        package static let target = "#DE1B1B"
        package static let centre = "#231F20"
        package static let limits = "#7B7D7D"
        package static let rebase = "#A6A6A6"

        package static func of(_ signal: ChartView.Signal) -> String {
            switch signal {
            case .common: common
            case .improvement: improvement
            case .concern: concern
            case .neutral: neutral
            }
        }
    }

    package struct Frame {
        package var x: Double
        package var y: Double
        package var width: Double
        package var height: Double
        package var right: Double { x + width }
        package var bottom: Double { y + height }
    }

    private static func document(width: Double, height: Double, title: String, body: [String]) -> String {
        var out = """
            <?xml version="1.0" encoding="UTF-8" standalone="no"?>
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(n(width))" height="\(n(height))" \
            viewBox="0 0 \(n(width)) \(n(height))" font-family="Arial, Helvetica, sans-serif" fill="\(Palette.text)">

            """
        out += "<title>\(xml(title))</title>\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"#FFFFFF\"/>\n"
        out += body.map { $0 + "\n" }.joined()
        return out + "</svg>\n"
    }

    private static func title(_ measure: MeasureSummary) -> String {
        measure.unit.isEmpty ? measure.name : "\(measure.name) (\(measure.unit))"
    }

    private static func betterAndTarget(_ measure: MeasureSummary) -> String {
        let better = measure.better == "lower" || measure.better == "higher" ? "\(measure.better) is better" : "no direction of improvement"
        return better + " · " + (measure.target.map { "target \(ChartView.number($0))" } ?? "no target")
    }

    private static func subtitle(_ chart: MeasureChart, reading: ChartView.Reading, kind: ChartKind) -> String {
        var parts = [betterAndTarget(chart.measure), kind == .xmr ? "XmR chart" : "Run chart"]
        parts.append("\(reading.values.count) point\(reading.values.count == 1 ? "" : "s")")
        if kind == .run, let run = chart.run { parts.append(run.rules == "anhoej" ? "Anhøj rules" : "IHI rules") }
        if let latest = reading.values.last, let date = reading.dates.last { parts.append("latest \(ChartView.number(latest)) on \(date)") }
        return parts.joined(separator: " · ")
    }

    /// The warnings and, for a run chart, what its rules found.
    private static func notes(_ chart: MeasureChart, kind: ChartKind) -> [String] {
        var notes = chart.warnings(run: kind == .run).map { "Note: \($0)" }
        if chart.points.isEmpty { notes.append("No observations yet.") } else if chart.points.count == 1 { notes.append("A chart needs at least 2 observations.") }
        return notes
    }

    /// The variation icon (from the XmR chart) and the assurance icon, right-aligned at `right`.
    private static func icons(_ chart: MeasureChart, kind: ChartKind, right: Double, top: Double, radius: Double) -> [String] {
        var icons: [(letter: String, color: String, caption: String, title: String)] = []
        if kind == .xmr, let xmr = chart.xmr {
            let side = xmr.iconSide == "above" ? "H" : xmr.iconSide == "below" ? "L" : ""
            let signal = ChartView.Signal(variation: xmr.variationIcon)
            let level = xmr.iconSide.map { $0 == "above" ? " (high)" : " (low)" } ?? ""
            icons.append((signal == .common ? "~" : side.isEmpty ? "!" : side, Palette.of(signal),
                          signal == .common ? "Common cause" : signal.words.capitalized + level,
                          "Variation: " + ChartView.variationWords(xmr.variationIcon, side: xmr.iconSide)))
            if let assurance = xmr.assurance {
                let (letter, color, caption): (String, String, String) =
                    switch assurance {
                    case "consistently_pass": ("P", Palette.improvement, "Pass")
                    case "consistently_fail": ("F", Palette.concern, "Fail")
                    default: ("?", Palette.common, "Hit and miss")
                    }
                icons.append((letter, color, caption, "Assurance: " + ChartView.assuranceWords(assurance, target: chart.measure.target)))
            }
        } else if kind == .run, let run = chart.run, run.tooFewPoints {
            icons.append(("–", Palette.common, "Too few points", "Run chart: " + ChartView.runVerdict(run, points: chart.points.count)))
        } else if kind == .run, let run = chart.run {
            icons.append(run.signal ? ("!", Palette.text, "Non-random", "Run chart: non-random variation")
                                    : ("~", Palette.common, "Random", "Run chart: no sign of non-random variation"))
        }
        var out: [String] = []
        // Wide enough for the longest captions ("Improvement (high)") side by side.
        let spacing = max(radius * 4, Self.iconSpacing)
        for (i, icon) in icons.reversed().enumerated() {
            let cx = right - radius - 18 - Double(i) * spacing
            let cy = top + radius
            out.append("<g class=\"icon\"><title>\(xml(icon.title))</title>"
                + "<circle cx=\"\(n(cx))\" cy=\"\(n(cy))\" r=\"\(n(radius))\" fill=\"#FFFFFF\" stroke=\"\(icon.color)\" stroke-width=\"\(n(radius / 7))\"/>"
                + "<text x=\"\(n(cx))\" y=\"\(n(cy + radius * 0.36))\" font-size=\"\(n(radius))\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"\(icon.color)\">\(xml(icon.letter))</text>"
                + "<text x=\"\(n(cx))\" y=\"\(n(cy + radius + 13))\" font-size=\"\(n(max(9, radius * 0.45)))\" text-anchor=\"middle\" fill=\"\(Palette.label)\">\(xml(icon.caption))</text></g>")
        }
        return out
    }

    /// One department's panel for `compare`.
    private static func panel(_ chart: MeasureChart, kind: ChartKind, x: Double, y: Double, width: Double, height: Double) -> [String] {
        let reading = ChartView.Reading(chart, kind: kind)
        var out = ["<g class=\"panel\">",
                   "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"none\" stroke=\"\(Palette.grid)\"/>"]
        // The name wraps (two lines at most) clear of the icons and their captions at the right; the
        // before/after means go below them, across the panel.
        let icons = icons(chart, kind: kind, right: x + width - 4, top: y + 8, radius: 13)
        let iconRoom = 22 + Self.iconSpacing * Double(icons.count)
        out += wrapped(
            x + 12, y + 22, IdeaIDs.departmentName(chart.measure.department, node: chart.measure.origin), size: 15, weight: "bold",
            room: width - 12 - iconRoom, maxLines: 2).elements
        if let parts = reading.beforeAndAfter {
            let before = parts.before.map { "before: mean \(ChartView.number($0.mean)) (\($0.count))" } ?? "no points before"
            let after = parts.after.map { "after: mean \(ChartView.number($0.mean)) (\($0.count))" } ?? "none after yet"
            out.append(text(x + 12, y + 62, "\(before) | \(after)", size: 11, color: Palette.label, room: width - 24))
        }
        out += icons
        let frame = Frame(x: x + 56, y: y + 90, width: width - 56 - 60, height: panelPlotHeight - 90 - 76)
        out += plot(chart, reading: reading, kind: kind, frame: frame)
        var noteY = y + panelPlotHeight - 4
        for note in panelNotes(chart, kind: kind) {
            let lines = wrapped(x + 12, noteY, note, size: panelNoteSize, color: Palette.label, room: width - 24)
            out += lines.elements
            noteY += Double(lines.count) * (panelNoteSize + 3)
        }
        out.append("</g>")
        return out
    }

    /// Axes, lines and points inside `frame`; dates below it.
    private static func plot(_ chart: MeasureChart, reading: ChartView.Reading, kind: ChartKind, frame: Frame) -> [String] {
        var out: [String] = []
        let count = reading.values.count
        guard count > 0 else {
            out.append("<rect x=\"\(n(frame.x))\" y=\"\(n(frame.y))\" width=\"\(n(frame.width))\" height=\"\(n(frame.height))\" fill=\"none\" stroke=\"\(Palette.grid)\"/>")
            out.append("<text x=\"\(n(frame.x + frame.width / 2))\" y=\"\(n(frame.y + frame.height / 2))\" font-size=\"14\" text-anchor=\"middle\" fill=\"\(Palette.label)\">No observations yet</text>")
            return out
        }
        var covered = reading.values
        for lines in reading.lines { covered += [lines.centre, lines.upper, lines.lower].compactMap { $0 } }
        if let target = reading.target { covered.append(target) }
        let scale = ChartView.Scale(covering: covered, ticks: 6)
        func y(_ value: Double) -> Double { frame.bottom - scale.fraction(value) * frame.height }
        let step = frame.width / Double(count)
        func x(_ index: Double) -> Double { frame.x + (index + 0.5) * step }

        // Grid and value axis.
        out.append("<g class=\"axis\" font-size=\"11\" fill=\"\(Palette.label)\">")
        for tick in scale.ticks {
            let ty = y(tick)
            out.append("<line x1=\"\(n(frame.x))\" y1=\"\(n(ty))\" x2=\"\(n(frame.right))\" y2=\"\(n(ty))\" stroke=\"\(Palette.grid)\" stroke-width=\"1\"/>"
                + "<line x1=\"\(n(frame.x - 5))\" y1=\"\(n(ty))\" x2=\"\(n(frame.x))\" y2=\"\(n(ty))\" stroke=\"\(Palette.label)\" stroke-width=\"1\"/>"
                + "<text x=\"\(n(frame.x - 8))\" y=\"\(n(ty + 4))\" text-anchor=\"end\">\(xml(scale.label(tick)))</text>")
        }
        out.append("<line x1=\"\(n(frame.x))\" y1=\"\(n(frame.y))\" x2=\"\(n(frame.x))\" y2=\"\(n(frame.bottom))\" stroke=\"\(Palette.label)\" stroke-width=\"1\"/>")
        out.append("<line x1=\"\(n(frame.x))\" y1=\"\(n(frame.bottom))\" x2=\"\(n(frame.right))\" y2=\"\(n(frame.bottom))\" stroke=\"\(Palette.label)\" stroke-width=\"1\"/>")
        // Dates: about one per 18 px, the last always (a label closer to it than that gives way).
        let every = max(1, Int((18 / step).rounded(.up)))
        var labelled = Array(stride(from: 0, to: count, by: every))
        if let last = labelled.last, last != count - 1 {
            if count - 1 - last < every, labelled.count > 1 { labelled.removeLast() }
            labelled.append(count - 1)
        }
        for i in labelled {
            let tx = x(Double(i)), ty = frame.bottom + 12
            out.append("<line x1=\"\(n(tx))\" y1=\"\(n(frame.bottom))\" x2=\"\(n(tx))\" y2=\"\(n(frame.bottom + 4))\" stroke=\"\(Palette.label)\" stroke-width=\"1\"/>"
                + "<text x=\"\(n(tx))\" y=\"\(n(ty))\" text-anchor=\"end\" transform=\"rotate(-45 \(n(tx)) \(n(ty)))\">\(xml(reading.dates[i]))</text>")
        }
        out.append("</g>")

        // Dividers: where limits were recalculated, and the split.
        for divider in reading.dividers {
            let dx = x(Double(divider.index) - 0.5)
            switch divider.kind {
            case .rebase:
                out.append("<line class=\"rebase\" x1=\"\(n(dx))\" y1=\"\(n(frame.y))\" x2=\"\(n(dx))\" y2=\"\(n(frame.bottom))\" stroke=\"\(Palette.rebase)\" stroke-width=\"1.5\" stroke-dasharray=\"3 3\"/>"
                    + "<text x=\"\(n(dx + 4))\" y=\"\(n(frame.y + 11))\" font-size=\"10\" fill=\"\(Palette.label)\">limits recalculated \(xml(divider.date))</text>")
            case .split:
                out.append("<line class=\"split\" x1=\"\(n(dx))\" y1=\"\(n(frame.y - 14))\" x2=\"\(n(dx))\" y2=\"\(n(frame.bottom))\" stroke=\"\(Palette.text)\" stroke-width=\"1.5\"/>"
                    + "<text x=\"\(n(dx - 5))\" y=\"\(n(frame.y - 4))\" font-size=\"11\" text-anchor=\"end\" fill=\"\(Palette.text)\">before</text>"
                    + "<text x=\"\(n(dx + 5))\" y=\"\(n(frame.y - 4))\" font-size=\"11\" fill=\"\(Palette.text)\">after \(xml(divider.date))</text>")
            }
        }

        // Target, limits and centre lines, one stretch per run of equal lines.
        if let target = reading.target {
            let ty = y(target)
            out.append("<line class=\"target\" x1=\"\(n(frame.x))\" y1=\"\(n(ty))\" x2=\"\(n(frame.right))\" y2=\"\(n(ty))\" stroke=\"\(Palette.target)\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/>"
                + "<text x=\"\(n(frame.x + 4))\" y=\"\(n(ty - 4))\" font-size=\"10\" fill=\"\(Palette.target)\">target \(xml(ChartView.number(target)))</text>")
        }
        var labels: [(text: String, y: Double)] = []
        var start = 0
        while start < count {
            var end = start
            while end + 1 < count, reading.lines[end + 1] == reading.lines[start], !reading.dividers.contains(where: { $0.index == end + 1 }) { end += 1 }
            let lines = reading.lines[start]
            let x1 = x(Double(start) - 0.5), x2 = x(Double(end) + 0.5)
            let isLast = end == count - 1
            if let centre = lines.centre {
                out.append("<line class=\"centre\" x1=\"\(n(x1))\" y1=\"\(n(y(centre)))\" x2=\"\(n(x2))\" y2=\"\(n(y(centre)))\" stroke=\"\(Palette.centre)\" stroke-width=\"1.5\"/>")
                if isLast { labels.append(("\(reading.centreName) \(ChartView.number(centre))", y(centre))) }
            }
            for (value, name) in [(lines.upper, "upper"), (lines.lower, "lower")] {
                guard let value else { continue }
                out.append("<line class=\"limit\" x1=\"\(n(x1))\" y1=\"\(n(y(value)))\" x2=\"\(n(x2))\" y2=\"\(n(y(value)))\" stroke=\"\(Palette.limits)\" stroke-width=\"1.2\" stroke-dasharray=\"6 4\"/>")
                if isLast { labels.append(("\(name) \(ChartView.number(value))", y(value))) }
            }
            start = end + 1
        }
        // The latest lines named in the right margin, the centre first; a label that would
        // overlap one already placed is left out.
        var placed: [Double] = []
        for label in labels where !placed.contains(where: { abs($0 - label.y) < 11 }) {
            placed.append(label.y)
            out.append("<text x=\"\(n(frame.right + 4))\" y=\"\(n(label.y + 3))\" font-size=\"10\" fill=\"\(Palette.label)\">\(xml(label.text))</text>")
        }

        // The data: a line through the points, then the points coloured by their signal.
        if count > 1 {
            let coordinates = (0..<count).map { "\(n(x(Double($0)))),\(n(y(reading.values[$0])))" }.joined(separator: " ")
            out.append("<polyline class=\"data\" points=\"\(coordinates)\" fill=\"none\" stroke=\"\(Palette.common)\" stroke-width=\"1.5\"/>")
        }
        let radius = max(2.5, min(5, step / 3))
        for i in 0..<count {
            let signal = reading.signals[i]
            var tip = "\(reading.dates[i]): \(ChartView.number(reading.values[i]))"
            if signal != .common {
                let point = chart.points[i]
                tip += " — \(signal.words)" + (kind == .xmr ? ": " + ChartView.ruleWords(point.rule, side: point.side) : "")
            }
            out.append("<circle class=\"point\" cx=\"\(n(x(Double(i))))\" cy=\"\(n(y(reading.values[i])))\" r=\"\(n(radius))\" fill=\"\(Palette.of(signal))\" stroke=\"#FFFFFF\" stroke-width=\"1\"><title>\(xml(tip))</title></circle>")
        }
        if count == 1 {
            out.append("<text x=\"\(n(frame.x + frame.width / 2))\" y=\"\(n(frame.y + 16))\" font-size=\"12\" text-anchor=\"middle\" fill=\"\(Palette.label)\">A chart needs at least 2 observations</text>")
        }
        return out
    }

    /// A row of samples with their meaning, wrapped to `width`; `rows` says how many lines it took.
    private static func legend(_ readings: [ChartView.Reading], x: Double, y: Double, width: Double) -> (elements: [String], rows: Int) {
        enum Sample { case point(String), line(String, String?, Double) }
        var items: [(Sample, String)] = []
        let signals = Set(readings.flatMap(\.signals).map(\.words))
        for signal in [ChartView.Signal.common, .improvement, .concern, .neutral] where signal != .neutral || signals.contains(signal.words) {
            items.append((.point(Palette.of(signal)), signal == .common ? "Common cause" : "Special cause — \(signal.words)"))
        }
        items.append((.line(Palette.centre, nil, 1.5), readings.first?.centreName == "median" ? "Median" : "Mean"))
        if readings.contains(where: \.hasLimits) { items.append((.line(Palette.limits, "6 4", 1.2), "Process limits")) }
        if readings.contains(where: { $0.target != nil }) { items.append((.line(Palette.target, "2 3", 1.5), "Target")) }
        let dividers = readings.flatMap(\.dividers)
        if dividers.contains(where: { $0.kind == .rebase }) { items.append((.line(Palette.rebase, "3 3", 1.5), "Limits recalculated")) }
        if dividers.contains(where: { $0.kind == .split }) { items.append((.line(Palette.text, nil, 1.5), "Adopted: before | after")) }

        var out = ["<g class=\"legend\" font-size=\"11\" fill=\"\(Palette.text)\">"]
        var cx = x, cy = y
        for (sample, label) in items {
            let itemWidth = 30 + Double(label.count) * 6 + 16
            if cx > x, cx + itemWidth > x + width { cx = x; cy += 18 }
            switch sample {
            case .point(let color):
                out.append("<circle cx=\"\(n(cx + 12))\" cy=\"\(n(cy - 4))\" r=\"4.5\" fill=\"\(color)\"/>")
            case .line(let color, let dash, let strokeWidth):
                let dashed = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
                out.append("<line x1=\"\(n(cx))\" y1=\"\(n(cy - 4))\" x2=\"\(n(cx + 24))\" y2=\"\(n(cy - 4))\" stroke=\"\(color)\" stroke-width=\"\(n(strokeWidth))\"\(dashed)/>")
            }
            out.append("<text x=\"\(n(cx + 30))\" y=\"\(n(cy))\">\(xml(label))</text>")
            cx += itemWidth
        }
        out.append("</g>")
        return (out, Int(((cy - y) / 18).rounded()) + 1)
    }

    /// `content` wrapped to about `room` pixels: one `<text>` per line, `size + 5` apart, at most
    /// `maxLines` (the last cut short when there is more).
    private static func wrapped(
        _ x: Double, _ y: Double, _ content: String, size: Double, weight: String? = nil, color: String? = nil, room: Double,
        maxLines: Int = 8
    ) -> (elements: [String], count: Int) {
        var lines = wrapLines(content, size: size, bold: weight != nil, room: room)
        if lines.count > maxLines {
            lines = Array(lines.prefix(maxLines - 1)) + [lines[(maxLines - 1)...].joined(separator: " ")]
        }
        let elements = lines.enumerated().map { i, line in
            text(x, y + Double(i) * (size + 5), line, size: size, weight: weight, color: color, room: room)
        }
        return (elements, lines.count)
    }

    /// The lines `content` wraps to in about `room` pixels.
    private static func wrapLines(_ content: String, size: Double, bold: Bool = false, room: Double) -> [String] {
        let lines = TextWrap.lines(TextWidth.singleLine(content), width: columns(room, size: size, bold: bold))
        return lines.isEmpty ? [""] : lines
    }

    /// How many characters fit in `room` pixels: Arial's average advance is about 0.55 em, bold
    /// about 0.62 em (measured generously: a cut is better than an overlap).
    private static func columns(_ room: Double, size: Double, bold: Bool) -> Int {
        max(4, Int(room / (size * (bold ? 0.64 : 0.56))))
    }

    /// A `<text>` element, cut to about `room` pixels (Arial's average advance is about 0.55 em).
    private static func text(_ x: Double, _ y: Double, _ content: String, size: Double, weight: String? = nil, color: String? = nil, room: Double) -> String {
        let cut = TextWidth.truncate(TextWidth.singleLine(content), to: columns(room, size: size, bold: weight != nil))
        var attributes = "x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\""
        if let weight { attributes += " font-weight=\"\(weight)\"" }
        if let color { attributes += " fill=\"\(color)\"" }
        return "<text \(attributes)>\(xml(cut))</text>"
    }

    // MARK: Formats

    /// A coordinate with one decimal at most ("12", "12.5"), the same on every machine.
    package static func n(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = (value * 10).rounded()
        guard abs(tenths) < 1e15 else { return "0" }
        let whole = Int(tenths)
        let sign = whole < 0 ? "-" : ""
        let magnitude = abs(whole)
        return magnitude % 10 == 0 ? "\(sign)\(magnitude / 10)" : "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }

    /// Text safe inside an element or an attribute: `& < > " '` escaped, control characters as
    /// spaces, and characters XML 1.0 forbids dropped.
    package static func xml(_ text: String) -> String {
        var out = ""
        for scalar in TextWidth.singleLine(text).unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\u{FFFE}", "\u{FFFF}": continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
