/// `idea.search`.
public struct SearchResults: Codable, Sendable {
    public let hits: [Hit]

    public struct Hit: Codable, Sendable {
        /// "idea" or "comment".
        public let kind: String
        public let idea: String
        public let comment: String?
        public let title: String
        /// The matches are in `[` `]`.
        public let snippet: String
        public let rank: Double?

        public init(kind: String, idea: String, comment: String?, title: String, snippet: String, rank: Double?) {
            self.kind = kind
            self.idea = idea
            self.comment = comment
            self.title = title
            self.snippet = snippet
            self.rank = rank
        }
    }

    public init(hits: [Hit]) {
        self.hits = hits
    }
}
