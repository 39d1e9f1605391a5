import Foundation
import GRDB
import MeshCRDT
import MeshModel
import MeshWire

/// Erasure (Protocol/README.md, "Erasure"): a `redact` op names the ops that wrote a text of an
/// idea or comment; every node erases that text from those ops' bodies (op format 2, where the
/// signature and the chain cover only the op's header and its body's hash), from the views and
/// the full-text indexes, and stores an op it names that arrives later already erased. Who may
/// erase is decided from the redact op, the op it names and the roles its own origin's earlier
/// ops set, so every node reaches the same verdict.
extension ApplySession {
    /// Records what `redaction`, the body of the op at `rid`, erases, and erases it from the ops
    /// named that are held here.
    mutating func applyRedaction(_ redaction: Redaction, by op: Op, rid: Int64, hlc: Int64) throws {
        let origin = RowID.origin(rid)
        let leads = try leads(op.author, at: origin)
        let target = try self.rid(redaction.target)
        redactionsHeld = true
        for id in redaction.ops {
            let named = try self.rid(id)
            try exec(
                sql: """
                    INSERT OR IGNORE INTO redactions(op, redactor, target, field, author, leads, hlc, reason)
                    VALUES(?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [named, rid, target, redaction.field.rawValue, op.author, leads, hlc, redaction.reason])
            guard let signed = try storedOp(named), signed.format == 2, let held = try? signed.decode(),
                  let (erased, slots) = try erasing(signed, op: held, rid: named)
            else { continue }
            try exec(sql: "UPDATE ops SET body = ? WHERE id = ?", arguments: [erased.body, named])
            erasedOps += 1
            // A held-back op, or one without effect, has nothing in the views to change.
            let inViews = try fetchOne(Bool.self, sql: "SELECT 1 FROM held WHERE id = ?", arguments: [named]) == nil
                && fetchOne(Bool.self, sql: "SELECT 1 FROM ineffective_ops WHERE id = ?", arguments: [named]) == nil
            if inViews { try refreshViews(erasing: try erased.decode(), rid: named, slots: slots) }
        }
    }

    /// An op about to be stored, with the texts erased that redact ops held here name (nothing
    /// changes for an op no redaction names, or a format-1 op).
    /// Looks for redactions only once per transaction while the store holds none (the common
    /// case, on the path of every op applied).
    mutating func erasingOnArrival(_ signed: SignedOp, op: Op, rid: Int64) throws -> (SignedOp, Op) {
        guard signed.format == 2 else { return (signed, op) }
        if redactionsHeld == nil {
            redactionsHeld = try fetchOne(Bool.self, sql: "SELECT 1 FROM redactions LIMIT 1", arguments: []) != nil
        }
        guard redactionsHeld == true,
              try fetchOne(Bool.self, sql: "SELECT 1 FROM redactions WHERE op = ? LIMIT 1", arguments: [rid]) != nil,
              let (erased, _) = try erasing(signed, op: op, rid: rid)
        else { return (signed, op) }
        return (erased, try erased.decode())
    }

    /// `signed` (decoded: `op`, at `rid`) with the texts erased that the redactions held for it
    /// may erase, and those texts' slots; nil when that changes nothing.
    mutating func erasing(_ signed: SignedOp, op: Op, rid: Int64) throws -> (SignedOp, [Int])? {
        let slots = try erasableSlots(of: op, rid: rid)
        guard let erased = signed.erasing(slots: slots), erased.body != signed.body else { return nil }
        return (erased, slots)
    }

    /// The op at `rid` as the log holds it; nil when it is not held.
    func storedOp(_ rid: Int64) throws -> SignedOp? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT bytes, sig, body FROM ops WHERE id = ?"), arguments: [rid]).map(SignedOp.init(stored:))
    }

    /// Whether `author` leads the department `origin` (local index): a leader or admin there, or
    /// any of its staff while it has given no roles (as for an idea's status).
    func leads(_ author: String, at origin: Int64) throws -> Bool {
        guard try hasRoles(origin) else { return !author.isEmpty }
        return try role(of: author, at: origin).map { $0 >= .leader } ?? false
    }

    /// The slots of `op`'s texts that the redactions held here for it erase, for those whose
    /// author may erase them; marks those redactions as having erased text here.
    mutating func erasableSlots(of op: Op, rid: Int64) throws -> [Int] {
        var slots = Set<Int>()
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT redactor, target, field, author, leads FROM redactions WHERE op = ?"), arguments: [rid])
        for row in rows {
            guard let field = RedactField(rawValue: row["field"]) else { continue }
            let target: Int64 = row["target"]
            let found = Erasure.slots(of: field, target: try opID(target), in: op.body, id: op.id)
            guard !found.isEmpty,
                  try mayErase(
                    redactorOrigin: RowID.origin(row["redactor"]), author: row["author"], leads: row["leads"], target: target,
                    field: field, op: op, rid: rid)
            else { continue }
            slots.formUnion(found)
            try exec(sql: "UPDATE redactions SET erased = 1 WHERE op = ? AND redactor = ?", arguments: [rid, row["redactor"] as Int64])
        }
        return slots.sorted()
    }

    /// Whether a redaction written by `author` at `redactorOrigin` (who then led it, or not) may
    /// erase `field` of `target` in `op` (at `rid`): its author wrote that op (same origin, same
    /// author), or leads a department that owns the text: `target`'s, or for a comment also the
    /// department of the idea it comments on.
    func mayErase(
        redactorOrigin: Int64, author: String, leads: Bool, target: Int64, field: RedactField, op: Op, rid: Int64
    ) throws -> Bool {
        if !author.isEmpty, redactorOrigin == RowID.origin(rid), author == op.author { return true }
        guard leads else { return false }
        if redactorOrigin == RowID.origin(target) { return true }
        guard field == .comment else { return false }
        return try commentedIdeaOrigin(comment: target, op: op, rid: rid) == redactorOrigin
    }

    /// The origin (local index) of the idea a comment is on, read from its `commentAdd` in the
    /// log (held whenever one of its edits is: they come from the same origin, in chain order).
    func commentedIdeaOrigin(comment: Int64, op: Op, rid: Int64) throws -> Int64? {
        let add: Op
        if comment == rid {
            add = op
        } else {
            guard let decoded = try? storedOp(comment)?.decode() else { return nil }
            add = decoded
        }
        guard case .commentAdd(let idea, _) = add.body else { return nil }
        return knownIndex(idea.origin)
    }

    /// Gives the views what applying `op` (now with texts erased at `slots`) afresh would have
    /// given them: the idea's displayed fields and search index, or the comment's text.
    mutating func refreshViews(erasing op: Op, rid: Int64, slots: [Int]) throws {
        switch op.body {
        case .ideaCreate, .adopt:
            for slot in slots { try recompute(target: rid, register: Register(Erasure.contentFields[slot])) }
        case .ideaEdit(let idea, let edits):
            let target = try self.rid(idea)
            for (slot, edit) in edits.filter(\.field.isErasable).enumerated() where slots.contains(slot) {
                let register = Register(edit.field)
                try exec(
                    sql: "UPDATE reg_writes SET value = ? WHERE target = ? AND reg = ? AND writer = ?",
                    arguments: [Erasure.placeholder, target, register.rawValue, rid])
                try recompute(target: target, register: register)
            }
        case .commentAdd:
            try eraseCommentText(comment: rid, ifSetBy: nil)
        case .commentEdit(let comment, _):
            try eraseCommentText(comment: try self.rid(comment), ifSetBy: Int64(bitPattern: op.hlc.rawValue))
        default:
            break
        }
    }

    /// Erases a comment's displayed text if the op that set it was erased: its creation
    /// (`editedHLC` nil: never edited since) or the edit stamped `editedHLC`.
    func eraseCommentText(comment: Int64, ifSetBy editedHLC: Int64?) throws {
        guard let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT text, retracted, edited_hlc FROM comments WHERE id = ?"), arguments: [comment]),
            !(row["retracted"] as Bool), (row["edited_hlc"] as Int64?) == editedHLC
        else { return }
        try reindexComment(comment, from: row["text"], to: Erasure.placeholder)
        try exec(sql: "UPDATE comments SET text = ? WHERE id = ?", arguments: [Erasure.placeholder, comment])
    }

    /// After a transaction that erased text from the log: the full-text indexes merged into
    /// fresh segments, so that no segment keeps the erased words (SQLite's `secure_delete`,
    /// set on every connection, zeroes the pages they leave).
    func purgeSearchIndexes() throws {
        for index in Self.viewIndexes { try db.execute(sql: "INSERT INTO \(index)(\(index)) VALUES('optimize')") }
    }
}

extension OpCodec {
    /// Decodes an op as the store keeps it (`ops.bytes`, and `ops.body` in op format 2).
    static func decode(stored row: Row) throws(OpDecodingError) -> Op {
        try decode(row["bytes"], body: (row["body"] as Data?) ?? Data())
    }
}

extension SignedOp {
    /// An op as the store keeps it (`bytes`, `sig`, `body`).
    init(stored row: Row) {
        self.init(bytes: row["bytes"], signature: row["sig"], body: (row["body"] as Data?) ?? Data())
    }

    /// What the store keeps in a `body` column: the body of a format-2 op, NULL for format 1.
    var storedBody: Data? { format == 2 ? body : nil }
}

extension ApplySession {
    /// Completes a local redaction: the ops held here that wrote the text and that `author` may
    /// erase, with text still in them. Refuses, saying why, when there is none.
    mutating func prepareRedaction(_ redaction: Redaction, author: String, origin: NodeID) throws -> Redaction {
        let own = try index(of: origin)
        let leads = try leads(author, at: own)
        let target: Int64
        var candidates = [Int64]()
        let what = redaction.field == .comment ? "comment" : "idea"
        if redaction.field == .comment {
            guard let index = knownIndex(redaction.target.origin),
                  try fetchOne(Bool.self, sql: "SELECT 1 FROM comments WHERE id = ?", arguments: [RowID.make(origin: index, seq: redaction.target.seq)]) != nil
            else { throw StoreError.notFound(what: "comment", id: redaction.target) }
            target = RowID.make(origin: index, seq: redaction.target.seq)
            // Its creation, and its edits: later ops of its own origin.
            candidates = [target]
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT id, bytes, body FROM ops WHERE id > ? AND id <= ? ORDER BY id",
                arguments: [target, RowID.make(origin: index, seq: RowID.maxSeq)])
            while let row = try cursor.next() {
                if let op = try? OpCodec.decode(stored: row), case .commentEdit(let comment, _) = op.body, comment == redaction.target {
                    candidates.append(row["id"])
                }
            }
        } else {
            target = try requireIdea(redaction.target)
            candidates = [target]
            candidates += try Int64.fetchAll(
                db, sql: "SELECT writer FROM reg_writes WHERE target = ? AND reg = ? ORDER BY writer",
                arguments: [target, Register(redaction.field.ideaField!).rawValue])
            candidates += try Int64.fetchAll(db, sql: "SELECT id FROM ideas WHERE adopted_from = ? ORDER BY id", arguments: [target])
        }
        var named = [OpID]()
        var formatOne = 0, notEntitled = 0
        // Whoever may not erase the text where it was first written is refused outright, though
        // the rule would let them erase their own copies of it: they ask its department.
        var targetEntitled = true
        for rid in candidates {
            guard let signed = try storedOp(rid), let op = try? signed.decode() else { continue }
            let slots = Erasure.slots(of: redaction.field, target: redaction.target, in: op.body, id: op.id)
            guard !slots.isEmpty else { continue }
            guard signed.format == 2 else { formatOne += 1; continue }
            guard try mayErase(
                redactorOrigin: own, author: author, leads: leads, target: target, field: redaction.field, op: op, rid: rid)
            else {
                notEntitled += 1
                if rid == target { targetEntitled = false }
                continue
            }
            if Set(slots).isSubset(of: signed.erasedSlots) { continue }
            named.append(op.id)
        }
        guard named.isEmpty || !targetEntitled else { return Redaction(target: redaction.target, field: redaction.field, ops: named, reason: redaction.reason) }
        let subject = redaction.field == .comment ? "comment \(redaction.target.short)" : "the \(redaction.field.rawValue) of \(redaction.target.short)"
        if notEntitled > 0 || !targetEntitled {
            throw StoreError.notAllowed(
                "only the person who wrote it, or the leaders and admins of the department whose \(what) it is, can remove "
                    + "\(subject), and \(author) is neither here (`ideamesh roles` lists them)")
        }
        if formatOne > 0 {
            throw StoreError.notAllowed(
                "\(subject) was written by a version before op format 2, whose ops are signed over their text: it cannot be "
                    + "erased from the log (edit the text to change what is shown)")
        }
        throw StoreError.notAllowed("\(subject) has already been removed; there is no text left to remove")
    }
}
