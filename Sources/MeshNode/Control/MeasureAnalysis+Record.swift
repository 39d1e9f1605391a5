import MeshModel
import MeshStore

extension MeasureAnalysis {
    /// The analysis of a held measure.
    static func of(_ record: MeasureRecord, options: Options = Options()) throws(OptionError) -> MeasureAnalysis {
        try MeasureAnalysis(
            observations: record.observations.map { Observation(date: $0.date, value: $0.value) },
            better: record.definition.better, target: record.definition.target, kind: record.definition.kind, options: options)
    }
}
