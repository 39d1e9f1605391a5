import MeshClient
import MeshCharts
import MeshControl

/// `ideamesh list` (and the idea tables of `digest`) for people.
enum IdeaListView {
    static func render(_ list: IdeaList, context: RenderContext, filtered: Bool) -> String {
        guard !list.ideas.isEmpty else {
            return filtered ? "No ideas match.\n" : "No ideas yet. Submit one with `ideamesh submit`.\n"
        }
        var out = context.render(table(list.ideas, context: context))
        if list.ideas.contains(where: hasStatusConflict) {
            out += context.note("* concurrent status changes: see `ideamesh show ID`")
        }
        if list.total > list.ideas.count {
            out += context.note("Showing \(list.ideas.count) of \(list.total) ideas; use --limit N to see more.")
        }
        return out
    }

    static func table(_ ideas: [IdeaSummary], context: RenderContext, statusTitle: String = "STATUS") -> Table {
        var table = Table([
            .fixed("ID"), .flexible("TITLE", min: 16, priority: 1), .flexible(statusTitle, min: 8, priority: 2),
            .fixed("SUP", .right).droppable(3), .fixed("CMT", .right).droppable(1), .flexible("DEPT", min: 6).droppable(4),
            .fixed("AGE").droppable(2),
        ])
        for idea in ideas {
            var status = context.status(idea.status)
            if hasStatusConflict(idea) { status.text += "*" }
            table.append([
                Table.Cell(idea.shortId), Table.Cell(idea.title), status,
                Table.Cell(idea.supporters.map(String.init) ?? "-"), Table.Cell(idea.commentCount.map(String.init) ?? "-"),
                Table.Cell(IdeaIDs.departmentName(idea.department, node: idea.origin)),
                Table.Cell(context.age(idea.createdMs)),
            ])
        }
        return table
    }

    static func hasStatusConflict(_ idea: IdeaSummary) -> Bool {
        idea.conflicts?.contains("status") == true
    }
}
