/// `digest`: what happened since a time.
public struct DigestReport: Codable, Sendable {
    public let newIdeas: [IdeaSummary]
    /// Ideas whose status changed to testing, adopted or spread (`status` is the new one).
    public let moved: [IdeaSummary]
    public let adoptedElsewhere: [AdoptedElsewhere]
    /// Measures whose latest point, recorded since the digest's start, is a special-cause
    /// improvement, across all departments (absent from daemons before PDSA support).
    public let results: [MeasureSummary]?

    public struct AdoptedElsewhere: Codable, Sendable {
        /// This department's idea.
        public let source: String
        public let sourceTitle: String?
        /// The adopting idea.
        public let adoption: String
        public let origin: String?
        public let department: String?
        /// When it was adopted.
        public let createdMs: Int?

        public init(
            source: String, sourceTitle: String?, adoption: String, origin: String?, department: String?, createdMs: Int?
        ) {
            self.source = source
            self.sourceTitle = sourceTitle
            self.adoption = adoption
            self.origin = origin
            self.department = department
            self.createdMs = createdMs
        }
    }

    public init(
        newIdeas: [IdeaSummary], moved: [IdeaSummary], adoptedElsewhere: [AdoptedElsewhere], results: [MeasureSummary]?
    ) {
        self.newIdeas = newIdeas
        self.moved = moved
        self.adoptedElsewhere = adoptedElsewhere
        self.results = results
    }
}
