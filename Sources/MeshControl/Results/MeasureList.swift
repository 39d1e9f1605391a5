/// `measure.list`.
public struct MeasureList: Codable, Sendable {
    public let measures: [MeasureSummary]

    public init(measures: [MeasureSummary]) {
        self.measures = measures
    }
}
