/// A measure with a summary of its observations: `measure.list`, the digest's results and the
/// spread tree.
public struct MeasureSummary: Codable, Sendable {
    public let id: String
    public let shortId: String
    public let name: String
    public let unit: String
    /// "lower" or "higher".
    public let better: String
    public let target: Double?
    /// "count", "proportion" (a percentage, 0–100), "time" or "other"; absent from an older daemon.
    public let kind: String?
    /// The idea the measure belongs to.
    public let idea: String
    public let ideaTitle: String?
    /// The measure's origin (the department that defined it).
    public let origin: String?
    public let department: String?
    public let createdMs: Int?
    /// Observations not retracted.
    public let observations: Int
    public let latestDate: String?
    public let latestValue: Double?
    /// The latest point's Making Data Count variation; absent with fewer than 2 observations.
    public let signal: String?
    /// The side of that signal (`above`/`below`), for a special cause.
    public let signalSide: String?
    /// The assurance against the target; absent without a target or with fewer than 2 observations.
    public let assurance: String?

    public init(
        id: String, shortId: String, name: String, unit: String, better: String, target: Double?, kind: String?,
        idea: String, ideaTitle: String?, origin: String?, department: String?, createdMs: Int?,
        observations: Int, latestDate: String?, latestValue: Double?, signal: String?,
        signalSide: String?, assurance: String?
    ) {
        self.id = id
        self.shortId = shortId
        self.name = name
        self.unit = unit
        self.better = better
        self.target = target
        self.kind = kind
        self.idea = idea
        self.ideaTitle = ideaTitle
        self.origin = origin
        self.department = department
        self.createdMs = createdMs
        self.observations = observations
        self.latestDate = latestDate
        self.latestValue = latestValue
        self.signal = signal
        self.signalSide = signalSide
        self.assurance = assurance
    }
}
