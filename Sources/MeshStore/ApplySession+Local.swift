import Foundation
import GRDB
import MeshCRDT
import MeshModel

/// Checks a local write against the store and completes it: what it refers to must exist here,
/// follow-ups must be the writer's own, and what the writer has seen is filled in (register heads,
/// the supports an unsupport removes, an adoption's content).
extension ApplySession {
    mutating func prepareLocal(_ body: OpBody, author: String, origin: NodeID, requireTargets: Bool) throws -> OpBody {
        self.requireTargets = requireTargets
        switch body {
        case .ideaCreate(let content):
            try requireTheme(content.theme)
            return body
        case .themeDefine, .personName, .roleSet, .workflowSet, .unknown:
            return body
        case .ideaEdit(let idea, let edits):
            let target = try requireIdea(idea)
            for edit in edits where edit.field == .theme { try requireTheme(edit.value) }
            return .ideaEdit(idea: idea, edits: try edits.map { edit in
                FieldEdit(field: edit.field, value: edit.value, seen: try heads(target: target, register: Register(edit.field)))
            })
        case .statusSet(let idea, let status, let reason, _):
            let target = try requireIdea(idea)
            return .statusSet(idea: idea, status: status, reason: reason, seen: try heads(target: target, register: .status))
        case .support(let idea):
            let target = try requireIdea(idea)
            if try !ownSupports(idea: target, origin: origin, author: author).isEmpty {
                throw StoreError.notAllowed("\(author) already supports \(idea.short): a person's support counts once")
            }
            return body
        case .unsupport(let idea, _):
            let target = try requireIdea(idea)
            let supports = try ownSupports(idea: target, origin: origin, author: author)
            if supports.isEmpty { throw StoreError.notAllowed("\(author) does not support \(idea.short), so there is no support to take back") }
            return .unsupport(idea: idea, supports: supports)
        case .commentAdd(let idea, _), .pdsaStart(let idea, _, _):
            _ = try requireIdea(idea)
            return body
        case .measureDefine(let idea, let measure):
            let target = try requireIdea(idea)
            // Departments compare a measure by its name (`measure.compare`): one idea's measures
            // are told apart by theirs.
            if requireTargets, let same = try Int64.fetchOne(
                db, sql: "SELECT id FROM measures WHERE idea = ? AND name = ? COLLATE NOCASE LIMIT 1", arguments: [target, measure.name]) {
                throw StoreError.invalid(ValidationError(
                    field: "name", problem: "\(idea.short) already has a measure called \"\(measure.name)\" (\(try opID(same).short)); give this one another name"))
            }
            return body
        case .commentEdit(let comment, _), .commentRetract(let comment, _):
            guard comment.origin == origin,
                  let row = try Row.fetchOne(
                    db, sql: "SELECT author, retracted FROM comments WHERE id = ?", arguments: [try rid(comment)])
            else { throw StoreError.notOwnFound(what: "comment", id: comment) }
            guard row["author"] as String == author else { throw StoreError.notAllowed("comment \(comment.short) is \(row["author"] as String)'s: only its author may change it") }
            guard !(row["retracted"] as Bool) else {
                if case .commentRetract = body { throw StoreError.notAllowed("comment \(comment.short) is already retracted: nothing to do") }
                throw StoreError.notAllowed("comment \(comment.short) was retracted and cannot change any more")
            }
            return body
        case .pdsaDo(let cycle, _), .pdsaStudy(let cycle, _), .pdsaAct(let cycle, _, _):
            try requireOwn(cycle, origin: origin, table: "cycles", what: "PDSA cycle")
            // Act ends a cycle: a change of mind after it is a new cycle, so its record stays as decided.
            if let decision = try String.fetchOne(
                db, sql: "SELECT decision FROM cycle_steps WHERE cycle = ? AND phase = 'act' LIMIT 1", arguments: [try rid(cycle)])
            {
                throw StoreError.notAllowed("PDSA cycle \(cycle.short) was closed by its Act step (\(decision)); start a new cycle")
            }
            return body
        case .observationRecord(let measure, _, _, _):
            // The measure's kind bounds its values: a content rule (`IdeaStore.writeLocal` checks it).
            try requireOwn(measure, origin: origin, table: "measures", what: "measure")
            return body
        case .observationRetract(let observation, _):
            try requireOwn(observation, origin: origin, table: "observations", what: "observation")
            if try Bool.fetchOne(db, sql: "SELECT retracted FROM observations WHERE id = ?", arguments: [try rid(observation)]) == true {
                throw StoreError.notAllowed("observation \(observation.short) was already retracted")
            }
            return body
        case .adopt(let source, let content):
            let target = try requireIdea(source)
            if !content.title.isEmpty { return body }
            guard let row = try Row.fetchOne(
                db, sql: "SELECT title, problem, solution, theme, tags FROM ideas WHERE id = ?", arguments: [target])
            else { throw StoreError.notFound(what: "idea to copy", id: source) }
            return .adopt(source: source, content: IdeaContent(
                title: row["title"], problem: row["problem"], solution: row["solution"], theme: row["theme"],
                tags: Tags.split(row["tags"])))
        case .link(let from, let to, _):
            _ = try requireIdea(from)
            _ = try requireIdea(to)
            return body
        case .redact(let redaction):
            return .redact(try prepareRedaction(redaction, author: author, origin: origin))
        }
    }

    mutating func requireIdea(_ idea: OpID) throws -> Int64 {
        if !requireTargets { return try rid(idea) }
        guard let index = knownIndex(idea.origin) else {
            throw StoreError.notFound(what: "idea", id: idea)
        }
        let target = RowID.make(origin: index, seq: idea.seq)
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM ideas WHERE id = ?", arguments: [target]) != nil else {
            throw StoreError.notFound(what: "idea", id: idea)
        }
        return target
    }

    /// A new idea's theme, or a theme an edit sets, is one the leaders defined and have not
    /// archived (or none). An adoption keeps its source's theme, whatever became of it since.
    func requireTheme(_ code: String) throws {
        guard requireTargets, !code.isEmpty else { return }
        if let problem = try Self.themeProblem(db, code: code, allowArchived: false) { throw StoreError.invalid(problem) }
    }

    /// What is wrong with filing under (or, `allowArchived`, looking for) theme `code`: not
    /// defined, or archived; nil when nothing is. The message lists the current themes.
    static func themeProblem(_ db: Database, code: String, allowArchived: Bool) throws -> ValidationError? {
        let archived = try Bool.fetchOne(db, sql: "SELECT archived FROM themes WHERE code = ?", arguments: [code])
        if archived == false || (archived == true && allowArchived) { return nil }
        let current = try String.fetchAll(db, sql: "SELECT code FROM themes WHERE archived = 0 ORDER BY code")
        let known = current.isEmpty
            ? "no themes are defined yet (leaders define them); leave the theme out"
            : "the themes are: \(current.joined(separator: ", "))"
        let what = archived == true ? "\"\(code)\" was archived" : "no theme \"\(code)\" is defined"
        return ValidationError(field: "theme", problem: "\(what); \(known)")
    }

    mutating func requireOwn(_ id: OpID, origin: NodeID, table: String, what: String) throws {
        guard id.origin == origin,
              try Bool.fetchOne(db, sql: "SELECT 1 FROM \(table) WHERE id = ?", arguments: [try rid(id)]) != nil
        else { throw StoreError.notOwnFound(what: what, id: id) }
    }

    /// The current writes of a register: what a new write has seen.
    func heads(target: Int64, register: Register) throws -> [OpID] {
        var rids = try Int64.fetchAll(
            db, sql: "SELECT writer FROM reg_writes WHERE target = ? AND reg = ? AND live = 1",
            arguments: [target, register.rawValue])
        let creationSeen = try Bool.fetchOne(
            db, sql: "SELECT 1 FROM reg_seen WHERE target = ? AND reg = ? AND writer = ?",
            arguments: [target, register.rawValue, target]) != nil
        if !creationSeen { rids.append(target) }
        return try rids.map(opID)
    }

    func ownSupports(idea: Int64, origin: NodeID, author: String) throws -> [OpID] {
        guard let index = knownIndex(origin) else { return [] }
        let low = RowID.make(origin: index, seq: 0), high = RowID.make(origin: index, seq: RowID.maxSeq)
        return try Int64.fetchAll(
            db, sql: "SELECT id FROM supports WHERE idea = ? AND author = ? AND live = 1 AND id BETWEEN ? AND ?",
            arguments: [idea, author, low, high]
        ).map(opID)
    }

    func opID(_ rid: Int64) throws -> OpID {
        let key = try Data.fetchOne(db, sql: "SELECT key FROM origins WHERE id = ?", arguments: [RowID.origin(rid)])!
        return OpID(origin: NodeID(bytes: key)!, seq: RowID.seq(rid))
    }
}
