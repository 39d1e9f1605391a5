import Foundation

/// What a view needs to lay text out for people: the width, whether to paint, and the clock and
/// time zone for times. Views are pure functions of their input and this.
package struct RenderContext: Sendable {
    package var width: Int
    package var style: TextStyle
    package var nowMs: Int
    package var timeZone: TimeZone
    /// Whether names and lines are cut ("Cardi…") to fit `width`: on a terminal, or when COLUMNS
    /// asks for a width. Output piped to a file or a script keeps every name whole; `width` then
    /// still shapes what must have one (charts, wrapped paragraphs).
    package var cuts = true

    package init(width: Int, style: TextStyle, nowMs: Int, timeZone: TimeZone, cuts: Bool = true) {
        self.width = width
        self.style = style
        self.nowMs = nowMs
        self.timeZone = timeZone
        self.cuts = cuts
    }

    /// `table` laid out in `width` less `inset` columns, or at its natural width when not cutting.
    package func render(_ table: Table, inset: Int = 0) -> String {
        table.render(width: cuts ? width - inset : .max, style: style)
    }

    /// `text` cut to `columns`, or whole when not cutting.
    package func cut(_ text: String, to columns: Int) -> String {
        cuts ? TextWidth.truncate(text, to: columns) : text
    }

    package func relative(_ ms: Int?) -> String {
        ms.map { TimeText.relative($0, nowMs: nowMs, timeZone: timeZone) } ?? "?"
    }

    package func age(_ ms: Int?) -> String {
        ms.map { TimeText.age($0, nowMs: nowMs, timeZone: timeZone) } ?? "?"
    }

    /// An author as people read it: their display name when they gave one, else their login;
    /// "anonymous" for none.
    package static func author(_ login: String?, name: String? = nil) -> String {
        guard let login, !login.isEmpty else { return "anonymous" }
        return name ?? login
    }

    package func absolute(_ ms: Int?) -> String {
        ms.map { TimeText.absolute($0, timeZone: timeZone) } ?? "?"
    }

    package func status(_ status: String) -> Table.Cell {
        Table.Cell(status, TextStyle.color(ofStatus: status))
    }

    package func paintStatus(_ status: String) -> String {
        TextStyle.color(ofStatus: status).map { style.paint(status, $0) } ?? status
    }

    /// A dim note under a table, wrapped to the width, newline included.
    package func note(_ text: String) -> String {
        TextWrap.lines(text, width: width).map { style.dim($0) + "\n" }.joined()
    }

    /// A section heading.
    package func heading(_ text: String) -> String { style.bold(text) }
}
