/// A table for people: a header row and rows of cells, laid out to fit a terminal width. Pure:
/// `render` takes the width and the style and returns the text.
///
/// Columns take the width their widest cell needs. When the whole is wider than the terminal,
/// the flexible columns (titles, names) give up columns, lowest priority and then widest first,
/// down to their minimum, and their cells are cut with "…". When even the minimums do not fit,
/// droppable columns (counts, ages) are left out, least useful first. Fixed columns (ids,
/// addresses) are never cut: a table that still does not fit overflows rather than show a wrong id.
package struct Table {
    package enum Alignment { case left, right }

    package struct Column {
        package var title: String
        package var alignment: Alignment = .left
        package var flexible = false
        package var minWidth = 6
        /// Among flexible columns, a lower priority gives up width first.
        package var priority = 0
        /// Set for a column the table may leave out when even its minimum widths are too wide
        /// for the terminal: the lowest is left out first.
        package var dropOrder: Int?

        /// This column, left out (lowest `order` first) when the table cannot fit otherwise.
        package func droppable(_ order: Int) -> Column {
            var column = self
            column.dropOrder = order
            return column
        }

        package static func fixed(_ title: String, _ alignment: Alignment = .left) -> Column {
            Column(title: title, alignment: alignment)
        }

        package static func flexible(_ title: String, min: Int = 10, priority: Int = 0) -> Column {
            Column(title: title, flexible: true, minWidth: min, priority: priority)
        }
    }

    package struct Cell: ExpressibleByStringLiteral {
        package var text: String
        package var color: ANSIStyle?

        package init(_ text: String, _ color: ANSIStyle? = nil) {
            self.text = TextWidth.singleLine(text)
            self.color = color
        }

        package init(stringLiteral value: String) { self.init(value) }
    }

    package static let gap = 2

    package var columns: [Column]
    package var rows: [[Cell]] = []

    package init(_ columns: [Column], rows: [[Cell]] = []) {
        self.columns = columns
        self.rows = rows
    }

    package mutating func append(_ row: [Cell]) {
        precondition(row.count == columns.count, "a table row has \(row.count) cells for \(columns.count) columns")
        rows.append(row)
    }

    /// The columns shown within `width` terminal columns, and the width each gets.
    package func layout(fitting width: Int) -> [(index: Int, width: Int)] {
        let natural = columns.indices.map { index in
            rows.reduce(TextWidth.of(columns[index].title)) { max($0, TextWidth.of($1[index].text)) }
        }
        func minimum(_ index: Int) -> Int { columns[index].flexible ? min(natural[index], columns[index].minWidth) : natural[index] }
        var shown = Array(columns.indices)
        while shown.map(minimum).reduce(0, +) + Self.gap * max(0, shown.count - 1) > width,
              let drop = shown.compactMap({ index in columns[index].dropOrder.map { (index, $0) } }).min(by: { $0.1 < $1.1 })?.0 {
            shown.removeAll { $0 == drop }
        }
        var widths = shown.map { natural[$0] }
        var excess = widths.reduce(0, +) + Self.gap * max(0, shown.count - 1) - width
        while excess > 0 {
            // Of the flexible columns that can still give a column up, the widest of the lowest priority.
            let candidates = shown.indices.filter { columns[shown[$0]].flexible && widths[$0] > columns[shown[$0]].minWidth }
            guard let lowest = candidates.map({ columns[shown[$0]].priority }).min(),
                  let widest = candidates.filter({ columns[shown[$0]].priority == lowest }).max(by: { widths[$0] < widths[$1] }) else { break }
            widths[widest] -= 1
            excess -= 1
        }
        return Array(zip(shown, widths)).map { (index: $0.0, width: $0.1) }
    }

    /// The table, one line per row after the header, each ending in a newline; no trailing spaces.
    package func render(width: Int, style: TextStyle) -> String {
        let layout = layout(fitting: width)
        func line(_ cells: [Cell], header: Bool) -> String {
            var parts: [String] = []
            for (position, (index, columnWidth)) in layout.enumerated() {
                let column = columns[index]
                let text = TextWidth.truncate(cells[index].text, to: columnWidth)
                let isLast = position == layout.count - 1
                let missing = isLast && column.alignment == .left ? 0 : max(0, columnWidth - TextWidth.of(text))
                let padding = String(repeating: " ", count: missing)
                // Colour wraps the text, not its padding, so widths stay true.
                let color = header ? ANSIStyle.bold : cells[index].color
                let painted = color.map { style.paint(text, $0) } ?? text
                parts.append(column.alignment == .left ? painted + padding : padding + painted)
            }
            var joined = parts.joined(separator: String(repeating: " ", count: Self.gap))
            while joined.hasSuffix(" ") { joined.removeLast() }
            return joined
        }
        var out = line(columns.map { Cell($0.title) }, header: true) + "\n"
        for row in rows { out += line(row, header: false) + "\n" }
        return out
    }
}
