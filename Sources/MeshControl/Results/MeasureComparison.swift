/// `measure.compare`: the same measure in every department that runs the idea.
public struct MeasureComparison: Codable, Sendable {
    /// The idea at the root of the adoption tree.
    public let idea: String
    public let ideaTitle: String?
    public let name: String
    /// One per department: the root first, then adopters in the order they adopted.
    public let series: [MeasureChart]

    public init(idea: String, ideaTitle: String?, name: String, series: [MeasureChart]) {
        self.idea = idea
        self.ideaTitle = ideaTitle
        self.name = name
        self.series = series
    }
}
