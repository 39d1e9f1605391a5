import Foundation
import GRDB
import MeshCRDT
import MeshModel

/// An idea with everything around it, for an export.
public struct IdeaRecord: Hashable, Sendable {
    /// The idea, with its comments.
    public var view: IdeaView
    public var commentCount: Int
    public var links: [IdeaLink]
    public var adoptions: [Adoption]
}

extension IdeaStore {
    /// Every idea held, oldest first, with its comments, links and adoptions, read in one
    /// snapshot with a few whole-table queries (not several queries per idea).
    public func exportIdeas() throws -> [IdeaRecord] {
        try reading { db in
            let keys = try originKeys(db)
            var comments = [Int64: [CommentView]]()
            let commentRows = try Row.fetchCursor(
                db, sql: "SELECT c.*, o.key FROM comments c JOIN origins o ON o.id = c.id >> 40 ORDER BY c.idea, c.hlc, o.key")
            while let c = try commentRows.next() {
                comments[c["idea"], default: []].append(CommentView(
                    id: opID(c["id"], keys), author: c["author"], hlc: hlc(c["hlc"]), text: c["text"],
                    edited: (c["edited_hlc"] as Int64?) != nil, retracted: c["retracted"]))
            }
            var titles = [Int64: String]()
            for row in try Row.fetchAll(db, sql: "SELECT id, title FROM ideas") { titles[row["id"]] = row["title"] }
            var links = [Int64: [IdeaLink]]()
            for row in try Row.fetchAll(db, sql: "SELECT id, src, dst, kind FROM links ORDER BY hlc, id") {
                let src: Int64 = row["src"], dst: Int64 = row["dst"]
                let link = IdeaLink(id: opID(row["id"], keys), kind: row["kind"], from: opID(src, keys), to: opID(dst, keys), otherTitle: nil)
                links[src, default: []].append(with(link) { $0.otherTitle = titles[dst] })
                if dst != src { links[dst, default: []].append(with(link) { $0.otherTitle = titles[src] }) }
            }
            var adoptions = [Int64: [Adoption]]()
            for row in try Row.fetchAll(db, sql: "SELECT id, hlc, status, adopted_from FROM ideas WHERE adopted_from IS NOT NULL ORDER BY hlc, id") {
                adoptions[row["adopted_from"], default: []].append(
                    Adoption(idea: opID(row["id"], keys), hlc: hlc(row["hlc"]), status: IdeaStatus(rawValue: row["status"]) ?? .proposed))
            }
            var records = [IdeaRecord]()
            let rows = try Row.fetchCursor(db, sql: "WITH \(Self.countsSQL) SELECT * FROM counted ORDER BY hlc, id")
            while let row = try rows.next() {
                let rid: Int64 = row["id"]
                var summary = summary(row, keys)
                summary.view.comments = comments[rid] ?? []
                records.append(IdeaRecord(
                    view: summary.view, commentCount: summary.commentCount, links: links[rid] ?? [], adoptions: adoptions[rid] ?? []))
            }
            return records
        }
    }
}

/// `value`, changed by `change`.
private func with<T>(_ value: T, _ change: (inout T) -> Void) -> T {
    var copy = value
    change(&copy)
    return copy
}
