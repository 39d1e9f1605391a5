import GRDB
import MeshCRDT
import MeshModel
import MeshWire

extension ApplySession {
    /// The tables the ops' effects are written to, and the record of ops without effect: all
    /// of them a function of the op log (less the held-back ops) and this version's rules.
    static let viewTables = [
        "ideas", "reg_writes", "reg_seen", "supports", "comments", "themes", "cycles", "cycle_steps", "measures",
        "observations", "links", "people", "roles", "workflows", "redactions", "ineffective_ops",
    ]
    /// The external-content full-text indexes over them, emptied with their own command.
    static let viewIndexes = ["ideas_fts", "comments_fts"]

    /// Makes every view again from the op log under this version's rules: what a version that
    /// tightens a rule does when it first opens a store an earlier version wrote
    /// (Protocol/README.md, "Content rules": ops that had an effect under the old rules lose it
    /// here as on every node that applies them afresh). The views are a function of the set of
    /// ops, so applying the log origin by origin, each in seq order, gives what any node holding
    /// the same ops holds. Held-back ops stay held. Returns how many ops were applied, and those
    /// that had an effect before and have none now (kept in `ineffective`, so they are logged).
    mutating func rebuildViews() throws -> (ops: Int, lostEffect: [IneffectiveOp]) {
        let before = Set(try Int64.fetchAll(db, sql: "SELECT id FROM ineffective_ops"))
        for table in Self.viewTables { try db.execute(sql: "DELETE FROM \(table)") }
        // The full-text indexes are built once at the end, from the views' texts.
        try deferSearchIndexes()
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, bytes, body FROM ops WHERE id NOT IN (SELECT id FROM held) ORDER BY id")
        var count = 0
        var lost = [IneffectiveOp]()
        while let row = try cursor.next() {
            let rid: Int64 = row["id"]
            // Every op in the log decoded when it was accepted; one that no longer does cannot
            // have an effect, now as before.
            guard let op = try? OpCodec.decode(stored: row) else { continue }
            let recorded = ineffective.count
            try applyOrRecord(op, rid: rid, hlc: Int64(bitPattern: op.hlc.rawValue))
            count += 1
            if ineffective.count > recorded, !before.contains(rid) { lost.append(ineffective[recorded]) }
        }
        try buildSearchIndexes()
        ineffective = lost
        return (count, lost)
    }
}
