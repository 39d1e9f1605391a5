import Foundation
import GRDB
import MeshCRDT
import MeshModel
import MeshWire

/// One write transaction's view of the store: registers origins, appends ops and turns each op
/// into rows of the materialized views.
///
/// Order independence: every effect is keyed by the id of what it targets, so an op whose target
/// has not arrived yet is stored and shows once the target arrives (queries join on the target).
/// Follow-ups that must come from the target's own origin (comment edit/retract, unsupport,
/// PDSA do/study/act, observations) always find their target, because an origin's ops arrive in
/// chain order; ops that break that rule have no effect, on every node alike.
struct ApplySession {
    let db: Database
    let store: IdeaStore
    /// Origins first seen in this transaction (published to the store's cache after commit).
    var newOrigins: [NodeID: Int64] = [:]
    /// Ops whose texts this transaction erased from the log (`ApplySession+Erasure`).
    var erasedOps = 0
    /// Whether the store holds any redaction (nil: not looked yet in this transaction).
    var redactionsHeld: Bool?
    /// Local writes only: whether ops must find their target idea here (see `IdeaStore.write`).
    var requireTargets = true
    /// Ops appended in this transaction that have no effect (logged after commit).
    var ineffective: [IneffectiveOp] = []
    /// Whether the full-text indexes are left alone until built at once (`ApplySession+SearchIndex`).
    var searchIndexDeferred = false
    /// The largest HLC of the remote ops applied to the views in this transaction: what the
    /// local clock follows once it has committed (held-back ops do not count).
    var observed = HLC.zero

    init(db: Database, store: IdeaStore) {
        self.db = db
        self.store = store
    }

    /// Runs a statement through GRDB's statement cache: the apply path runs the same few
    /// statements for every op, so each is compiled once per connection.
    func exec(sql: String, arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// The same for single-value lookups.
    func fetchOne<Value: DatabaseValueConvertible & StatementColumnConvertible>(
        _ type: Value.Type, sql: String, arguments: StatementArguments
    ) throws -> Value? {
        try Value.fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    // MARK: origins

    struct OriginRow {
        let index: Int64
        let seq: UInt64
        let head: Data
        let hlc: Int64
        let forked: Bool
    }

    /// The local index of `origin` if it is known here (committed, or registered in this transaction).
    func knownIndex(_ origin: NodeID) -> Int64? {
        newOrigins[origin] ?? store.localIndex(origin)
    }

    mutating func index(of origin: NodeID) throws -> Int64 {
        if let index = knownIndex(origin) { return index }
        try db.cachedStatement(sql: "INSERT INTO origins(key) VALUES(?)").run(Data(origin.bytes))
        let index = db.lastInsertedRowID
        newOrigins[origin] = index
        return index
    }

    /// What is held of `origin`, registering it first if it is new here (local writes).
    mutating func originRow(_ origin: NodeID) throws -> OriginRow {
        let index = try index(of: origin)
        let held = try heldState(origin)
        return OriginRow(index: index, seq: held.seq, head: held.head, hlc: held.hlc, forked: held.forked)
    }

    /// What is held of `origin`, without registering it (nil index: never seen here).
    func heldState(_ origin: NodeID) throws -> (index: Int64?, seq: UInt64, head: Data, hlc: Int64, forked: Bool) {
        guard let index = knownIndex(origin) else { return (nil, 0, Data(), 0, false) }
        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT seq, head, hlc, forked FROM origins WHERE id = ?"), arguments: [index])!
        return (index, UInt64(row["seq"] as Int64), row["head"] ?? Data(), row["hlc"], row["forked"] as Bool)
    }

    func setHead(_ index: Int64, seq: UInt64, head: Data, hlc: HLC) throws {
        try exec(
            sql: "UPDATE origins SET seq = ?, head = ?, hlc = max(hlc, ?) WHERE id = ?",
            arguments: [Int64(seq), head, Int64(bitPattern: hlc.rawValue), index])
    }

    /// The local row id of `id` (registering its origin if it is new here).
    mutating func rid(_ id: OpID) throws -> Int64 {
        RowID.make(origin: try index(of: id.origin), seq: id.seq)
    }

    func quarantine(_ signed: SignedOp, origin: NodeID, seq: UInt64, heldHash: Data, reason: String, wallMillis: UInt64) throws {
        try exec(
            sql: """
                INSERT INTO quarantine(origin, seq, held_hash, bytes, sig, reason, detected_ms, body)
                VALUES(?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                Data(origin.bytes), Int64(seq), heldHash, signed.bytes, signed.signature, reason, Int64(wallMillis),
                signed.storedBody,
            ])
    }

    // MARK: append + apply

    /// Stores the op verbatim and applies its effect (or records why it has none).
    mutating func append(_ signed: SignedOp, op: Op, origin: Int64) throws {
        let (rid, op) = try insertOp(signed, op: op, origin: origin)
        try applyOrRecord(op, rid: rid, hlc: Int64(bitPattern: op.hlc.rawValue))
    }

    /// Stores the op in the log, without effect; returns its row id and the op as stored: with
    /// the texts erased that redact ops held here name (`ApplySession+Erasure`).
    mutating func insertOp(_ signed: SignedOp, op: Op, origin: Int64) throws -> (Int64, Op) {
        let rid = RowID.make(origin: origin, seq: op.seq)
        let (signed, op) = try erasingOnArrival(signed, op: op, rid: rid)
        try db.cachedStatement(sql: "INSERT INTO ops(id, bytes, sig, body) VALUES(?, ?, ?, ?)")
            .run(rid, signed.bytes, signed.signature, signed.storedBody)
        return (rid, op)
    }

    mutating func applyEffect(_ op: Op, rid: Int64, hlc: Int64) throws {
        switch op.body {
        case .ideaCreate(let content):
            try createIdea(rid, op: op, hlc: hlc, content: content, adoptedFrom: nil)
        case .adopt(let source, let content):
            try createIdea(rid, op: op, hlc: hlc, content: content, adoptedFrom: try self.rid(source))
        case .ideaEdit(let idea, let edits):
            let target = try self.rid(idea)
            for edit in edits {
                try registerWrite(
                    target: target, register: Register(edit.field), writer: rid, hlc: hlc, value: edit.value,
                    note: "", author: op.author, seen: edit.seen)
            }
        case .statusSet(let idea, let status, let reason, let seen):
            try registerWrite(
                target: try self.rid(idea), register: .status, writer: rid, hlc: hlc, value: status.rawValue,
                note: reason, author: op.author, seen: seen)
        case .support(let idea):
            try db.cachedStatement(sql: "INSERT INTO supports(idea, id, author) VALUES(?, ?, ?)")
                .run(try self.rid(idea), rid, op.author)
        case .unsupport(let idea, let supports):
            let target = try self.rid(idea)
            for support in supports where support.origin == op.origin {
                try db.cachedStatement(sql: "UPDATE supports SET live = 0 WHERE idea = ? AND id = ? AND author = ?")
                    .run(target, try self.rid(support), op.author)
            }
        case .commentAdd(let idea, let text):
            try db.cachedStatement(sql: "INSERT INTO comments(id, idea, author, hlc, text) VALUES(?, ?, ?, ?, ?)")
                .run(rid, try self.rid(idea), op.author, hlc, text)
            try indexComment(rid, text)
        case .commentEdit(let comment, let text):
            try changeComment(comment, by: op, hlc: hlc, newText: text, retractReason: nil)
        case .commentRetract(let comment, let reason):
            try changeComment(comment, by: op, hlc: hlc, newText: "", retractReason: reason)
        case .themeDefine(let theme):
            try exec(
                sql: """
                    INSERT INTO themes(code, name, description, archived, hlc, origin, writer)
                    VALUES(?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(code) DO UPDATE SET
                        name = excluded.name, description = excluded.description, archived = excluded.archived,
                        hlc = excluded.hlc, origin = excluded.origin, writer = excluded.writer
                    WHERE excluded.hlc > themes.hlc OR (excluded.hlc = themes.hlc AND excluded.origin > themes.origin)
                    """,
                arguments: [theme.code, theme.name, theme.description, theme.archived, hlc, Data(op.origin.bytes), rid])
        case .pdsaStart(let idea, let plan, let prediction):
            try exec(
                sql: "INSERT INTO cycles(id, idea, author, hlc, plan, prediction) VALUES(?, ?, ?, ?, ?, ?)",
                arguments: [rid, try self.rid(idea), op.author, hlc, plan, prediction])
        case .pdsaDo(let cycle, let notes):
            try cycleStep(cycle, by: op, rid: rid, hlc: hlc, phase: "do", decision: nil, notes: notes)
        case .pdsaStudy(let cycle, let notes):
            try cycleStep(cycle, by: op, rid: rid, hlc: hlc, phase: "study", decision: nil, notes: notes)
        case .pdsaAct(let cycle, let decision, let notes):
            try cycleStep(cycle, by: op, rid: rid, hlc: hlc, phase: "act", decision: decision.rawValue, notes: notes)
        case .measureDefine(let idea, let measure):
            try db.cachedStatement(sql: """
                INSERT INTO measures(id, idea, author, hlc, name, unit, better, target, kind) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
                .run(
                    rid, try self.rid(idea), op.author, hlc, measure.name, measure.unit, measure.better.rawValue, measure.target,
                    measure.kind.rawValue)
        case .observationRecord(let measure, let date, let value, let note):
            guard measure.origin == op.origin else { return }
            let target = try self.rid(measure)
            guard try fetchOne(Bool.self, sql: "SELECT 1 FROM measures WHERE id = ?", arguments: [target]) != nil else { return }
            try db.cachedStatement(sql: """
                INSERT INTO observations(id, measure, day, value, note, author, hlc) VALUES(?, ?, ?, ?, ?, ?, ?)
                """)
                .run(rid, target, date.description, value, note, op.author, hlc)
        case .observationRetract(let observation, let reason):
            guard observation.origin == op.origin else { return }
            try exec(
                sql: "UPDATE observations SET retracted = 1, retract_reason = ? WHERE id = ? AND retracted = 0",
                arguments: [reason, try self.rid(observation)])
        case .link(let from, let to, let kind):
            try exec(
                sql: "INSERT INTO links(id, src, dst, kind, author, hlc) VALUES(?, ?, ?, ?, ?, ?)",
                arguments: [rid, try self.rid(from), try self.rid(to), kind.rawValue, op.author, hlc])
        case .personName(let login, let name):
            // An origin's ops apply in seq order and its HLCs increase, so the latest wins.
            try exec(
                sql: """
                    INSERT INTO people(origin, login, name, hlc, writer) VALUES(?, ?, ?, ?, ?)
                    ON CONFLICT(origin, login) DO UPDATE SET name = excluded.name, hlc = excluded.hlc, writer = excluded.writer
                    WHERE excluded.hlc > people.hlc
                    """,
                arguments: [RowID.origin(rid), login, name, hlc, rid])
        case .roleSet(let login, let role):
            try exec(
                sql: """
                    INSERT INTO roles(origin, login, role, hlc, writer) VALUES(?, ?, ?, ?, ?)
                    ON CONFLICT(origin, login) DO UPDATE SET role = excluded.role, hlc = excluded.hlc, writer = excluded.writer
                    """,
                arguments: [RowID.origin(rid), login, role.rawValue, hlc, rid])
        case .workflowSet(let workflow):
            try exec(
                sql: """
                    INSERT INTO workflows(origin, moves, hlc, writer) VALUES(?, ?, ?, ?)
                    ON CONFLICT(origin) DO UPDATE SET moves = excluded.moves, hlc = excluded.hlc, writer = excluded.writer
                    """,
                arguments: [RowID.origin(rid), workflow.stored, hlc, rid])
        case .redact(let redaction):
            try applyRedaction(redaction, by: op, rid: rid, hlc: hlc)
        case .unknown:
            break
        }
    }

    // MARK: ideas and their registers

    mutating func createIdea(_ rid: Int64, op: Op, hlc: Int64, content: IdeaContent, adoptedFrom: Int64?) throws {
        let tags = Tags.join(content.tags)
        try db.cachedStatement(sql: """
            INSERT INTO ideas(id, author, hlc, title, problem, solution, theme, tags, status, adopted_from)
            VALUES(?, ?, ?, ?, ?, ?, ?, ?, 'proposed', ?)
            """)
            .run(rid, op.author, hlc, content.title, content.problem, content.solution, content.theme, tags, adoptedFrom)
        try indexIdea(rid, (content.title, content.problem, content.solution, tags))
        // Edits or status changes that arrived before the idea take effect now.
        guard try fetchOne(Bool.self, sql: "SELECT 1 FROM reg_writes WHERE target = ? LIMIT 1", arguments: [rid]) != nil else { return }
        let pending = try Int.fetchAll(
            db.cachedStatement(sql: "SELECT DISTINCT reg FROM reg_writes WHERE target = ?"), arguments: [rid])
        for reg in pending { try recompute(target: rid, register: Register(rawValue: reg)!) }
    }

    mutating func registerWrite(
        target: Int64, register: Register, writer: Int64, hlc: Int64, value: String, note: String, author: String,
        seen: [OpID]
    ) throws {
        for id in seen {
            let seenRid = try rid(id)
            try exec(
                sql: "INSERT OR IGNORE INTO reg_seen(target, reg, writer) VALUES(?, ?, ?)",
                arguments: [target, register.rawValue, seenRid])
            try exec(
                sql: "UPDATE reg_writes SET live = 0 WHERE target = ? AND reg = ? AND writer = ?",
                arguments: [target, register.rawValue, seenRid])
        }
        let alreadySeen = try fetchOne(Bool.self, sql: "SELECT 1 FROM reg_seen WHERE target = ? AND reg = ? AND writer = ?",
            arguments: [target, register.rawValue, writer]) != nil
        try exec(
            sql: """
                INSERT INTO reg_writes(target, reg, writer, hlc, value, note, author, live)
                VALUES(?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [target, register.rawValue, writer, hlc, value, note, author, !alreadySeen])
        try recompute(target: target, register: register)
    }

    /// Sets the idea's displayed value of `register` to the winner among its current writes
    /// (by hlc, then origin key) and its conflict bit to whether there is more than one.
    func recompute(target: Int64, register: Register) throws {
        guard let idea = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT hlc, title, problem, solution, tags, conflicts FROM ideas WHERE id = ?"),
            arguments: [target])
        else { return }
        struct Candidate { let writer: Int64; let hlc: Int64; let key: Data; let value: String? }
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT w.writer, w.hlc, w.value, w.live, o.key FROM reg_writes w JOIN origins o ON o.id = w.writer >> 40
                WHERE w.target = ? AND w.reg = ?
                """),
            arguments: [target, register.rawValue])
        let creationLive = try fetchOne(Bool.self, sql: "SELECT 1 FROM reg_seen WHERE target = ? AND reg = ? AND writer = ?",
            arguments: [target, register.rawValue, target]) == nil
        let originKey = try fetchOne(Data.self, sql: "SELECT key FROM origins WHERE id = ?", arguments: [RowID.origin(target)])!
        let creation = Candidate(writer: target, hlc: idea["hlc"], key: originKey, value: nil)
        let all = rows.map { Candidate(writer: $0["writer"], hlc: $0["hlc"], key: $0["key"], value: $0["value"]) }
        var current = zip(rows, all).filter { $0.0["live"] as Bool }.map(\.1)
        if creationLive { current.append(creation) }
        // Writes that all name each other (only a misbehaving writer makes such a cycle) leave
        // no current write: fall back to all of them, deterministically.
        let candidates = current.isEmpty ? all + [creation] : current
        // Order of WriteStamp: hlc, then origin key; within one origin (same hlc only from a
        // misbehaving node) the later seq.
        let winner = candidates.max { a, b in
            if a.hlc != b.hlc { return a.hlc < b.hlc }
            if a.key != b.key { return a.key.lexicographicallyPrecedes(b.key) }
            return a.writer < b.writer
        }!
        let value = try winner.value ?? creationValue(of: target, register: register)
        let conflicts: Int = idea["conflicts"]
        let newConflicts = current.count > 1 ? conflicts | register.bit : conflicts & ~register.bit
        try exec(
            sql: "UPDATE ideas SET \(register.column) = ?, conflicts = ? WHERE id = ?",
            arguments: [value, newConflicts, target])
        if register != .status && register != .theme {
            // Keep the external-content FTS index in step with the displayed text.
            let old: IdeaTexts = (idea["title"], idea["problem"], idea["solution"], idea["tags"])
            var new = old
            switch register {
            case .title: new.0 = value
            case .problem: new.1 = value
            case .solution: new.2 = value
            case .tags: new.3 = value
            default: break
            }
            if new != old { try reindexIdea(target, from: old, to: new) }
        }
    }

    /// The value an idea was created with, read back from its op in the log.
    func creationValue(of idea: Int64, register: Register) throws -> String {
        if register == .status { return IdeaStatus.proposed.rawValue }
        guard let op = try? storedOp(idea)?.decode() else { return "" }
        let content: IdeaContent
        switch op.body {
        case .ideaCreate(let c), .adopt(_, let c): content = c
        default: return ""
        }
        return content.value(of: IdeaField(register)!)
    }

    // MARK: follow-ups from the target's own origin

    mutating func changeComment(_ comment: OpID, by op: Op, hlc: Int64, newText: String, retractReason: String?) throws {
        guard comment.origin == op.origin else { return }
        let id = try rid(comment)
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT author, text, retracted, edited_hlc FROM comments WHERE id = ?"), arguments: [id]),
            row["author"] as String == op.author, !(row["retracted"] as Bool),
            (row["edited_hlc"] as Int64?) ?? Int64.min < hlc
        else { return }
        try reindexComment(id, from: row["text"], to: retractReason == nil ? newText : "")
        if let retractReason {
            try exec(
                sql: "UPDATE comments SET text = '', retracted = 1, retract_reason = ?, edited_hlc = ? WHERE id = ?",
                arguments: [retractReason, hlc, id])
        } else {
            try exec(sql: "UPDATE comments SET text = ?, edited_hlc = ? WHERE id = ?", arguments: [newText, hlc, id])
        }
    }

    mutating func cycleStep(_ cycle: OpID, by op: Op, rid: Int64, hlc: Int64, phase: String, decision: String?, notes: String) throws {
        guard cycle.origin == op.origin else { return }
        let target = try self.rid(cycle)
        guard try fetchOne(Bool.self, sql: "SELECT 1 FROM cycles WHERE id = ?", arguments: [target]) != nil else { return }
        try exec(
            sql: "INSERT INTO cycle_steps(id, cycle, phase, decision, notes, author, hlc) VALUES(?, ?, ?, ?, ?, ?, ?)",
            arguments: [rid, target, phase, decision, notes, op.author, hlc])
    }
}

extension Register {
    init(_ field: IdeaField) {
        switch field {
        case .title: self = .title
        case .problem: self = .problem
        case .solution: self = .solution
        case .theme: self = .theme
        case .tags: self = .tags
        }
    }
}

extension IdeaField {
    init?(_ register: Register) {
        switch register {
        case .title: self = .title
        case .problem: self = .problem
        case .solution: self = .solution
        case .theme: self = .theme
        case .tags: self = .tags
        case .status: return nil
        }
    }
}
