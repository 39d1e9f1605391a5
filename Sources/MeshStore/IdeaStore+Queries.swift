import Foundation
import GRDB
import MeshCRDT
import MeshModel

extension IdeaStore {
    /// The idea with id `id`, or nil when it has not arrived here.
    public func idea(_ id: OpID) throws -> IdeaView? {
        guard let index = localIndex(id.origin) else { return nil }
        let rid = RowID.make(origin: index, seq: id.seq)
        return try reading { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM ideas WHERE id = ?", arguments: [rid]) else { return nil }
            let keys = try originKeys(db)
            let supporters = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM (SELECT DISTINCT id >> 40, author FROM supports WHERE idea = ? AND live = 1)",
                arguments: [rid]) ?? 0
            let comments = try Row.fetchAll(
                db, sql: """
                    SELECT c.*, o.key FROM comments c JOIN origins o ON o.id = c.id >> 40
                    WHERE c.idea = ? ORDER BY c.hlc, o.key
                    """,
                arguments: [rid]
            ).map { c in
                CommentView(
                    id: opID(c["id"], keys), author: c["author"], hlc: hlc(c["hlc"]), text: c["text"],
                    edited: (c["edited_hlc"] as Int64?) != nil, retracted: c["retracted"])
            }
            let conflicts: Int = row["conflicts"]
            return IdeaView(
                id: id, author: row["author"], hlc: hlc(row["hlc"]),
                content: IdeaContent(
                    title: row["title"], problem: row["problem"], solution: row["solution"], theme: row["theme"],
                    tags: Tags.split(row["tags"])),
                status: IdeaStatus(rawValue: row["status"]) ?? .proposed,
                conflicts: Register.allCases.filter { conflicts & $0.bit != 0 },
                supporters: supporters,
                adoptedFrom: (row["adopted_from"] as Int64?).map { opID($0, keys) },
                comments: comments)
        }
    }

    /// The current values of one register of an idea, latest first: one value normally, several
    /// while concurrent writes conflict.
    public func currentValues(of idea: OpID, _ register: Register) throws -> [RegisterValue] {
        guard let index = localIndex(idea.origin) else { return [] }
        let rid = RowID.make(origin: index, seq: idea.seq)
        return try reading { db in
            let keys = try originKeys(db)
            guard let created = try Row.fetchOne(db, sql: "SELECT author, hlc FROM ideas WHERE id = ?", arguments: [rid]) else { return [] }
            var values = try Row.fetchAll(
                db, sql: "SELECT writer, hlc, value, note, author FROM reg_writes WHERE target = ? AND reg = ? AND live = 1",
                arguments: [rid, register.rawValue]
            ).map { RegisterValue(writer: opID($0["writer"], keys), hlc: hlc($0["hlc"]), value: $0["value"], note: $0["note"], author: $0["author"]) }
            let creationSeen = try Bool.fetchOne(
                db, sql: "SELECT 1 FROM reg_seen WHERE target = ? AND reg = ? AND writer = ?",
                arguments: [rid, register.rawValue, rid]) != nil
            if !creationSeen {
                let session = ApplySession(db: db, store: self)
                values.append(RegisterValue(
                    writer: idea, hlc: hlc(created["hlc"]), value: try session.creationValue(of: rid, register: register),
                    note: "", author: created["author"]))
            }
            return values.sorted { WriteStamp(hlc: $0.hlc, origin: $0.writer.origin) > WriteStamp(hlc: $1.hlc, origin: $1.writer.origin) }
        }
    }

    /// Full-text search over every department's ideas and comments, best first (bm25), with
    /// snippets. `text` is read as words (`SearchQuery`): an idea or comment matches when it holds
    /// all of them. Text without a letter or digit throws `SearchQuery.NoWords`.
    public func search(_ text: String, limit: Int = 20) throws -> [SearchHit] {
        let query = try SearchQuery(text).fts5
        guard searchIndexReady else { throw StoreError.searchIndexBuilding }
        return try reading { db in
            let keys = try originKeys(db)
            let ideas = try Row.fetchAll(
                db, sql: """
                    SELECT i.id, i.title, snippet(ideas_fts, -1, '[', ']', '…', 12) AS snip, bm25(ideas_fts) AS rank
                    FROM ideas_fts JOIN ideas i ON i.id = ideas_fts.rowid
                    WHERE ideas_fts MATCH ? ORDER BY rank LIMIT ?
                    """,
                arguments: [query, limit]
            ).map { SearchHit(kind: .idea, idea: opID($0["id"], keys), comment: nil, title: $0["title"], snippet: $0["snip"], rank: $0["rank"]) }
            let comments = try Row.fetchAll(
                db, sql: """
                    SELECT c.id, c.idea, i.title, snippet(comments_fts, 0, '[', ']', '…', 12) AS snip, bm25(comments_fts) AS rank
                    FROM comments_fts JOIN comments c ON c.id = comments_fts.rowid JOIN ideas i ON i.id = c.idea
                    WHERE comments_fts MATCH ? ORDER BY rank LIMIT ?
                    """,
                arguments: [query, limit]
            ).map { SearchHit(kind: .comment, idea: opID($0["idea"], keys), comment: opID($0["id"], keys), title: $0["title"], snippet: $0["snip"], rank: $0["rank"]) }
            return Array((ideas + comments).sorted { $0.rank < $1.rank }.prefix(limit))
        }
    }

    /// Ids of every idea held, oldest first by (hlc, origin).
    public func ideaIDs() throws -> [OpID] {
        try reading { db in
            let keys = try originKeys(db)
            return try Int64.fetchAll(db, sql: "SELECT id FROM ideas").map { opID($0, keys) }
        }
    }

    /// Quarantined forks, oldest first.
    public func forks() throws -> [ForkReport] {
        try reading { db in
            try Row.fetchAll(db, sql: "SELECT origin, seq FROM quarantine ORDER BY id").map {
                ForkReport(origin: NodeID(bytes: $0["origin"] as Data)!, seq: UInt64($0["seq"] as Int64))
            }
        }
    }

    // MARK: helpers

    func originKeys(_ db: Database) throws -> [Int64: NodeID] {
        var keys = [Int64: NodeID]()
        for row in try Row.fetchAll(db, sql: "SELECT id, key FROM origins") {
            keys[row["id"]] = NodeID(bytes: row["key"] as Data)
        }
        return keys
    }

    func opID(_ rid: Int64, _ keys: [Int64: NodeID]) -> OpID {
        OpID(origin: keys[RowID.origin(rid)]!, seq: RowID.seq(rid))
    }

    func hlc(_ raw: Int64) -> HLC { HLC(rawValue: UInt64(bitPattern: raw)) }
}
