/// An idea in full, as `idea.show` (and, without history, `export`) gives it.
public struct IdeaDetail: Codable, Sendable {
    public let id: String
    public let shortId: String
    public let title: String
    public let problem: String?
    public let solution: String?
    public let status: String
    public let theme: String?
    public let tags: [String]?
    public let author: String?
    /// The author's display name at the origin department, when they gave one (shown instead of `author`).
    public let authorName: String?
    public let origin: String?
    public let department: String?
    public let createdMs: Int?
    public let supporters: Int?
    /// Comments not retracted.
    public let commentCount: Int?
    public let conflicts: [String]?
    public let adoptedFrom: String?
    public let comments: [Comment]?
    public let history: [HistoryEntry]?
    public let links: [Link]?
    public let adoptions: [Adoption]?
    /// PDSA cycles and measures (`idea.show` only).
    public let cycles: [Cycle]?
    public let measures: [Measure]?

    public struct Comment: Codable, Sendable {
        public let id: String
        public let author: String?
        /// The author's display name at the origin department, when they gave one (shown instead of `author`).
        public let authorName: String?
        /// The author's department's name, when known here (the origin of `id`).
        public let department: String?
        public let text: String
        public let createdMs: Int?
        public let edited: Bool?
        public let retracted: Bool?

        public init(
            id: String, author: String?, authorName: String? = nil, department: String? = nil, text: String, createdMs: Int?,
            edited: Bool?, retracted: Bool?
        ) {
            self.id = id
            self.author = author
            self.authorName = authorName
            self.department = department
            self.text = text
            self.createdMs = createdMs
            self.edited = edited
            self.retracted = retracted
        }
    }

    public struct HistoryEntry: Codable, Sendable {
        public let id: String?
        /// The op kind, e.g. "status-set".
        public let kind: String
        public let author: String?
        /// The author's display name at the origin department, when they gave one (shown instead of `author`).
        public let authorName: String?
        /// The author's department's name, when known here (the origin of `id`).
        public let department: String?
        public let createdMs: Int?
        /// One human line.
        public let summary: String?
        /// A status change's new status and the reason given (empty when none).
        public let status: String?
        public let reason: String?

        public init(
            id: String?, kind: String, author: String?, authorName: String? = nil, department: String? = nil, createdMs: Int?, summary: String?,
            status: String? = nil, reason: String? = nil
        ) {
            self.status = status
            self.reason = reason
            self.id = id
            self.kind = kind
            self.author = author
            self.authorName = authorName
            self.department = department
            self.createdMs = createdMs
            self.summary = summary
        }
    }

    public struct Link: Codable, Sendable {
        public let kind: String
        public let from: String
        public let to: String
        /// The other idea's title.
        public let title: String?

        public init(kind: String, from: String, to: String, title: String?) {
            self.kind = kind
            self.from = from
            self.to = to
            self.title = title
        }
    }

    public struct Adoption: Codable, Sendable {
        /// The adopting idea.
        public let id: String
        public let origin: String?
        public let department: String?
        public let createdMs: Int?
        public let status: String?

        public init(id: String, origin: String?, department: String?, createdMs: Int?, status: String?) {
            self.id = id
            self.origin = origin
            self.department = department
            self.createdMs = createdMs
            self.status = status
        }
    }

    /// A PDSA cycle: `phase` is the furthest step recorded (plan, do, study, act), `decision`
    /// that of its Act step.
    public struct Cycle: Codable, Sendable {
        public let id: String
        public let phase: String
        public let plan: String
        public let prediction: String
        public let decision: String?
        public let author: String?
        /// The author's display name at the origin department, when they gave one (shown instead of `author`).
        public let authorName: String?
        public let createdMs: Int?
        /// Do, Study and Act steps, oldest first.
        public let steps: [Step]?

        public struct Step: Codable, Sendable {
            public let id: String
            /// "do", "study" or "act".
            public let phase: String
            public let decision: String?
            public let notes: String?
            public let author: String?
            /// The author's display name at the origin department, when they gave one (shown instead of `author`).
            public let authorName: String?
            public let createdMs: Int?

            public init(
                id: String, phase: String, decision: String?, notes: String?, author: String?, authorName: String? = nil,
                createdMs: Int?
            ) {
                self.id = id
                self.phase = phase
                self.decision = decision
                self.notes = notes
                self.author = author
                self.authorName = authorName
                self.createdMs = createdMs
            }
        }

        public init(
            id: String, phase: String, plan: String, prediction: String, decision: String?, author: String?, authorName: String? = nil,
            createdMs: Int?, steps: [Step]?
        ) {
            self.id = id
            self.phase = phase
            self.plan = plan
            self.prediction = prediction
            self.decision = decision
            self.author = author
            self.authorName = authorName
            self.createdMs = createdMs
            self.steps = steps
        }
    }

    public struct Measure: Codable, Sendable {
        public let id: String
        public let name: String
        public let unit: String
        public let better: String
        public let target: Double?
        /// "count", "proportion", "time" or "other"; absent from an older daemon.
        public let kind: String?
        public let author: String?
        /// The author's display name at the origin department, when they gave one (shown instead of `author`).
        public let authorName: String?
        public let createdMs: Int?
        public let observations: Int?
        public let latestDate: String?
        public let latestValue: Double?

        public init(
            id: String, name: String, unit: String, better: String, target: Double?, kind: String?,
            author: String?, authorName: String? = nil, createdMs: Int?, observations: Int?, latestDate: String?,
            latestValue: Double?
        ) {
            self.id = id
            self.name = name
            self.unit = unit
            self.better = better
            self.target = target
            self.kind = kind
            self.author = author
            self.authorName = authorName
            self.createdMs = createdMs
            self.observations = observations
            self.latestDate = latestDate
            self.latestValue = latestValue
        }
    }

    public init(
        id: String, shortId: String, title: String, problem: String?, solution: String?, status: String,
        theme: String?, tags: [String]?, author: String?, authorName: String? = nil, origin: String?, department: String?,
        createdMs: Int?, supporters: Int?, commentCount: Int?, conflicts: [String]?,
        adoptedFrom: String?, comments: [Comment]?, history: [HistoryEntry]?, links: [Link]?,
        adoptions: [Adoption]?, cycles: [Cycle]?, measures: [Measure]?
    ) {
        self.id = id
        self.shortId = shortId
        self.title = title
        self.problem = problem
        self.solution = solution
        self.status = status
        self.theme = theme
        self.tags = tags
        self.author = author
        self.authorName = authorName
        self.origin = origin
        self.department = department
        self.createdMs = createdMs
        self.supporters = supporters
        self.commentCount = commentCount
        self.conflicts = conflicts
        self.adoptedFrom = adoptedFrom
        self.comments = comments
        self.history = history
        self.links = links
        self.adoptions = adoptions
        self.cycles = cycles
        self.measures = measures
    }
}
