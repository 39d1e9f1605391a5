import MeshControl
import MeshCRDT
import MeshModel
import MeshStore

extension MeasureSummary {
    /// A measure with the summary of its observations and its latest signal (CONTROL.md §5.5).
    init(_ record: MeasureRecord, analysis: MeasureAnalysis?, departments: Departments) {
        let latest = analysis?.observations.last
        let point = analysis?.latest
        self.init(
            id: record.id.text, shortId: record.id.short, name: record.definition.name, unit: record.definition.unit,
            better: record.definition.better.rawValue, target: record.definition.target, kind: record.definition.kind.rawValue,
            idea: record.idea.text, ideaTitle: record.ideaTitle, origin: record.id.origin.base32,
            department: departments[record.id.origin], createdMs: Int(record.hlc.millis), observations: record.observations.count,
            latestDate: latest?.date.description, latestValue: latest?.value,
            signal: point.map { SignalWord.of($0.variation.rawValue) }, signalSide: SignalWord.of(point?.side),
            assurance: analysis?.classification?.assuranceIcon.map { SignalWord.of($0.rawValue) })
    }

    /// The summary with the default analysis of its observations.
    init(_ record: MeasureRecord, departments: Departments) {
        self.init(record, analysis: try? MeasureAnalysis.of(record), departments: departments)
    }
}
