import Foundation
import GRDB
import MeshCRDT
import MeshModel
import MeshWire

/// One op in the history of an idea, as people read it.
public struct HistoryEntry: Hashable, Sendable {
    public var id: OpID
    /// The op's kind (`OpBody.kind`, e.g. "status-set").
    public var kind: String
    public var author: String
    public var hlc: HLC
    /// One human line: what the op did.
    public var summary: String
    /// For a status change: the status it set, and the reason given (empty when none).
    public var status: IdeaStatus? = nil
    public var reason: String? = nil
}

/// A typed edge between two ideas (a `link` op), seen from one of them.
public struct IdeaLink: Hashable, Sendable {
    /// The link op.
    public var id: OpID
    /// `LinkKind` raw value: duplicate-of, builds-on, affects.
    public var kind: String
    public var from: OpID
    public var to: OpID
    /// The title of the idea at the other end, when it is held here.
    public var otherTitle: String?
}

/// An idea made by adopting another one.
public struct Adoption: Hashable, Sendable {
    /// The adopting idea (its adopt op).
    public var idea: OpID
    public var hlc: HLC
    public var status: IdeaStatus
}

extension IdeaStore {
    /// Every op held that concerns the idea, oldest first by (hlc, origin): its creation, edits,
    /// status changes, supports and their withdrawal, comments and their edits and retractions,
    /// links from and to it, adoptions of it, its PDSA cycles, measures and observations. Nil
    /// when the idea is not held here.
    ///
    /// Most of these are found through the views, keyed by the op that made each row. Follow-ups
    /// that leave no row of their own (an unsupport, a comment's edits and retraction, an
    /// observation's retraction) come from their target's origin, after it in that origin's
    /// chain: they are found by reading on from there, only for targets the views show changed.
    public func history(of idea: OpID) throws -> [HistoryEntry]? {
        guard let index = localIndex(idea.origin) else { return nil }
        let rid = RowID.make(origin: index, seq: idea.seq)
        return try reading { db -> [HistoryEntry]? in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM ideas WHERE id = ?", arguments: [rid]) != nil else { return nil }
            var rids: Set<Int64> = [rid]
            for sql in [
                "SELECT writer FROM reg_writes WHERE target = ?1",
                "SELECT id FROM supports WHERE idea = ?1",
                "SELECT id FROM comments WHERE idea = ?1",
                "SELECT id FROM links WHERE src = ?1 OR dst = ?1",
                "SELECT id FROM ideas WHERE adopted_from = ?1",
                "SELECT id FROM cycles WHERE idea = ?1",
                "SELECT s.id FROM cycle_steps s JOIN cycles c ON c.id = s.cycle WHERE c.idea = ?1",
                "SELECT id FROM measures WHERE idea = ?1",
                "SELECT o.id FROM observations o JOIN measures m ON m.id = o.measure WHERE m.idea = ?1",
                "SELECT redactor FROM redactions WHERE target = ?1",
                "SELECT r.redactor FROM redactions r JOIN comments c ON c.id = r.target WHERE c.idea = ?1",
            ] {
                rids.formUnion(try Int64.fetchAll(db, sql: sql, arguments: [rid]))
            }
            // Targets whose follow-ups must be looked for, by origin index.
            var changed = [Int64: Set<Int64>]()
            for sql in [
                "SELECT id FROM supports WHERE idea = ?1 AND live = 0",
                "SELECT id FROM comments WHERE idea = ?1 AND edited_hlc IS NOT NULL",
                "SELECT o.id FROM observations o JOIN measures m ON m.id = o.measure WHERE m.idea = ?1 AND o.retracted = 1",
            ] {
                for target in try Int64.fetchAll(db, sql: sql, arguments: [rid]) {
                    changed[RowID.origin(target), default: []].insert(target)
                }
            }
            let keys = try originKeys(db)
            let indexes = Dictionary(keys.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
            func localID(_ id: OpID) -> Int64? { indexes[id.origin].map { RowID.make(origin: $0, seq: id.seq) } }
            for (origin, targets) in changed {
                let cursor = try Row.fetchCursor(
                    // Held-back ops (not applied yet) are not part of the history.
                    db, sql: "SELECT id, bytes, body FROM ops WHERE id > ? AND id <= ? AND id NOT IN (SELECT id FROM held) ORDER BY id",
                    arguments: [targets.min()!, RowID.make(origin: origin, seq: RowID.maxSeq)])
                while let row = try cursor.next() {
                    guard let op = try? OpCodec.decode(stored: row) else { continue }
                    let target: OpID?
                    switch op.body {
                    case .unsupport(let supported, _) where supported == idea: rids.insert(row["id"]); continue
                    case .commentEdit(let comment, _), .commentRetract(let comment, _): target = comment
                    case .observationRetract(let observation, _): target = observation
                    default: target = nil
                    }
                    if let target, let local = localID(target), targets.contains(local) { rids.insert(row["id"]) }
                }
            }
            let retracted = Set(try Int64.fetchAll(db, sql: "SELECT id FROM comments WHERE idea = ? AND retracted = 1", arguments: [rid]))
            var entries = [(entry: HistoryEntry, key: NodeID)]()
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT id, bytes, body FROM ops WHERE id IN (\(rids.map(String.init).joined(separator: ",")))")
            while let row = try cursor.next() {
                guard let op = try? OpCodec.decode(stored: row) else { continue }
                var hidden = false
                switch op.body {
                case .commentAdd: hidden = retracted.contains(row["id"])
                case .commentEdit(let comment, _): hidden = localID(comment).map(retracted.contains) ?? false
                default: break
                }
                var entry = HistoryEntry(
                    id: op.id, kind: op.body.kind, author: op.author, hlc: op.hlc,
                    summary: Self.describe(op, in: idea, hideText: hidden))
                if case .statusSet(_, let status, let reason, _) = op.body {
                    entry.status = status
                    entry.reason = reason
                }
                entries.append((entry, op.origin))
            }
            return entries.sorted { ($0.entry.hlc, $0.key, $0.entry.id.seq) < ($1.entry.hlc, $1.key, $1.entry.id.seq) }.map(\.entry)
        }
    }

    /// Links from and to the idea, oldest first.
    public func links(of idea: OpID) throws -> [IdeaLink] {
        guard let index = localIndex(idea.origin) else { return [] }
        let rid = RowID.make(origin: index, seq: idea.seq)
        return try reading { db in
            let keys = try originKeys(db)
            return try Row.fetchAll(
                db, sql: """
                    SELECT l.id, l.src, l.dst, l.kind, i.title FROM links l
                    LEFT JOIN ideas i ON i.id = CASE WHEN l.src = ?1 THEN l.dst ELSE l.src END
                    WHERE l.src = ?1 OR l.dst = ?1 ORDER BY l.hlc, l.id
                    """,
                arguments: [rid]
            ).map { IdeaLink(id: opID($0["id"], keys), kind: $0["kind"], from: opID($0["src"], keys), to: opID($0["dst"], keys), otherTitle: $0["title"]) }
        }
    }

    /// Ideas made by adopting this one, oldest first.
    public func adoptions(of idea: OpID) throws -> [Adoption] {
        guard let index = localIndex(idea.origin) else { return [] }
        let rid = RowID.make(origin: index, seq: idea.seq)
        return try reading { db in
            let keys = try originKeys(db)
            return try Row.fetchAll(db, sql: "SELECT id, hlc, status FROM ideas WHERE adopted_from = ? ORDER BY hlc, id", arguments: [rid])
                .map { Adoption(idea: opID($0["id"], keys), hlc: hlc($0["hlc"]), status: IdeaStatus(rawValue: $0["status"]) ?? .proposed) }
        }
    }

    /// One line saying what `op` did, seen from `idea`, in the words of the people who use it
    /// ("moved to testing", "recorded 4 on 12 May 2026"); the op's exact kind goes beside it in
    /// `HistoryEntry.kind`. `hideText`: the comment it adds or edits was retracted since, so its
    /// text is not repeated.
    static func describe(_ op: Op, in idea: OpID, hideText: Bool) -> String {
        func quote(_ text: String) -> String { "\"\(oneLine(text))\"" }
        switch op.body {
        case .ideaCreate(let content):
            return "submitted \(quote(content.title))"
        case .adopt(let source, let content):
            return op.id == idea ? "adopted from \(source.short): \(quote(content.title))" : "adopted it, as \(op.id.short)"
        case .ideaEdit(_, let edits):
            return "changed " + edits.map { edit in
                edit.value.isEmpty ? "cleared the \(edit.field.rawValue)" : "the \(edit.field.rawValue) to \(quote(edit.value))"
            }.joined(separator: ", ").replacingOccurrences(of: "changed cleared", with: "cleared")
        case .statusSet(_, let status, let reason, _):
            return "moved to \(status.rawValue)" + (reason.isEmpty ? "" : ": \(oneLine(reason))")
        case .support:
            return "supported it"
        case .unsupport:
            return "withdrew their support"
        case .commentAdd(_, let text):
            return hideText ? "commented (since retracted)" : "commented: \(quote(text))"
        case .commentEdit(let comment, let text):
            return hideText ? "edited comment \(comment.short) (since retracted)" : "edited comment \(comment.short): \(quote(text))"
        case .commentRetract(let comment, let reason):
            return "retracted comment \(comment.short)" + (reason.isEmpty ? "" : ": \(oneLine(reason))")
        case .link(let from, let to, let kind):
            return from == idea ? "linked: \(kind.rawValue) \(to.short)" : "linked from \(from.short): \(kind.rawValue) this idea"
        case .pdsaStart(_, let plan, _):
            return "started PDSA cycle \(op.id.short), planning \(quote(plan))"
        case .pdsaDo(let cycle, let notes):
            return "carried out PDSA cycle \(cycle.short) (Do)" + (notes.isEmpty ? "" : ": \(quote(notes))")
        case .pdsaStudy(let cycle, let notes):
            return "studied the results of PDSA cycle \(cycle.short)" + (notes.isEmpty ? "" : ": \(quote(notes))")
        case .pdsaAct(let cycle, let decision, let notes):
            return "decided to \(decision.rawValue) after PDSA cycle \(cycle.short), closing it" + (notes.isEmpty ? "" : ": \(quote(notes))")
        case .measureDefine(_, let measure):
            return "began measuring \(quote(measure.name)) (\(measure.unit), \(measure.better.rawValue) is better)"
        case .observationRecord(_, let date, let value, let note):
            return "recorded \(number(value)) on \(longDate(date))" + (note.isEmpty ? "" : ": \(quote(note))")
        case .observationRetract(_, let reason):
            return "retracted an observation" + (reason.isEmpty ? "" : ": \(oneLine(reason))")
        case .themeDefine(let theme):
            return "defined the theme \(theme.code)"
        case .personName:
            return "set their display name"
        case .roleSet(let login, let role):
            return "made \(login) \(GovernanceViolation.article(role))\(role.rawValue)"
        case .workflowSet(let workflow):
            return "set the status workflow (\(workflow.moves.count) moves)"
        case .redact(let redaction):
            let what = redaction.field == .comment ? "the text of comment \(redaction.target.short)" : "the \(redaction.field.rawValue)"
            return "removed \(what) everywhere (patient-identifiable): \(oneLine(redaction.reason))"
        case .unknown:
            return "an operation this version cannot read"
        }
    }

    /// A value as people write it: 4, not 4.0; 2.5 as it is.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    /// 12 May 2026.
    static func longDate(_ day: Day) -> String {
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        return "\(day.day) \(months[day.month - 1]) \(day.year)"
    }

    /// `text` on one line (whitespace runs become one space), cut to `limit` characters.
    static func oneLine(_ text: String, limit: Int = 80) -> String {
        let flat = text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return flat.count <= limit ? flat : String(flat.prefix(limit - 1)) + "…"
    }
}
