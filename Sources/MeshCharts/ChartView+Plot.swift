import Foundation
import MeshClient
import MeshControl

/// The terminal plot: the value axis and the grid of cells, points and lines in it.
extension ChartView {
    /// The value axis: a round step and the ticks from `low` to `high`.
    package struct Scale: Sendable {
        package let low: Double
        package let high: Double
        package let step: Double
        package let ticks: [Double]

        /// A scale covering `values` with a little room either side, and about `ticks` round
        /// ticks inside it. Equal values get a range around them, so nothing divides by zero.
        package init(covering values: [Double], ticks wanted: Int) {
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
        package static func niceStep(_ raw: Double) -> Double {
            guard raw.isFinite, raw > 0 else { return 1 }
            let power = pow(10, (log10(raw)).rounded(.down))
            let fraction = raw / power
            let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10
            return nice * power
        }

        /// Where `value` lies from 0 (low) to 1 (high); halves keep huge ranges finite.
        package func fraction(_ value: Double) -> Double {
            let span = high / 2 - low / 2
            guard span > 0 else { return 0.5 }
            return min(1, max(0, (value / 2 - low / 2) / span))
        }

        /// A tick's label: as many decimals as the step needs, in powers of ten when long.
        package func label(_ value: Double) -> String {
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
    package struct Column {
        package var owner: Int
        package var mark: Bool
        package var divider: Divider.Kind?
    }

    package struct Cell {
        package var character: Character = " "
        package var color: ANSIStyle?
    }

    /// The plot area with its value axis, its date axis and a note of points left out.
    package static func plot(_ reading: Reading, width: Int, height: Int, style: TextStyle) -> [String] {
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
    package static func plottedValues(_ reading: Reading, from first: Int) -> [Double] {
        var values = Array(reading.values[first...])
        for lines in reading.lines[first...] { values += [lines.centre, lines.upper, lines.lower].compactMap { $0 } }
        if let target = reading.target { values.append(target) }
        return values
    }

    /// The first point shown when `room` columns hold one column per point and one per divider.
    package static func keptStart(_ reading: Reading, room: Int) -> Int {
        var first = max(0, reading.values.count - room)
        while first < reading.values.count - 1,
              reading.values.count - first + reading.dividers.filter({ $0.index > first }).count > room {
            first += 1
        }
        return first
    }

    /// Writes `text` at column `x` when it fits inside the buffer on free columns (one free
    /// column kept either side, so labels never touch).
    package static func place(_ text: String, at x: Int, in buffer: inout [Character]) {
        let characters = Array(text)
        guard x >= 0, x + characters.count <= buffer.count else { return }
        let lower = max(0, x - 1), upper = min(buffer.count, x + characters.count + 1)
        guard buffer[lower..<upper].allSatisfy({ $0 == " " }) else { return }
        for (i, c) in characters.enumerated() { buffer[x + i] = c }
    }

    package static func paint(_ cells: [Cell], style: TextStyle) -> String {
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
}
