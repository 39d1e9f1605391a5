import MeshCharts
import MeshControl

/// `ideamesh mine`: each of the caller's ideas with its status changes.
enum MineView {
    static func render(_ ideas: [IdeaDetail], total: Int, context: RenderContext) -> String {
        guard !ideas.isEmpty else {
            return "You have not submitted an idea here yet. `ideamesh submit` shares one.\n"
        }
        var out = context.heading("Your ideas (\(total))") + "\n"
        for idea in ideas {
            out += "\n" + "\(IdeaIDs.short(idea.id))  " + context.style.bold(idea.title) + "  " + idea.status + "\n"
            out += "  submitted \(context.absolute(idea.createdMs))\n"
            let changes = (idea.history ?? []).filter { $0.kind == "status-set" }
            if changes.isEmpty {
                out += context.style.dim("  no status change yet") + "\n"
            }
            for change in changes {
                out += "  \(context.absolute(change.createdMs))  \(RenderContext.author(change.author, name: change.authorName))  "
                    + (change.summary ?? "") + "\n"
            }
        }
        return out
    }
}
