import MeshControl
import MeshCRDT
import MeshModel
import MeshStore

extension IdeaDetail {
    /// An idea in full (CONTROL.md §5.1): `idea.show` gives every part, `export` no history, cycles
    /// or measures (nil parts are left out of the object). `commentCount` defaults to the comments
    /// not retracted.
    init(
        _ view: IdeaView, commentCount: Int? = nil, links: [MeshStore.IdeaLink], adoptions: [MeshStore.Adoption],
        history: [MeshStore.HistoryEntry]?, cycles: [PDSACycle]?, measures: [IdeaMeasure]?, departments: Departments,
        names: DisplayNames
    ) {
        self.init(
            id: view.id.text, shortId: view.id.short, title: view.content.title, problem: view.content.problem,
            solution: view.content.solution, status: view.status.rawValue, theme: view.content.theme, tags: view.content.tags,
            author: view.author, authorName: names.name(origin: view.id.origin, login: view.author), origin: view.id.origin.base32, department: departments[view.id.origin],
            createdMs: Int(view.hlc.millis), supporters: view.supporters,
            commentCount: commentCount ?? view.comments.filter { !$0.retracted }.count,
            conflicts: view.conflicts.map { "\($0)" }, adoptedFrom: view.adoptedFrom?.text,
            comments: view.comments.map {
                Comment(
                    id: $0.id.text, author: $0.author, authorName: names.name(origin: $0.id.origin, login: $0.author),
                    department: departments[$0.id.origin], text: $0.retracted ? "" : $0.text, createdMs: Int($0.hlc.millis),
                    edited: $0.edited, retracted: $0.retracted)
            },
            history: history?.map {
                HistoryEntry(
                    id: $0.id.text, kind: $0.kind, author: $0.author, authorName: names.name(origin: $0.id.origin, login: $0.author),
                    department: departments[$0.id.origin], createdMs: Int($0.hlc.millis), summary: $0.summary,
                    status: $0.status?.rawValue, reason: $0.reason)
            },
            links: links.map { Link(kind: $0.kind, from: $0.from.text, to: $0.to.text, title: $0.otherTitle) },
            adoptions: adoptions.map {
                Adoption(
                    id: $0.idea.text, origin: $0.idea.origin.base32, department: departments[$0.idea.origin],
                    createdMs: Int($0.hlc.millis), status: $0.status.rawValue)
            },
            cycles: cycles?.map { cycle in
                Cycle(
                    id: cycle.id.text, phase: cycle.phase, plan: cycle.plan, prediction: cycle.prediction,
                    decision: cycle.decision?.rawValue, author: cycle.author,
                    authorName: names.name(origin: cycle.id.origin, login: cycle.author), createdMs: Int(cycle.hlc.millis),
                    steps: cycle.steps.map {
                        Cycle.Step(
                            id: $0.id.text, phase: $0.phase, decision: $0.decision?.rawValue, notes: $0.notes, author: $0.author,
                            authorName: names.name(origin: $0.id.origin, login: $0.author),
                            createdMs: Int($0.hlc.millis))
                    })
            },
            measures: measures?.map {
                Measure(
                    id: $0.id.text, name: $0.name, unit: $0.unit, better: $0.better.rawValue, target: $0.target,
                    kind: $0.kind.rawValue, author: $0.author, authorName: names.name(origin: $0.id.origin, login: $0.author),
                    createdMs: Int($0.hlc.millis), observations: $0.observations,
                    latestDate: $0.latestDate?.description, latestValue: $0.latestValue)
            })
    }

    /// An `export` entry: the idea in full with its links and adoptions, without history.
    init(_ record: IdeaRecord, departments: Departments, names: DisplayNames) {
        self.init(
            record.view, commentCount: record.commentCount, links: record.links, adoptions: record.adoptions, history: nil,
            cycles: nil, measures: nil, departments: departments, names: names)
    }
}
