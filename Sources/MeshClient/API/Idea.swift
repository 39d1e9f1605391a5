/// An idea as `idea.list`, `digest` and the other summaries give it (CONTROL.md §5): no problem,
/// solution or comments.
public struct IdeaSummary: Decodable, Sendable {
    public let id: String
    public let shortId: String
    public let title: String
    public let status: String
    public let theme: String?
    public let tags: [String]?
    /// Empty when anonymous.
    public let author: String?
    public let origin: String?
    /// The origin's department, when the daemon knows it.
    public let department: String?
    public let createdMs: Int?
    public let supporters: Int?
    public let commentCount: Int?
    /// Registers (e.g. "status", "title") that hold concurrent values.
    public let conflicts: [String]?
    public let adoptedFrom: String?
}

/// `idea.list`.
public struct IdeaList: Decodable, Sendable {
    /// How many ideas match, before the limit.
    public let total: Int
    public let ideas: [IdeaSummary]
}

/// An idea in full, as `idea.show` (and, without history, `export`) gives it.
public struct IdeaDetail: Decodable, Sendable {
    public let id: String
    public let shortId: String
    public let title: String
    public let problem: String?
    public let solution: String?
    public let status: String
    public let theme: String?
    public let tags: [String]?
    public let author: String?
    public let origin: String?
    public let department: String?
    public let createdMs: Int?
    public let supporters: Int?
    public let conflicts: [String]?
    public let adoptedFrom: String?
    public let comments: [Comment]?
    public let history: [HistoryEntry]?
    public let links: [Link]?
    public let adoptions: [Adoption]?
    /// PDSA cycles and measures (`idea.show` only).
    public let cycles: [Cycle]?
    public let measures: [Measure]?

    public struct Comment: Decodable, Sendable {
        public let id: String
        public let author: String?
        public let text: String
        public let createdMs: Int?
        public let edited: Bool?
        public let retracted: Bool?
    }

    public struct HistoryEntry: Decodable, Sendable {
        public let id: String?
        /// The op kind, e.g. "status-set".
        public let kind: String
        public let author: String?
        public let createdMs: Int?
        /// One human line.
        public let summary: String?
    }

    public struct Link: Decodable, Sendable {
        public let kind: String
        public let from: String
        public let to: String
        /// The other idea's title.
        public let title: String?
    }

    public struct Adoption: Decodable, Sendable {
        /// The adopting idea.
        public let id: String
        public let origin: String?
        public let department: String?
        public let createdMs: Int?
        public let status: String?
    }

    /// A PDSA cycle: `phase` is the furthest step recorded (plan, do, study, act), `decision`
    /// that of its Act step.
    public struct Cycle: Decodable, Sendable {
        public let id: String
        public let phase: String
        public let plan: String
        public let prediction: String
        public let decision: String?
        public let author: String?
        public let createdMs: Int?
        /// Do, Study and Act steps, oldest first.
        public let steps: [Step]?

        public struct Step: Decodable, Sendable {
            public let id: String
            /// "do", "study" or "act".
            public let phase: String
            public let decision: String?
            public let notes: String?
            public let author: String?
            public let createdMs: Int?
        }
    }

    public struct Measure: Decodable, Sendable {
        public let id: String
        public let name: String
        public let unit: String
        public let better: String
        public let target: Double?
        /// "count", "proportion", "time" or "other"; absent from an older daemon.
        public let kind: String?
        public let author: String?
        public let createdMs: Int?
        public let observations: Int?
        public let latestDate: String?
        public let latestValue: Double?
    }

    private enum CodingKeys: String, CodingKey {
        case id, shortId, title, problem, solution, status, theme, tags, author, origin, department, createdMs
        case supporters, conflicts, adoptedFrom, comments, history, links, adoptions, cycles, measures
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        shortId = try c.decode(String.self, forKey: .shortId)
        title = try c.decode(String.self, forKey: .title)
        problem = try c.decodeIfPresent(String.self, forKey: .problem)
        solution = try c.decodeIfPresent(String.self, forKey: .solution)
        status = try c.decode(String.self, forKey: .status)
        theme = try c.decodeIfPresent(String.self, forKey: .theme)
        tags = try c.decodeIfPresent([String].self, forKey: .tags)
        author = try c.decodeIfPresent(String.self, forKey: .author)
        origin = try c.decodeIfPresent(String.self, forKey: .origin)
        department = try c.decodeIfPresent(String.self, forKey: .department)
        createdMs = try c.decodeIfPresent(Int.self, forKey: .createdMs)
        supporters = try c.decodeIfPresent(Int.self, forKey: .supporters)
        conflicts = try c.decodeIfPresent([String].self, forKey: .conflicts)
        adoptedFrom = try c.decodeIfPresent(String.self, forKey: .adoptedFrom)
        comments = try c.decodeIfPresent([Comment].self, forKey: .comments)
        history = try c.decodeIfPresent([HistoryEntry].self, forKey: .history)
        links = try c.decodeIfPresent([Link].self, forKey: .links)
        adoptions = try c.decodeIfPresent([Adoption].self, forKey: .adoptions)
        cycles = try c.decodeIfPresent([Cycle].self, forKey: .cycles)
        measures = try c.decodeIfPresent([Measure].self, forKey: .measures)
    }
}

/// `idea.search`.
public struct SearchResults: Decodable, Sendable {
    public let hits: [Hit]

    public struct Hit: Decodable, Sendable {
        /// "idea" or "comment".
        public let kind: String
        public let idea: String
        public let comment: String?
        public let title: String
        /// The matches are in `[` `]`.
        public let snippet: String
        public let rank: Double?
    }
}

/// `themes.list`.
public struct ThemeList: Decodable, Sendable {
    public let themes: [Theme]
    /// Theme codes that ideas carry but no leader defined here (older nodes did not check).
    public let undefined: [Use]?

    public struct Theme: Decodable, Sendable {
        public let code: String
        public let name: String
        public let description: String?
        public let archived: Bool?
        /// How many ideas carry it.
        public let ideas: Int?
    }

    public struct Use: Decodable, Sendable {
        public let code: String
        public let ideas: Int
    }
}

/// `digest`: what happened since a time.
public struct DigestReport: Decodable, Sendable {
    public let newIdeas: [IdeaSummary]
    /// Ideas whose status changed to testing, adopted or spread (`status` is the new one).
    public let moved: [IdeaSummary]
    public let adoptedElsewhere: [AdoptedElsewhere]
    /// Measures whose latest point, recorded since the digest's start, is a special-cause
    /// improvement, across all departments (absent from daemons before PDSA support).
    public let results: [MeasureSummary]?

    public struct AdoptedElsewhere: Decodable, Sendable {
        /// This department's idea.
        public let source: String
        public let sourceTitle: String?
        /// The adopting idea.
        public let adoption: String
        public let origin: String?
        public let department: String?
    }
}

/// `export`.
public struct ExportResult: Decodable, Sendable {
    public let ideas: [IdeaDetail]
}

/// `import`.
public struct ImportResult: Decodable, Sendable {
    public let ids: [String]
}
