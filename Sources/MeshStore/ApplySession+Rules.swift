import Foundation
import GRDB
import MeshCRDT
import MeshModel
import MeshWire

/// Whether an op appended to the log takes effect: the content rules (one function,
/// `OpBody.contentViolation`, also run on local writes before they are made) and bodies this
/// version cannot read. Decided from what the origin signed alone, so every node reaches the same
/// verdict on the same op; the op stays in the log either way (Protocol/README.md, "Content rules").
extension ApplySession {
    /// The reason an op read as unknown is recorded with.
    static let unknownBodyReason = "a body kind (or value) this version cannot read"

    /// Applies the effect of `op`, just appended at `rid`, or records in `ineffective_ops` why it
    /// has none.
    mutating func applyOrRecord(_ op: Op, rid: Int64, hlc: Int64) throws {
        if let (kind, reason) = try ineffectiveReason(op) {
            try exec(
                sql: "INSERT INTO ineffective_ops(id, kind, reason) VALUES(?, ?, ?)",
                arguments: [rid, kind.rawValue, reason])
            ineffective.append(IneffectiveOp(id: op.id, kind: kind, reason: reason))
            return
        }
        try applyEffect(op, rid: rid, hlc: hlc)
    }

    /// Why `op` has no effect here; nil when it has one.
    func ineffectiveReason(_ op: Op) throws -> (IneffectiveOp.Kind, String)? {
        if case .unknown = op.body { return (.unknown, Self.unknownBodyReason) }
        let measure = try ruleMeasure(for: op.body, origin: op.origin)
        if let violation = op.body.contentViolation(author: op.author, measure: measure) { return (.content, "\(violation)") }
        guard !store.rulesBeforeRights.withLock({ $0 }) else { return nil }
        if let violation = op.body.rightsViolation(origin: op.origin) { return (.content, violation.description) }
        return try governanceViolation(op.body, author: op.author, origin: op.origin).map { (.content, $0.description) }
    }

    /// For an observation, its measure as the content rules need it: held here with effect and of
    /// the observation's origin (so applied before it on every node: an origin's ops arrive in
    /// chain order). Nil for other bodies, and when there is no such measure (the observation
    /// then has no effect for that reason).
    func ruleMeasure(for body: OpBody, origin: NodeID) throws -> MeasureDefinition? {
        guard case .observationRecord(let measure, _, _, _) = body, measure.origin == origin,
              let index = knownIndex(origin),
              let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT name, unit, better, target, kind FROM measures WHERE id = ?"),
                arguments: [RowID.make(origin: index, seq: measure.seq)])
        else { return nil }
        return MeasureDefinition(
            name: row["name"], unit: row["unit"], better: Direction(rawValue: row["better"]) ?? .lower, target: row["target"],
            kind: MeasureKind(rawValue: row["kind"]) ?? .other)
    }

    // MARK: after an upgrade

    /// Gives their effect to the ops recorded as unreadable that this version reads (a newer
    /// version opened the store), origin by origin in seq order, each checked against the content
    /// rules like any op. Effects do not depend on order, except the follow-ups that must find
    /// their target of the same origin (a comment's edit, a cycle's steps, a measure's
    /// observations, ...): those that follow a newly read op and refer to one are applied again
    /// (they had no effect, their target missing). Returns the ops now read.
    mutating func materializeReadableBodies() throws -> [OpID] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT i.id, o.bytes, o.body FROM ineffective_ops i JOIN ops o ON o.id = i.id
            WHERE i.kind = 'unknown' ORDER BY i.id
            """)
        var readable = [Int64: Op]()
        for row in rows {
            guard let op = try? OpCodec.decode(stored: row) else { continue }
            if case .unknown = op.body { continue }
            readable[row["id"]] = op
        }
        guard !readable.isEmpty else { return [] }
        var done = [OpID]()
        // Per origin, one pass in seq order from its first newly read op to its head.
        for origin in Set(readable.keys.map(RowID.origin)).sorted() {
            let first = readable.keys.filter { RowID.origin($0) == origin }.min()!
            var revived = Set<UInt64>()
            let cursor = try Row.fetchCursor(
                db, sql: "SELECT id, bytes, body FROM ops WHERE id >= ? AND id <= ? ORDER BY id",
                arguments: [first, RowID.make(origin: origin, seq: RowID.maxSeq)])
            var pending = [(Int64, Op, Bool)]()
            while let row = try cursor.next() {
                let rid: Int64 = row["id"]
                if let op = readable[rid] {
                    pending.append((rid, op, true))
                } else if let op = try? OpCodec.decode(stored: row), let target = Self.sameOriginTarget(op.body),
                          target.origin == op.origin {
                    pending.append((rid, op, false))
                }
            }
            for (rid, op, newlyRead) in pending {
                if newlyRead {
                    try exec(sql: "DELETE FROM ineffective_ops WHERE id = ?", arguments: [rid])
                    done.append(op.id)
                } else {
                    guard let target = Self.sameOriginTarget(op.body), revived.contains(target.seq),
                          try fetchOne(Bool.self, sql: "SELECT 1 FROM ineffective_ops WHERE id = ?", arguments: [rid]) == nil
                    else { continue }
                }
                let recorded = ineffective.count
                try applyOrRecord(op, rid: rid, hlc: Int64(bitPattern: op.hlc.rawValue))
                if ineffective.count == recorded { revived.insert(op.seq) }
            }
        }
        return done
    }

    /// The target of a follow-up that takes effect only when it finds its target of the same
    /// origin (`ApplySession`'s order independence note); nil for other bodies.
    static func sameOriginTarget(_ body: OpBody) -> OpID? {
        switch body {
        case .commentEdit(let comment, _), .commentRetract(let comment, _): comment
        case .pdsaDo(let cycle, _), .pdsaStudy(let cycle, _), .pdsaAct(let cycle, _, _): cycle
        case .observationRecord(let measure, _, _, _): measure
        case .observationRetract(let observation, _): observation
        default: nil
        }
    }
}
