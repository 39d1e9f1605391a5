import Foundation
import GRDB
import MeshCRDT
import MeshModel

/// Which ideas `IdeaStore.ideas(matching:)` returns, and in which order.
public struct IdeaQuery: Hashable, Sendable {
    public var theme: String?
    public var status: IdeaStatus?
    /// Only ideas made at these origins (nil: every origin).
    public var origins: Set<NodeID>?
    /// Only ideas by this author at this origin (a handle means something only at its origin).
    public var author: Author?
    /// Only ideas created at or after this time (ms since the epoch, from the HLC).
    public var sinceMillis: UInt64?
    public var sort: IdeaSort
    public var limit: Int

    public struct Author: Hashable, Sendable {
        public var origin: NodeID
        public var name: String
        public init(origin: NodeID, name: String) {
            self.origin = origin
            self.name = name
        }
    }

    public init(
        theme: String? = nil, status: IdeaStatus? = nil, origins: Set<NodeID>? = nil, author: Author? = nil,
        sinceMillis: UInt64? = nil, sort: IdeaSort = .new, limit: Int = 100
    ) {
        self.theme = theme
        self.status = status
        self.origins = origins
        self.author = author
        self.sinceMillis = sinceMillis
        self.sort = sort
        self.limit = limit
    }
}

/// The order of a list of ideas. Ties are broken newest first.
public enum IdeaSort: String, CaseIterable, Sendable {
    /// Newest first (by creation HLC).
    case new
    /// Most supporters first.
    case support
    /// Least heard first: the ideas whose author and department have received the least
    /// attention (supports and comments on all their ideas), so that the loudest voices do not
    /// decide alone what is seen. An anonymous idea's author is counted as that idea alone.
    case quiet
}

/// An idea in a list: its view without comments, and how many live comments it has.
public struct IdeaSummary: Hashable, Sendable {
    /// The idea; `comments` is empty here.
    public var view: IdeaView
    /// Comments not retracted.
    public var commentCount: Int
    /// The reason given with the displayed status, where a list asks for it (the digest's moved
    /// ideas); nil otherwise, and when none was given.
    public var statusReason: String? = nil
}

/// One page of a list: how many ideas matched, and the first `limit` of them.
public struct IdeaPage: Hashable, Sendable {
    public var total: Int
    public var ideas: [IdeaSummary]
}

extension IdeaStore {
    /// Ideas matching `query`, in its order, at most `query.limit` of them, with the number that
    /// matched in all.
    public func ideas(matching query: IdeaQuery) throws -> IdeaPage {
        try reading { db in
            var filters = [String](), arguments = StatementArguments()
            if let theme = query.theme {
                filters.append("i.theme = ?")
                arguments += [theme]
            }
            if let status = query.status {
                filters.append("i.status = ?")
                arguments += [status.rawValue]
            }
            if let origins = query.origins {
                let indexes = origins.compactMap(localIndex)
                filters.append(indexes.isEmpty ? "0" : "(i.id >> 40) IN (\(indexes.map(String.init).joined(separator: ",")))")
            }
            if let author = query.author {
                if let index = localIndex(author.origin) {
                    filters.append("(i.id >> 40) = ? AND i.author = ?")
                    arguments += [index, author.name]
                } else {
                    filters.append("0")
                }
            }
            if let since = query.sinceMillis {
                filters.append("i.hlc >= ?")
                arguments += [Int64(bitPattern: HLC(millis: since, counter: 0).rawValue)]
            }
            let filter = filters.isEmpty ? "" : "WHERE " + filters.joined(separator: " AND ")
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ideas i \(filter)", arguments: arguments) ?? 0

            let order: String
            switch query.sort {
            case .new: order = "i.hlc DESC, i.id DESC"
            case .support: order = "i.supporters DESC, i.hlc DESC, i.id DESC"
            case .quiet: order = "i.voice + i.dept ASC, i.hlc DESC, i.id DESC"
            }
            let attention = query.sort == .quiet ? """
                , CASE WHEN author = '' THEN supporters + comment_count
                       ELSE SUM(supporters + comment_count) OVER (PARTITION BY id >> 40, author) END AS voice,
                  SUM(supporters + comment_count) OVER (PARTITION BY id >> 40) AS dept
                """ : ""
            // Newest first needs no counts to choose the page: the page is chosen from the ideas
            // alone and only its rows are counted (through the supports' and comments' indexes),
            // not every idea's supports and comments (with W1 held: 190 ms a call before).
            let sql = query.sort == .new
                ? """
                    WITH page AS (SELECT * FROM ideas i \(filter) ORDER BY \(order) LIMIT ?)
                    SELECT page.*,
                        (SELECT COUNT(*) FROM (SELECT DISTINCT id >> 40, author FROM supports s
                            WHERE s.idea = page.id AND s.live = 1)) AS supporters,
                        (SELECT COUNT(*) FROM comments c WHERE c.idea = page.id AND c.retracted = 0) AS comment_count
                    FROM page ORDER BY page.hlc DESC, page.id DESC
                    """
                : """
                    WITH \(Self.countsSQL),
                    scored AS (SELECT counted.* \(attention) FROM counted)
                    SELECT i.* FROM scored i \(filter) ORDER BY \(order) LIMIT ?
                    """
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments + [max(query.limit, 0)])
            let keys = try originKeys(db)
            return IdeaPage(total: total, ideas: rows.map { summary($0, keys) })
        }
    }

    /// Common table expressions: `counted` is every idea with its `supporters` (distinct live
    /// supporters) and `comment_count` (comments not retracted).
    static let countsSQL = """
        sup AS (SELECT idea, COUNT(*) AS n FROM (SELECT DISTINCT idea, id >> 40, author FROM supports WHERE live = 1) GROUP BY idea),
        com AS (SELECT idea, COUNT(*) AS n FROM comments WHERE retracted = 0 GROUP BY idea),
        counted AS (
            SELECT ideas.*, COALESCE(sup.n, 0) AS supporters, COALESCE(com.n, 0) AS comment_count
            FROM ideas LEFT JOIN sup ON sup.idea = ideas.id LEFT JOIN com ON com.idea = ideas.id)
        """

    /// An idea row of `counted` as a summary.
    func summary(_ row: Row, _ keys: [Int64: NodeID]) -> IdeaSummary {
        let conflicts: Int = row["conflicts"]
        let view = IdeaView(
            id: opID(row["id"], keys), author: row["author"], hlc: hlc(row["hlc"]),
            content: IdeaContent(
                title: row["title"], problem: row["problem"], solution: row["solution"], theme: row["theme"],
                tags: Tags.split(row["tags"])),
            status: IdeaStatus(rawValue: row["status"]) ?? .proposed,
            conflicts: Register.allCases.filter { conflicts & $0.bit != 0 },
            supporters: row["supporters"],
            adoptedFrom: (row["adopted_from"] as Int64?).map { opID($0, keys) },
            comments: [])
        return IdeaSummary(view: view, commentCount: row["comment_count"])
    }

    /// The idea's summary, or nil when it is not held here.
    public func summary(of id: OpID) throws -> IdeaSummary? {
        guard let index = localIndex(id.origin) else { return nil }
        return try reading { db in
            try Row.fetchOne(
                db, sql: "WITH \(Self.countsSQL) SELECT * FROM counted WHERE id = ?",
                arguments: [RowID.make(origin: index, seq: id.seq)]
            ).map { summary($0, try originKeys(db)) }
        }
    }

    // MARK: Themes

    /// The themes defined, by code; archived ones only when `includeArchived`.
    public func themes(includeArchived: Bool) throws -> [Theme] {
        try reading { db in
            try Row.fetchAll(
                db, sql: "SELECT code, name, description, archived FROM themes \(includeArchived ? "" : "WHERE archived = 0") ORDER BY code"
            ).map { Theme(code: $0["code"], name: $0["name"], description: $0["description"], archived: $0["archived"]) }
        }
    }

    /// How many ideas carry each theme code (defined or not: an idea from an older node, or one
    /// whose theme's definition has not arrived yet, may carry a code no leader defined here).
    public func themeUse() throws -> [String: Int] {
        try reading { db in
            var use = [String: Int]()
            for row in try Row.fetchAll(db, sql: "SELECT theme, COUNT(*) AS n FROM ideas WHERE theme != '' GROUP BY theme") {
                use[row["theme"]] = row["n"]
            }
            return use
        }
    }

    /// What is wrong with theme `code` (the rule a local write applies): not defined, or (unless
    /// `allowArchived`) archived; nil when nothing is.
    public func themeProblem(_ code: String, allowArchived: Bool) throws -> ValidationError? {
        try reading { db in try ApplySession.themeProblem(db, code: code, allowArchived: allowArchived) }
    }

    /// The theme with `code`, archived or not, or nil when none is defined.
    public func theme(code: String) throws -> Theme? {
        try reading { db in
            try Row.fetchOne(db, sql: "SELECT code, name, description, archived FROM themes WHERE code = ?", arguments: [code])
                .map { Theme(code: $0["code"], name: $0["name"], description: $0["description"], archived: $0["archived"]) }
        }
    }
}
