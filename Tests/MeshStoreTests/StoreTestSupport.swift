import Foundation
import MeshCRDT
import MeshModel
import MeshStore
import MeshWire

/// A temporary directory removed when the value goes away.
final class TempDir: @unchecked Sendable {
    // Immutable after init; only read.
    let path: String

    init() {
        var template = Array((NSTemporaryDirectory() + "ideamesh-test-XXXXXX").utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Two departments' stores, A and B, each with an identity of its own, in a temporary
/// directory: what the suites that write at one and sync to the other start from.
struct TwoStores {
    let dir = TempDir()
    let aID = NodeIdentity(), bID = NodeIdentity()
    let a: IdeaStore, b: IdeaStore

    init() throws {
        a = try IdeaStore(path: dir.file("a.sqlite"), identity: aID)
        b = try IdeaStore(path: dir.file("b.sqlite"), identity: bID)
    }
}

/// A suite set up with `TwoStores`, whose parts it reads by name.
protocol TwoStoreSuite {
    var stores: TwoStores { get }
}

extension TwoStoreSuite {
    var dir: TempDir { stores.dir }
    var a: IdeaStore { stores.a }
    var b: IdeaStore { stores.b }
    var aID: NodeIdentity { stores.aID }
    var bID: NodeIdentity { stores.bID }
}

/// No theme: a local write may only name a theme a leader defined (`themes` tests that).
let content = IdeaContent(title: "Night falls", problem: "Patients fall at night", solution: "Hourly rounding")

/// Copies to `target` every op `source` holds that `target` lacks, in batches of `batchSize`.
func sync(from source: IdeaStore, to target: IdeaStore, batchSize: Int = 50) throws {
    let theirs = try source.versionVector()
    let mine = try target.versionVector()
    for (origin, range) in mine.missing(comparedTo: theirs) {
        var next = range.lowerBound
        while next <= range.upperBound {
            let batch = try source.ops(of: origin, from: next, limit: batchSize)
            if batch.isEmpty { break }
            try target.apply(batch: batch)
            next += UInt64(batch.count)
        }
    }
}

/// Every op `store` holds, per origin, in seq order.
func allOps(_ store: IdeaStore) throws -> [NodeID: [SignedOp]] {
    var out = [NodeID: [SignedOp]]()
    for origin in try store.versionVector().origins {
        out[origin] = try store.ops(of: origin, from: 1, limit: .max)
    }
    return out
}

/// A small mesh of nodes writing random ops of every kind and syncing now and then, so the
/// history has concurrent writes, cross-department references and follow-ups.
struct RandomHistory {
    var rng: SplitMix64
    let dir: TempDir
    var nodes: [(identity: NodeIdentity, store: IdeaStore)] = []
    var wall: UInt64 = 1_750_000_000_000
    /// What each node made that only it may follow up: comments (with author), cycles, measures, observations.
    var comments: [[(OpID, String)]], cycles: [[OpID]], measures: [[OpID]], observations: [[OpID]]
    let authors = ["ann", "bob", "cat"]

    init(seed: UInt64, nodes count: Int, dir: TempDir) throws {
        rng = SplitMix64(seed: seed)
        self.dir = dir
        for index in 0..<count {
            let identity = NodeIdentity()
            nodes.append((identity, try IdeaStore(path: dir.file("node\(index).sqlite"), identity: identity)))
        }
        comments = Array(repeating: [], count: count)
        cycles = comments.map { _ in [] }
        measures = cycles
        observations = cycles
    }

    mutating func run(steps: Int) throws {
        for _ in 0..<steps {
            wall += UInt64(rng.below(3))  // often equal across nodes: HLC ties happen
            if rng.chance(20) {
                let a = rng.below(nodes.count), b = rng.below(nodes.count)
                if a != b { try sync(from: nodes[a].store, to: nodes[b].store, batchSize: 1 + rng.below(7)) }
            } else {
                try write(at: rng.below(nodes.count))
            }
        }
    }

    mutating func write(at node: Int) throws {
        let store = nodes[node].store
        var author = authors[rng.below(authors.count)]
        let ideas = try store.ideaIDs()
        func pick<T>(_ list: [T]) -> T? { list.isEmpty ? nil : list[rng.below(list.count)] }
        let idea = pick(ideas)
        // Mostly this department's own ideas, whose fields and status only it changes; now and
        // then another's, signed outside the writer (`forge`): no effect on any node.
        let editable = rng.chance(20) ? idea : pick(ideas.filter { $0.origin == nodes[node].identity.nodeID })
        let body: OpBody?
        switch rng.below(17) {
        case 0, 1:
            body = .ideaCreate(IdeaContent(
                title: "idea \(rng.below(1000))", problem: "problem \(rng.below(1000))", solution: "solution \(rng.below(1000))",
                theme: pick(["", "safety", "flow"])!, tags: rng.chance(50) ? ["t\(rng.below(4))"] : []))
        case 2:
            let field = pick(IdeaField.allCases)!
            let value = field == .theme ? pick(["", "safety", "flow"])! : "edit \(rng.below(1000))"
            body = editable.map { .ideaEdit(idea: $0, edits: [FieldEdit(field: field, value: value, seen: [])]) }
        case 3:
            body = editable.map { .statusSet(idea: $0, status: pick(IdeaStatus.allCases)!, reason: "r", seen: []) }
        case 4, 5:
            body = idea.map { .support(idea: $0) }
        case 6:
            body = idea.map { .unsupport(idea: $0, supports: []) }
        case 7:
            body = idea.map { .commentAdd(idea: $0, text: "comment \(rng.below(1000))") }
        case 8:
            // Only a comment's own author may change it.
            let comment = pick(comments[node])
            if let comment { author = comment.1 }
            body = comment.map { c in
                rng.chance(50) ? .commentEdit(comment: c.0, text: "edited \(rng.below(1000))") : .commentRetract(comment: c.0, reason: "x")
            }
        case 9:
            body = .themeDefine(Theme(code: pick(["safety", "flow"])!, name: "n\(rng.below(100))", archived: rng.chance(20)))
        case 10:
            body = idea.map { .pdsaStart(idea: $0, plan: "plan", prediction: "pred") }
        case 11:
            body = pick(cycles[node]).map { c in
                switch rng.below(3) {
                case 0: .pdsaDo(cycle: c, notes: "did")
                case 1: .pdsaStudy(cycle: c, notes: "saw")
                default: .pdsaAct(cycle: c, decision: pick(PDSADecision.allCases)!, notes: "act")
                }
            }
        case 12:
            body = idea.map {
                .measureDefine(idea: $0, MeasureDefinition(
                    name: "m\(rng.below(4))", unit: "min", better: .lower, target: 30, kind: MeasureKind.allCases[rng.below(MeasureKind.allCases.count)]))
            }
        case 13:
            body = pick(measures[node]).map { .observationRecord(measure: $0, date: Day("2026-01-\(10 + rng.below(18))")!, value: Double(rng.below(60)), note: "") }
        case 14:
            body = pick(observations[node]).map { .observationRetract(observation: $0, reason: "typo") }
        case 15:
            body = idea.map { .adopt(source: $0, content: IdeaContent(title: "", problem: "", solution: "")) }
        default:
            if let from = pick(ideas), let to = pick(ideas), from != to {
                body = .link(from: from, to: to, kind: pick(LinkKind.allCases)!)
            } else {
                body = nil
            }
        }
        guard let body else { return }
        if body.rightsViolation(origin: nodes[node].identity.nodeID) != nil {
            try forge(body, at: store, identity: nodes[node].identity, author: author, wallMillis: wall)
            return
        }
        let signed: SignedOp
        do {
            signed = try store.write(body, author: rng.chance(10) && !needsAuthor(body) ? "" : author, wallMillis: wall)
        } catch StoreError.notAllowed, StoreError.notFound, StoreError.notOwnFound, StoreError.governance {
            return  // e.g. supporting twice: refused, as it should be
        } catch StoreError.invalid(let error) where error.field == "theme" || error.field == "name" {
            return  // a theme not defined (or archived) at this node yet, a measure name the idea has
        }
        let id = try signed.decode().id
        switch body {
        case .commentAdd: comments[node].append((id, try signed.decode().author))
        case .pdsaStart: cycles[node].append(id)
        case .measureDefine: measures[node].append(id)
        case .observationRecord: observations[node].append(id)
        default: break
        }
    }

    func needsAuthor(_ body: OpBody) -> Bool {
        switch body {
        case .support, .unsupport, .commentAdd, .commentEdit, .commentRetract: true
        default: false
        }
    }
}

/// Writes `body` at `store` as `author`, at wall-clock `wall`, and returns the op's id.
@discardableResult
func write(_ store: IdeaStore, _ body: OpBody, by author: String = "ann", at wall: UInt64) throws -> OpID {
    try store.write(body, author: author, wallMillis: wall).decode().id
}

/// Signs `body` as the next op of `identity`'s chain held in `store`, exactly as given (a local
/// write would fill in the register writes it has seen: a misbehaving origin need not), and
/// applies it there as a received op. Returns the op. The only way left to make two current
/// writes of one register: an idea's fields and status are changed by its own department alone
/// (Protocol/README.md, "Rights"), whose local writes see each other.
@discardableResult
func forge(_ body: OpBody, at store: IdeaStore, identity: NodeIdentity, author: String, wallMillis: UInt64) throws -> SignedOp {
    let head = try store.versionVector()[identity.nodeID]
    let last = head.seq == 0 ? nil : try store.ops(of: identity.nodeID, from: head.seq, limit: 1)[0]
    // An origin's HLCs increase: after its last op, whatever `wallMillis` says.
    let hlc = HLC(rawValue: max(HLC(millis: wallMillis, counter: 0).rawValue, (try last?.decode().hlc.rawValue ?? 0) + 1))
    let op = SignedOp.make(identity: identity, seq: head.seq + 1, prev: last?.hash ?? Data(), hlc: hlc, author: author, body: body)
    try store.apply(batch: [op])
    return op
}
