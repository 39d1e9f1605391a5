import MeshControl
import MeshCRDT
import MeshStore

extension MeshControl.IdeaSummary {
    /// An `idea.list` or `digest` entry (CONTROL.md §5.1).
    init(_ summary: MeshStore.IdeaSummary, departments: Departments, names: DisplayNames) {
        let view = summary.view
        self.init(
            id: view.id.text, shortId: view.id.short, title: view.content.title, status: view.status.rawValue,
            theme: view.content.theme, tags: view.content.tags, author: view.author, authorName: names.name(origin: view.id.origin, login: view.author), origin: view.id.origin.base32,
            department: departments[view.id.origin], createdMs: Int(view.hlc.millis), supporters: view.supporters,
            commentCount: summary.commentCount, conflicts: view.conflicts.map { "\($0)" }, adoptedFrom: view.adoptedFrom?.text,
            statusReason: summary.statusReason)
    }
}
