/// `idea.spread`: the adoption tree of an idea.
public struct SpreadReport: Codable, Sendable {
    public let root: Node

    public struct Node: Codable, Sendable {
        public let id: String
        public let shortId: String
        public let title: String
        public let status: String
        public let origin: String?
        public let department: String?
        /// When the idea was created here (for an adopter: when it adopted).
        public let createdMs: Int?
        /// Cycles started and the latest cycle's phase and decision.
        public let cycles: Int
        public let latestPhase: String?
        public let latestDecision: String?
        public let measures: [MeasureSummary]
        public let adoptions: [Node]

        public init(
            id: String, shortId: String, title: String, status: String, origin: String?, department: String?,
            createdMs: Int?, cycles: Int, latestPhase: String?, latestDecision: String?,
            measures: [MeasureSummary], adoptions: [Node]
        ) {
            self.id = id
            self.shortId = shortId
            self.title = title
            self.status = status
            self.origin = origin
            self.department = department
            self.createdMs = createdMs
            self.cycles = cycles
            self.latestPhase = latestPhase
            self.latestDecision = latestDecision
            self.measures = measures
            self.adoptions = adoptions
        }
    }

    public init(root: Node) {
        self.root = root
    }
}
