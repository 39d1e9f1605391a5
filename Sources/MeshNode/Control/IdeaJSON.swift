import MeshCRDT
import MeshModel
import MeshStore

/// Department names by node id, as this node knows them (its own, and those its peers gave in
/// their handshakes). Taken on the loop thread and handed to the store's threads.
typealias Departments = [NodeID: String]

/// An idea as the control API gives it (CONTROL.md §5): `idea.list` and `digest` give the
/// summary, `idea.show` and `export` add the text, comments, links and adoptions, and
/// `idea.show` the history too. Absent parts are left out of the object.
struct IdeaJSON: Encodable, Sendable {
    struct Comment: Encodable, Sendable {
        let id: String, author: String, text: String, created_ms: UInt64, edited: Bool, retracted: Bool
    }

    struct History: Encodable, Sendable {
        let id: String, kind: String, author: String, created_ms: UInt64, summary: String
    }

    struct Link: Encodable, Sendable {
        let kind: String, from: String, to: String, title: String?
    }

    struct AdoptionJSON: Encodable, Sendable {
        let id: String, origin: String, department: String?, created_ms: UInt64, status: String
    }

    /// A PDSA cycle: `phase` is the furthest step recorded (plan, do, study, act); `decision`
    /// that of the latest Act step.
    struct CycleJSON: Encodable, Sendable {
        struct Step: Encodable, Sendable {
            let id: String, phase: String, decision: String?, notes: String, author: String, created_ms: UInt64
        }
        let id: String, phase: String, plan: String, prediction: String, decision: String?, author: String
        let created_ms: UInt64, steps: [Step]
    }

    /// A measure: `observations` counts those not retracted; `latest_date` and `latest_value`
    /// are the latest of them (absent when there is none).
    struct MeasureJSON: Encodable, Sendable {
        let id: String, name: String, unit: String, better: String, target: Double?, kind: String, author: String
        let created_ms: UInt64, observations: Int, latest_date: String?, latest_value: Double?
    }

    let id: String, short_id: String, title: String, status: String, theme: String, tags: [String]
    let author: String, origin: String, department: String?, created_ms: UInt64, supporters: Int
    let conflicts: [String], adopted_from: String?
    var comment_count: Int?
    let problem: String?, solution: String?, comments: [Comment]?
    var history: [History]?
    var links: [Link]?
    var adoptions: [AdoptionJSON]?
    var cycles: [CycleJSON]?
    var measures: [MeasureJSON]?

    /// The summary, or with `detail` the text and comments too.
    init(_ view: IdeaView, detail: Bool, departments: Departments) {
        id = view.id.text
        short_id = view.id.short
        title = view.content.title
        status = view.status.rawValue
        theme = view.content.theme
        tags = view.content.tags
        author = view.author
        origin = view.id.origin.base32
        department = departments[view.id.origin]
        created_ms = view.hlc.millis
        supporters = view.supporters
        conflicts = view.conflicts.map { "\($0)" }
        adopted_from = view.adoptedFrom?.text
        problem = detail ? view.content.problem : nil
        solution = detail ? view.content.solution : nil
        comments = detail ? view.comments.map {
            Comment(id: $0.id.text, author: $0.author, text: $0.retracted ? "" : $0.text, created_ms: $0.hlc.millis, edited: $0.edited, retracted: $0.retracted)
        } : nil
        comment_count = detail ? view.comments.filter { !$0.retracted }.count : nil
    }

    /// A list entry: the summary with its comment count.
    init(_ summary: IdeaSummary, departments: Departments) {
        self.init(summary.view, detail: false, departments: departments)
        comment_count = summary.commentCount
    }

    /// An `export` entry: the detail, links and adoptions, without history.
    init(_ record: IdeaRecord, departments: Departments) {
        self.init(record.view, detail: true, departments: departments)
        comment_count = record.commentCount
        add(links: record.links, adoptions: record.adoptions, departments: departments)
    }

    mutating func add(links: [IdeaLink], adoptions: [Adoption], departments: Departments) {
        self.links = links.map { Link(kind: $0.kind, from: $0.from.text, to: $0.to.text, title: $0.otherTitle) }
        self.adoptions = adoptions.map {
            AdoptionJSON(
                id: $0.idea.text, origin: $0.idea.origin.base32, department: departments[$0.idea.origin],
                created_ms: $0.hlc.millis, status: $0.status.rawValue)
        }
    }

    mutating func add(history: [HistoryEntry]) {
        self.history = history.map {
            History(id: $0.id.text, kind: $0.kind, author: $0.author, created_ms: $0.hlc.millis, summary: $0.summary)
        }
    }

    mutating func add(cycles: [PDSACycle], measures: [IdeaMeasure]) {
        self.cycles = cycles.map { cycle in
            CycleJSON(
                id: cycle.id.text, phase: cycle.phase, plan: cycle.plan, prediction: cycle.prediction,
                decision: cycle.decision?.rawValue, author: cycle.author, created_ms: cycle.hlc.millis,
                steps: cycle.steps.map {
                    CycleJSON.Step(
                        id: $0.id.text, phase: $0.phase, decision: $0.decision?.rawValue, notes: $0.notes, author: $0.author,
                        created_ms: $0.hlc.millis)
                })
        }
        self.measures = measures.map {
            MeasureJSON(
                id: $0.id.text, name: $0.name, unit: $0.unit, better: $0.better.rawValue, target: $0.target, kind: $0.kind.rawValue,
                author: $0.author,
                created_ms: $0.hlc.millis, observations: $0.observations, latest_date: $0.latestDate?.description,
                latest_value: $0.latestValue)
        }
    }
}
