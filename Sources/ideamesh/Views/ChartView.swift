import Foundation
import MeshClient
import MeshControl

/// Which chart of a measure to draw.
enum ChartKind: Sendable {
    /// The individuals (XmR) chart: a mean and process limits per segment, read by the NHS
    /// "Making Data Count" rules. What `measure chart` draws unless asked otherwise.
    case xmr
    /// The run chart: the values against their median, read by the IHI (or Anhøj) run rules.
    case run
}

/// `ideamesh measure chart M` and `measure chart M --compare` for people: the chart drawn in the
/// terminal with Unicode, then what it says in words (icons, summary, warnings, signals).
///
/// A point's mark says what it is even without colour: `●` common cause, `▲` special cause —
/// improvement, `▼` special cause — concern, `◆` special cause of no known direction. With
/// colour they are also cyan, yellow and magenta (blue, orange and purple in Making Data Count).
enum ChartView {
    /// One measure's chart.
    /// - Parameter height: rows of the plot area (at least 3).
    static func render(_ chart: MeasureChart, kind: ChartKind, context: RenderContext, height: Int = 12) -> String {
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
            out += warnings(chart.warnings, width: width, style: style)
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
        out += warnings(chart.warnings, width: width, style: style)
        out += signals(chart, reading: reading, kind: kind, width: width, style: style)
        return finish(out, width: width)
    }

    /// The same measure in every department that runs the idea, each panel split where the
    /// department adopted it: side by side when the width allows (two or three panels across
    /// from 120 columns), else one under another.
    static func compare(_ comparison: MeasureComparison, kind: ChartKind, context: RenderContext, height: Int = 10) -> String {
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

    // MARK: What is drawn

    /// A point's signal, as the chart reads it.
    enum Signal: Sendable, Equatable {
        case common, improvement, concern, neutral

        init(variation: String?) {
            switch variation {
            case "special_cause_improvement": self = .improvement
            case "special_cause_concern": self = .concern
            case "special_cause_neutral": self = .neutral
            default: self = .common
            }
        }

        /// Improvement or concern for a special cause on `side` of the centre (or, for a trend,
        /// going up: `above`), by the measure's direction.
        init(side: String, better: String) {
            switch (better, side) {
            case ("higher", "above"), ("lower", "below"): self = .improvement
            case ("higher", _), ("lower", _): self = .concern
            default: self = .neutral
            }
        }

        var mark: Character {
            switch self {
            case .common: "●"
            case .improvement: "▲"
            case .concern: "▼"
            case .neutral: "◆"
            }
        }

        var color: ANSIStyle? {
            switch self {
            case .common: nil
            case .improvement: .cyan
            case .concern: .yellow
            case .neutral: .magenta
            }
        }

        var words: String {
            switch self {
            case .common: "common cause"
            case .improvement: "improvement"
            case .concern: "concern"
            case .neutral: "neutral"
            }
        }
    }

    /// A vertical line between two points: where the limits were recalculated, or where the
    /// department adopted the idea.
    struct Divider: Sendable {
        enum Kind: Sendable { case rebase, split }
        /// The first point after the line.
        let index: Int
        let kind: Kind
        let date: String
    }

    /// The lines at one point: the centre line (the segment's mean, or the median) and the
    /// process limits (XmR only).
    struct Lines: Sendable, Equatable {
        var centre: Double?
        var upper: Double?
        var lower: Double?
    }

    /// A chart reduced to what both renderers draw: one entry per point, oldest first. Built
    /// defensively: indices from the reply are checked, never trusted.
    struct Reading: Sendable {
        let dates: [String]
        let values: [Double]
        let signals: [Signal]
        let lines: [Lines]
        let dividers: [Divider]
        let target: Double?
        /// "mean" or "median".
        let centreName: String
        let hasLimits: Bool
        /// The first point on or after the split date; nil without one.
        let splitIndex: Int?
        let splitDate: String?

        init(_ chart: MeasureChart, kind: ChartKind) {
            let points = chart.points
            dates = points.map(\.date)
            values = points.map(\.value)
            target = chart.measure.target
            splitDate = chart.splitDate
            let count = points.count

            var signals = [Signal](repeating: .common, count: count)
            var lines = [Lines](repeating: Lines(), count: count)
            var groups = [Int](repeating: 0, count: count)
            switch kind {
            case .xmr:
                centreName = "mean"
                let segments = chart.xmr?.segments ?? []
                hasLimits = !segments.isEmpty
                for (i, point) in points.enumerated() {
                    signals[i] = Signal(variation: point.variation)
                    let index = point.segment.flatMap { segments.indices.contains($0) ? $0 : nil }
                        ?? segments.lastIndex { $0.start <= i }
                    if let index {
                        let segment = segments[index]
                        groups[i] = index
                        lines[i] = Lines(centre: segment.mean, upper: segment.upper, lower: segment.lower)
                    }
                }
            case .run:
                centreName = "median"
                hasLimits = false
                if let run = chart.run {
                    for i in 0..<count { lines[i].centre = run.median }
                    for stretch in Self.runStretches(chart) {
                        for i in stretch.range where signals[i] == .common { signals[i] = stretch.signal }
                    }
                }
            }
            self.signals = signals
            self.lines = lines

            var splitIndex: Int?
            if let split = chart.splitDate {
                splitIndex = dates.firstIndex { $0 >= split } ?? count
            }
            self.splitIndex = splitIndex
            var dividers: [Divider] = []
            for i in 1..<max(1, count) {
                if i == splitIndex {
                    dividers.append(Divider(index: i, kind: .split, date: dates[i]))
                } else if groups[i] != groups[i - 1] {
                    dividers.append(Divider(index: i, kind: .rebase, date: dates[i]))
                }
            }
            self.dividers = dividers
        }

        /// A run chart's shifts and trends, with what they mean for this measure.
        static func runStretches(_ chart: MeasureChart) -> [(range: ClosedRange<Int>, name: String, words: String, signal: Signal)] {
            guard let run = chart.run else { return [] }
            let values = chart.points.map(\.value)
            func range(_ pair: [Int]) -> ClosedRange<Int>? {
                guard pair.count == 2, pair[0] <= pair[1], values.indices.contains(pair[0]), values.indices.contains(pair[1]) else { return nil }
                return pair[0]...pair[1]
            }
            var out: [(range: ClosedRange<Int>, name: String, words: String, signal: Signal)] = []
            for pair in run.shifts {
                guard let range = range(pair) else { continue }
                let side = range.contains { values[$0] > run.median } ? "above" : "below"
                out.append((range, "shift", "\(range.count) points \(side) the median", Signal(side: side, better: chart.measure.better)))
            }
            for pair in run.longRuns ?? [] {
                guard let range = range(pair) else { continue }
                let side = range.contains { values[$0] > run.median } ? "above" : "below"
                let limit = run.longestRunLimit.map { " (longer than \($0))" } ?? ""
                out.append((range, "long run", "\(range.count) points \(side) the median\(limit)", Signal(side: side, better: chart.measure.better)))
            }
            for pair in run.trends {
                guard let range = range(pair) else { continue }
                let up = values[range.upperBound] > values[range.lowerBound]
                out.append((range, "trend", "\(range.count) points \(up ? "rising" : "falling")", Signal(side: up ? "above" : "below", better: chart.measure.better)))
            }
            return out.sorted { $0.range.lowerBound < $1.range.lowerBound }
        }

        /// Mean of the points before and from the split; nil for a side with no points.
        var beforeAndAfter: (before: (mean: Double, count: Int)?, after: (mean: Double, count: Int)?)? {
            guard let split = splitIndex else { return nil }
            func mean(_ part: ArraySlice<Double>) -> (mean: Double, count: Int)? {
                part.isEmpty ? nil : (part.reduce(0, +) / Double(part.count), part.count)
            }
            return (mean(values[..<min(split, values.count)]), mean(values[min(split, values.count)...]))
        }
    }

    // MARK: The plot

    /// The value axis: a round step and the ticks from `low` to `high`.
    struct Scale: Sendable {
        let low: Double
        let high: Double
        let step: Double
        let ticks: [Double]

        /// A scale covering `values` with a little room either side, and about `ticks` round
        /// ticks inside it. Equal values get a range around them, so nothing divides by zero.
        init(covering values: [Double], ticks wanted: Int) {
            let finite = values.filter(\.isFinite)
            var low = finite.min() ?? 0
            var high = finite.max() ?? 1
            let magnitude = max(abs(low), abs(high))
            if high - low <= magnitude * 1e-12 {
                let pad = magnitude > 0 ? magnitude * 0.1 : 1
                low -= pad
                high += pad
            } else {
                let pad = (high / 2 - low / 2) * 0.06
                if (low - pad).isFinite, (high + pad).isFinite {
                    low -= pad
                    high += pad
                }
            }
            var step = Self.niceStep((high / 2 - low / 2) * 2 / Double(max(1, wanted - 1)))
            if !step.isFinite || step <= 0 { step = max(abs(high), 1) }
            var ticks: [Double] = []
            var tick = (low / step).rounded(.up) * step
            while tick <= high + step * 1e-9, ticks.count < 50, tick.isFinite {
                ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
                tick += step
            }
            self.low = low
            self.high = high > low ? high : low + 1
            self.step = step
            self.ticks = ticks
        }

        /// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
        static func niceStep(_ raw: Double) -> Double {
            guard raw.isFinite, raw > 0 else { return 1 }
            let power = pow(10, (log10(raw)).rounded(.down))
            let fraction = raw / power
            let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
            return nice * power
        }

        /// Where `value` lies from 0 (low) to 1 (high); halves keep huge ranges finite.
        func fraction(_ value: Double) -> Double {
            let span = high / 2 - low / 2
            guard span > 0 else { return 0.5 }
            return min(1, max(0, (value / 2 - low / 2) / span))
        }

        /// A tick's label: as many decimals as the step needs, in powers of ten when long.
        func label(_ value: Double) -> String {
            var decimals = max(0, -Int(log10(step).rounded(.down)))
            let scaled = step * pow(10, Double(decimals))
            if abs(scaled - scaled.rounded()) > 1e-6 * scaled { decimals += 1 }
            let fixed = ChartView.trimmed(String(format: "%.\(min(decimals, 12))f", value))
            if fixed.count <= 8 { return fixed }
            let digits = max(2, min(6, Int(log10(max(abs(low), abs(high))).rounded(.down)) - Int(log10(step).rounded(.down)) + 1))
            return ChartView.scientific(value, digits: digits)
        }
    }

    /// One column of the plot area: a point's column (with its mark or only its lines) or a divider.
    private struct Column {
        var owner: Int
        var mark: Bool
        var divider: Divider.Kind?
    }

    private struct Cell {
        var character: Character = " "
        var color: ANSIStyle?
    }

    /// The plot area with its value axis, its date axis and a note of points left out.
    static func plot(_ reading: Reading, width: Int, height: Int, style: TextStyle) -> [String] {
        let rows = max(3, height)
        let total = reading.values.count
        guard total > 0 else { return [] }
        let wantedTicks = max(2, min(6, rows / 2 + 1))

        // The scale depends on the points shown, which depend on the room the labels leave.
        var first = 0
        var scale = Scale(covering: plottedValues(reading, from: 0), ticks: wantedTicks)
        var labelWidth = 0
        var plotWidth = 1
        for _ in 0..<3 {
            labelWidth = scale.ticks.map { TextWidth.of(scale.label($0)) }.max() ?? 0
            if width - labelWidth - 2 < 8 { labelWidth = 0 }
            plotWidth = max(1, width - (labelWidth > 0 ? labelWidth + 2 : 1))
            let kept = keptStart(reading, room: plotWidth)
            let next = Scale(covering: plottedValues(reading, from: kept), ticks: wantedTicks)
            let stable = kept == first && next.ticks == scale.ticks
            first = kept
            scale = next
            if stable { break }
        }
        labelWidth = labelWidth > 0 ? scale.ticks.map { TextWidth.of(scale.label($0)) }.max() ?? 0 : 0
        plotWidth = max(1, width - (labelWidth > 0 ? labelWidth + 2 : 1))

        let dividers = reading.dividers.filter { $0.index > first }
        let shown = total - first
        let step = max(1, min(6, (plotWidth - dividers.count) / max(1, shown)))
        var columns: [Column] = []
        for i in first..<total {
            if let divider = dividers.first(where: { $0.index == i }) {
                columns.append(Column(owner: i, mark: false, divider: divider.kind))
            }
            for k in 0..<step { columns.append(Column(owner: i, mark: k == step / 2, divider: nil)) }
        }
        columns = Array(columns.prefix(plotWidth))

        func row(_ value: Double) -> Int {
            let r = Int(((1 - scale.fraction(value)) * Double(rows - 1)).rounded())
            return min(rows - 1, max(0, r))
        }
        var grid = [[Cell]](repeating: [Cell](repeating: Cell(), count: columns.count), count: rows)
        for (x, column) in columns.enumerated() {
            if let divider = column.divider {
                for y in 0..<rows { grid[y][x] = Cell(character: divider == .split ? "│" : "┆", color: .dim) }
                continue
            }
            if let target = reading.target { grid[row(target)][x] = Cell(character: "·", color: .red) }
            let lines = reading.lines[column.owner]
            for limit in [lines.upper, lines.lower].compactMap({ $0 }) { grid[row(limit)][x] = Cell(character: "┄", color: .dim) }
            if let centre = lines.centre { grid[row(centre)][x] = Cell(character: "─", color: nil) }
            if column.mark {
                let signal = reading.signals[column.owner]
                grid[row(reading.values[column.owner])][x] = Cell(character: signal.mark, color: signal.color)
            }
        }

        var tickRows: [Int: String] = [:]
        for tick in scale.ticks where tickRows[row(tick)] == nil { tickRows[row(tick)] = scale.label(tick) }
        var out: [String] = []
        let blankLabel = String(repeating: " ", count: labelWidth)

        // "before | after" over the split.
        if let split = dividers.firstIndex(where: { $0.kind == .split }).flatMap({ index in
            columns.firstIndex { $0.divider == .split && $0.owner == dividers[index].index }
        }) {
            var buffer = [Character](repeating: " ", count: columns.count)
            place("before", at: split - 7, in: &buffer)
            place("│", at: split, in: &buffer)
            place("after", at: split + 2, in: &buffer)
            out.append(trimmedRight((labelWidth > 0 ? blankLabel + "  " : " ") + String(buffer)))
        }
        for y in 0..<rows {
            let prefix: String
            if labelWidth > 0 {
                prefix = tickRows[y].map { TextWidth.pad($0, to: labelWidth, alignment: .right) + " ┤" } ?? blankLabel + " │"
            } else {
                prefix = tickRows[y] != nil ? "┤" : "│"
            }
            out.append(trimmedRight(prefix + paint(grid[y], style: style)))
        }
        let corner = labelWidth > 0 ? blankLabel + " └" : "└"
        out.append(corner + String(columns.map { $0.divider != nil ? "┴" : "─" }))

        // Dates: the first and last point's, then the dividers' where they fit.
        var buffer = [Character](repeating: " ", count: max(plotWidth, columns.count))
        let firstDate = reading.dates[first], lastDate = reading.dates[total - 1]
        place(firstDate, at: 0, in: &buffer)
        if total - first > 1 { place(lastDate, at: max(columns.count - lastDate.count, firstDate.count + 2), in: &buffer) }
        for (x, column) in columns.enumerated() where column.divider != nil {
            place(reading.dates[column.owner], at: x + 1, in: &buffer)
        }
        out.append(trimmedRight((labelWidth > 0 ? blankLabel + "  " : " ") + String(buffer)))
        if first > 0 {
            out += TextWrap.lines("\(count(first, "earlier point")) not shown (from \(reading.dates[0])): widen the terminal or use --svg.", width: width).map(style.dim)
        }
        return out
    }

    /// The values the scale must cover from point `first` on: the points, their lines and the target.
    private static func plottedValues(_ reading: Reading, from first: Int) -> [Double] {
        var values = Array(reading.values[first...])
        for lines in reading.lines[first...] { values += [lines.centre, lines.upper, lines.lower].compactMap { $0 } }
        if let target = reading.target { values.append(target) }
        return values
    }

    /// The first point shown when `room` columns hold one column per point and one per divider.
    private static func keptStart(_ reading: Reading, room: Int) -> Int {
        var first = max(0, reading.values.count - room)
        while first < reading.values.count - 1,
              reading.values.count - first + reading.dividers.filter({ $0.index > first }).count > room {
            first += 1
        }
        return first
    }

    /// Writes `text` at column `x` when it fits inside the buffer on free columns (one free
    /// column kept either side, so labels never touch).
    private static func place(_ text: String, at x: Int, in buffer: inout [Character]) {
        let characters = Array(text)
        guard x >= 0, x + characters.count <= buffer.count else { return }
        let lower = max(0, x - 1), upper = min(buffer.count, x + characters.count + 1)
        guard buffer[lower..<upper].allSatisfy({ $0 == " " }) else { return }
        for (i, c) in characters.enumerated() { buffer[x + i] = c }
    }

    private static func paint(_ cells: [Cell], style: TextStyle) -> String {
        var out = ""
        var run = ""
        var color: ANSIStyle?
        for cell in cells {
            if cell.color != color {
                out += color.map { style.paint(run, $0) } ?? run
                run = ""
                color = cell.color
            }
            run.append(cell.character)
        }
        return out + (color.map { style.paint(run, $0) } ?? run)
    }

    // MARK: Words

    private static func header(_ measure: MeasureSummary, width: Int, style: TextStyle) -> [String] {
        var title = TextWidth.singleLine(measure.name)
        if !measure.unit.isEmpty { title += " (\(TextWidth.singleLine(measure.unit)))" }
        return TextWrap.lines(title, width: width).map(style.bold) + TextWrap.lines(betterAndTarget(measure), width: width)
    }

    /// "lower is better · target 5".
    private static func betterAndTarget(_ measure: MeasureSummary) -> String {
        var parts: [String] = []
        switch measure.better {
        case "lower", "higher": parts.append("\(measure.better) is better")
        default: parts.append("no direction of improvement")
        }
        parts.append(measure.target.map { "target \(number($0))" } ?? "no target")
        return parts.joined(separator: " · ")
    }

    private static func describe(_ reading: Reading, kind: ChartKind, chart: MeasureChart) -> String {
        var parts = [kind == .xmr ? "XmR chart" : "Run chart", count(reading.values.count, "point")]
        if kind == .run, let run = chart.run { parts.append(run.rules == "anhoej" ? "Anhøj rules" : "IHI rules") }
        let rebases = reading.dividers.filter { $0.kind == .rebase }.map(\.date)
        if !rebases.isEmpty { parts.append("limits recalculated from " + rebases.joined(separator: ", ")) }
        if let split = reading.splitDate { parts.append("split at \(split)") }
        return parts.joined(separator: " · ")
    }

    private static func legend(_ reading: Reading, width: Int, style: TextStyle) -> [String] {
        [""] + legendLines([reading], width: width, style: style)
    }

    private static func legendLines(_ readings: [Reading], width: Int, style: TextStyle) -> [String] {
        var items: [(plain: String, painted: String)] = []
        let signals = Set(readings.flatMap(\.signals).map(\.words))
        for signal in [Signal.common, .improvement, .concern, .neutral] where signal != .neutral || signals.contains(signal.words) {
            let mark = String(signal.mark)
            items.append(("\(mark) \(signal.words)", (signal.color.map { style.paint(mark, $0) } ?? mark) + " " + signal.words))
        }
        if readings.contains(where: { $0.lines.contains { $0.centre != nil } }) {
            let centre = readings.first?.centreName ?? "mean"
            items.append(("─ \(centre)", "─ \(centre)"))
        }
        if readings.contains(where: \.hasLimits) { items.append(("┄ process limits", style.dim("┄") + " process limits")) }
        if readings.contains(where: { $0.target != nil }) { items.append(("· target", style.paint("·", .red) + " target")) }
        let dividers = readings.flatMap(\.dividers)
        if dividers.contains(where: { $0.kind == .rebase }) { items.append(("┆ limits recalculated", style.dim("┆") + " limits recalculated")) }
        if dividers.contains(where: { $0.kind == .split }) { items.append(("│ adopted (before | after)", style.dim("│") + " adopted (before | after)")) }

        var lines: [String] = []
        var line = "", used = 0
        for item in items {
            let w = TextWidth.of(item.plain)
            if used > 0 && used + 2 + w > width {
                lines.append(line)
                line = ""
                used = 0
            }
            if used > 0 { line += "  "; used += 2 }
            line += w > width ? TextWidth.truncate(item.plain, to: width) : item.painted
            used += min(w, width)
        }
        if used > 0 { lines.append(line) }
        return lines
    }

    /// The variation icon in words: "special cause — improvement (low)".
    static func variationWords(_ icon: String, side: String?) -> String {
        let level = side.map { $0 == "above" ? " (high)" : " (low)" } ?? ""
        switch icon {
        case "special_cause_improvement": return "special cause — improvement\(level)"
        case "special_cause_concern": return "special cause — concern\(level)"
        case "special_cause_neutral": return "special cause — neither better nor worse\(level)"
        case "common_cause": return "common cause — no significant change"
        default: return icon.replacingOccurrences(of: "_", with: " ")
        }
    }

    /// The assurance icon in words.
    static func assuranceWords(_ assurance: String?, target: Double?) -> String {
        switch assurance {
        case "consistently_pass": return "consistently passing — the target lies beyond the limits: every point is expected to meet it"
        case "consistently_fail": return "consistently failing — the target lies beyond the limits: no point is expected to meet it"
        case "hit_and_miss": return "hit and miss — the target lies within the limits"
        case let other?: return other.replacingOccurrences(of: "_", with: " ")
        case nil: return target == nil ? "none — the measure has no target" : "none — needs limits and a direction of improvement"
        }
    }

    private static func summary(_ chart: MeasureChart, reading: Reading, kind: ChartKind) -> [String] {
        var out: [String] = []
        switch kind {
        case .xmr:
            guard let xmr = chart.xmr else { break }
            for (i, segment) in xmr.segments.enumerated() {
                let label = xmr.segments.count > 1 ? "Segment \(i + 1), from \(segment.fromDate)" : "From \(segment.fromDate)"
                var line = "\(label), \(count(segment.count, "point")): mean \(number(segment.mean)), "
                    + "limits \(number(segment.lower)) to \(number(segment.upper)) "
                    + "(2σ \(number(segment.lowerTwoSigma)) to \(number(segment.upperTwoSigma)))"
                if segment.baselineCount < segment.count { line += ", computed from the first \(segment.baselineCount)" }
                if segment.trial { line += ", trial limits" }
                if let computed = segment.lowerComputed { line += "; lower limit computed \(number(computed)), floored at \(number(segment.lower))" }
                if let computed = segment.upperComputed { line += "; upper limit computed \(number(computed)), capped at \(number(segment.upper))" }
                if segment.meanMovingRange == 0 { line += "; every point is the same, so the limits have no width" }
                out.append(line)
            }
        case .run:
            guard let run = chart.run else { break }
            out.append("Median \(number(run.median)); \(run.usefulObservations) of \(count(reading.values.count, "point")) useful (not on the median)")
            if run.tooFewPoints {
                // Below the rules' minimum nothing signals, and the chart says so (issue 11).
                out.append("Runs: \(run.runs) · longest run: \(run.longestRun) · crossings: \(run.crossings)")
                out.append("Too few points for the \(rulesName(run.rules)) rules: \(reading.values.count) of the \(run.minimumPoints ?? 10) they need, so none is applied and nothing signals yet")
            } else if run.rules == "anhoej" {
                // Anhøj's rules are exactly two, on the points not on the median.
                let longest = run.longestRunLimit.map { limit in
                    " (a signal if longer than \(limit)\(run.longestRun > limit ? ": it is" : ""))"
                } ?? ""
                out.append("Longest run: \(run.longestRun)" + longest)
                let crossings = run.crossingsLimit.map { limit in
                    " (a signal if fewer than \(limit)\(run.crossings < limit ? ": there are" : ""))"
                } ?? ""
                out.append("Crossings: \(run.crossings)" + crossings)
                out.append("Anhøj rules (longest run and crossings only): "
                    + (run.signal ? "non-random variation" : "no sign of non-random variation"))
            } else {
                var runs = "Runs: \(run.runs)"
                if let lower = run.runsLower, let upper = run.runsUpper {
                    runs += " (Swed–Eisenhart limits \(lower) to \(upper)"
                    runs += run.tooFewRuns ? ": too few, a signal)" : run.tooManyRuns ? ": too many, a signal)" : ")"
                } else {
                    // The table covers 10 to 60 useful points; outside it the rule is not applied.
                    runs += " (not tested: the Swed–Eisenhart table covers 10 to 60 useful points, here \(run.usefulObservations))"
                }
                out.append(runs)
                out.append("Longest run: \(run.longestRun) · crossings: \(run.crossings)")
                out.append("Shifts: \(run.shifts.count) · trends: \(run.trends.count) · "
                    + (run.signal ? "non-random variation" : "no sign of non-random variation"))
            }
        }
        if let last = reading.values.indices.last {
            var line = "Latest: \(number(reading.values[last])) on \(reading.dates[last])"
            if let target = reading.target { line += "; target \(number(target))" }
            out.append(line)
        }
        return out
    }

    private static func warnings(_ warnings: [String], width: Int, style: TextStyle) -> [String] {
        guard !warnings.isEmpty else { return [] }
        var out = ["", style.bold("Warnings")]
        for warning in warnings {
            out += hanging("!", TextWidth.singleLine(warning), width: width, style: style, color: .yellow)
        }
        return out
    }

    /// "  ▲ text" wrapped with the text's continuation lines under its first word.
    private static func hanging(_ mark: String, _ text: String, width: Int, style: TextStyle, color: ANSIStyle?) -> [String] {
        var lines = TextWrap.lines(text, width: width, indent: "    ")
        guard let first = lines.first else { return [] }
        lines[0] = "  " + (color.map { style.paint(mark, $0) } ?? mark) + " " + first.dropFirst(4)
        return lines
    }

    /// Special causes, consecutive points with the same reading grouped.
    private static func signals(_ chart: MeasureChart, reading: Reading, kind: ChartKind, width: Int, style: TextStyle) -> [String] {
        var entries: [(signal: Signal, text: String)] = []
        switch kind {
        case .xmr:
            var i = 0
            let points = chart.points
            while i < points.count {
                let signal = reading.signals[i]
                guard signal != .common else { i += 1; continue }
                var j = i
                while j + 1 < points.count, reading.signals[j + 1] == signal,
                      points[j + 1].rule == points[i].rule, points[j + 1].side == points[i].side {
                    j += 1
                }
                let when = i == j ? "\(points[i].date)  \(number(points[i].value))" : "\(points[i].date) … \(points[j].date) (\(j - i + 1) points)"
                entries.append((signal, "\(when)  \(signal.words): \(ruleWords(points[i].rule, side: points[i].side))"))
                i = j + 1
            }
        case .run:
            for stretch in Reading.runStretches(chart) {
                let when = "\(reading.dates[stretch.range.lowerBound]) … \(reading.dates[stretch.range.upperBound])"
                entries.append((stretch.signal, "\(when)  \(stretch.name): \(stretch.words) (\(stretch.signal.words))"))
            }
        }
        guard !entries.isEmpty else { return [] }
        let shown = 8
        var out = ["", style.bold("Signals")]
        for entry in entries.prefix(shown) {
            out += hanging(String(entry.signal.mark), entry.text, width: width, style: style, color: entry.signal.color)
        }
        if entries.count > shown { out.append("  … and \(entries.count - shown) more") }
        return out
    }

    /// A Making Data Count rule in words.
    static func ruleWords(_ rule: String?, side: String?) -> String {
        let where_ = side == "above" ? "above" : "below"
        switch rule {
        case "outside_limits": return "outside the process limits (\(where_))"
        case "trend": return "a trend of 7 or more points \(side == "above" ? "rising" : "falling")"
        case "two_of_three": return "2 of 3 points beyond the 2σ line (\(where_))"
        case "run": return "a run of 7 or more points \(where_) the mean"
        case let other?: return other.replacingOccurrences(of: "_", with: " ")
        case nil: return "special cause"
        }
    }

    // MARK: Compare panels

    /// One department's panel, every line at most `width` columns.
    private static func panel(_ chart: MeasureChart, kind: ChartKind, width: Int, height: Int, style: TextStyle) -> [String] {
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
        for warning in chart.warnings {
            out += TextWrap.lines("! " + TextWidth.singleLine(warning), width: width).map(style.dim)
        }
        return out
    }

    // MARK: Numbers and text

    static func rulesName(_ rules: String) -> String { rules == "anhoej" ? "Anhøj" : "IHI run chart" }

    /// One line: what the run chart's rules found, or that there are too few points for them.
    static func runVerdict(_ run: MeasureChart.RunSummary, points: Int) -> String {
        if run.tooFewPoints {
            return "Too few points for the \(rulesName(run.rules)) rules (\(points) of \(run.minimumPoints ?? 10)): no signal yet"
        }
        if run.rules == "anhoej" {
            var reasons = [String]()
            if let limit = run.longestRunLimit, run.longestRun > limit { reasons.append("longest run \(run.longestRun) > \(limit)") }
            if let limit = run.crossingsLimit, run.crossings < limit { reasons.append("\(count(run.crossings, "crossing")) < \(limit)") }
            return run.signal ? "Non-random variation (Anhøj: \(reasons.joined(separator: ", ")))" : "No sign of non-random variation (Anhøj rules)"
        }
        return run.signal
            ? "Non-random variation (\(count(run.shifts.count, "shift")), \(count(run.trends.count, "trend")))"
            : "No sign of non-random variation"
    }

    /// A value for people: three significant digits, trailing zeros dropped, powers of ten for
    /// the huge and the tiny ("1.5e9", "2.5e-5").
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "?" : value > 0 ? "∞" : "-∞" }
        let magnitude = abs(value)
        if magnitude == 0 { return "0" }
        if magnitude >= 1e6 || magnitude < 1e-3 { return scientific(value, digits: 3) }
        let decimals = max(0, min(6, 2 - Int(log10(magnitude).rounded(.down))))
        return trimmed(String(format: "%.\(decimals)f", value))
    }

    /// `value` as "m.mmme±x" with `digits` significant digits, trailing zeros dropped.
    static func scientific(_ value: Double, digits: Int) -> String {
        guard value.isFinite, value != 0 else { return number(value) }
        var exponent = Int(log10(abs(value)).rounded(.down))
        var mantissa = value / pow(10, Double(exponent))
        let places = max(0, digits - 1)
        let factor = pow(10, Double(places))
        mantissa = (mantissa * factor).rounded() / factor
        if abs(mantissa) >= 10 {
            mantissa /= 10
            exponent += 1
        }
        return trimmed(String(format: "%.\(places)f", mantissa)) + "e\(exponent)"
    }

    /// "4.50" → "4.5", "3.00" → "3", "-0" → "0".
    static func trimmed(_ text: String) -> String {
        var text = text
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    private static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    private static func trimmedRight(_ text: String) -> String {
        var text = text
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }

    /// Columns `text` takes on a terminal, ANSI colour sequences not counted.
    static func visibleWidth(_ text: String) -> Int { TextWidth.of(stripANSI(text)) }

    /// `text` without its ANSI SGR sequences.
    static func stripANSI(_ text: String) -> String {
        var out = ""
        var escape = false
        for scalar in text.unicodeScalars {
            if escape {
                if scalar == "m" { escape = false }
                continue
            }
            if scalar == "\u{1B}" { escape = true; continue }
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    /// The lines joined, none wider than `width` (a line that would be is cut, losing its colour).
    private static func finish(_ lines: [String], width: Int) -> String {
        lines.map { line in
            visibleWidth(line) <= width ? line : TextWidth.truncate(stripANSI(line), to: width)
        }.joined(separator: "\n") + "\n"
    }
}
