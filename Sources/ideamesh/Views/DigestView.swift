import MeshClient
import MeshCharts
import MeshControl

/// `ideamesh digest` for people: new ideas, ideas that moved on, this department's ideas adopted
/// elsewhere, and results: measures whose latest point is a special-cause improvement.
enum DigestView {
    static func render(_ digest: DigestReport, since: String, context: RenderContext) -> String {
        let style = context.style
        var out = style.bold("Digest since \(since)") + "\n"

        out += "\n" + context.heading("New ideas (\(digest.newIdeas.count))") + "\n"
        out += digest.newIdeas.isEmpty ? "  none\n" : context.render(IdeaListView.table(digest.newIdeas, context: context))

        out += "\n" + context.heading("Moved to testing, adopted or spread (\(digest.moved.count))") + "\n"
        out += digest.moved.isEmpty ? "  none\n" : context.render(IdeaListView.table(digest.moved, context: context, statusTitle: "NOW"))
        // Why each moved, in the words of whoever moved it.
        for idea in digest.moved {
            guard let reason = idea.statusReason else { continue }
            out += style.dim("  \(IdeaIDs.short(idea.id)) moved to \(idea.status):") + "\n"
            out += TextWrap.lines(TextWidth.singleLine(reason), width: context.width, indent: "    ").map { $0 + "\n" }.joined()
        }

        out += "\n" + context.heading("This department's ideas adopted elsewhere (\(digest.adoptedElsewhere.count))") + "\n"
        if digest.adoptedElsewhere.isEmpty {
            out += "  none\n"
        } else {
            var table = Table([.fixed("IDEA"), .flexible("TITLE", min: 12), .flexible("ADOPTED BY", min: 8), .fixed("AS").droppable(1)])
            for adoption in digest.adoptedElsewhere {
                table.append([
                    Table.Cell(IdeaIDs.short(adoption.source)), Table.Cell(adoption.sourceTitle ?? ""),
                    Table.Cell(IdeaIDs.departmentName(adoption.department, node: adoption.origin)), Table.Cell(IdeaIDs.short(adoption.adoption)),
                ])
            }
            out += context.render(table)
        }

        if let results = digest.results {
            out += "\n" + context.heading(context.cut("Results: special-cause improvements (\(results.count))", to: context.width)) + "\n"
            out += results.isEmpty ? "  none\n" : MeasureViews.list(results, context: context)
        }
        return out
    }
}
