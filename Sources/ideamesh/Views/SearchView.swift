import MeshClient
import MeshCharts
import MeshControl

/// `ideamesh search TEXT` for people: hits best first, each with its snippet. On a terminal the
/// matches are painted; elsewhere they stay in `[` `]` as the daemon marks them.
enum SearchView {
    static func render(_ results: SearchResults, query: String, context: RenderContext) -> String {
        guard !results.hits.isEmpty else { return "Nothing matches \"\(query)\".\n" }
        let style = context.style
        var out = ""
        let numberWidth = String(results.hits.count).count
        for (index, hit) in results.hits.enumerated() {
            let number = TextWidth.pad(String(index + 1), to: numberWidth, alignment: .right) + "."
            let id = IdeaIDs.short(hit.idea)
            let head = "\(number) \(id)  "
            var kind = hit.kind == "comment" ? "  (comment \(hit.comment.map(IdeaIDs.short) ?? "?"))" : ""
            if TextWidth.of(head) + 10 + TextWidth.of(kind) > context.width && !kind.isEmpty { kind = "  (comment)" }
            let titleRoom = max(1, context.width - TextWidth.of(head) - TextWidth.of(kind))
            out += head + style.bold(context.cut(TextWidth.singleLine(hit.title), to: titleRoom)) + style.dim(kind) + "\n"
            let indent = String(repeating: " ", count: numberWidth + 2)
            for line in TextWrap.lines(hit.snippet, width: context.width, indent: indent) {
                out += highlight(line, style: style) + "\n"
            }
        }
        return out
    }

    /// `[match]` painted (brackets dropped) when colour is on; as it is otherwise.
    static func highlight(_ text: String, style: TextStyle) -> String {
        guard style.enabled else { return text }
        var out = ""
        var match = ""
        var inMatch = false
        for character in text {
            switch character {
            case "[" where !inMatch:
                inMatch = true
            case "]" where inMatch:
                out += style.paint(match, .yellow)
                match = ""
                inMatch = false
            default:
                if inMatch { match.append(character) } else { out.append(character) }
            }
        }
        return out + (inMatch ? "[" + match : "")
    }
}
