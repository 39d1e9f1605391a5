import MeshControl
import MeshCRDT
import MeshModel
import MeshStore

extension SpreadReport.Node {
    /// One idea of the adoption tree (CONTROL.md §5.7).
    init(_ view: IdeaView, cycles: [PDSACycle], measures: [MeasureSummary], adoptions: [Self], departments: Departments) {
        self.init(
            id: view.id.text, shortId: view.id.short, title: view.content.title, status: view.status.rawValue,
            origin: view.id.origin.base32, department: departments[view.id.origin], createdMs: Int(view.hlc.millis),
            cycles: cycles.count, latestPhase: cycles.last?.phase, latestDecision: cycles.last?.decision?.rawValue,
            measures: measures, adoptions: adoptions)
    }
}
