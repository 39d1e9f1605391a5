import GRDB

/// The full-text indexes (`ideas_fts`, `comments_fts`: external content over `ideas` and
/// `comments`) are kept in step with the displayed texts here, and only here.
///
/// A store taking in a large history (a new department's first catch-up, a node restored from an
/// old backup, the views made again after an upgrade) leaves them alone and builds them once at
/// the end: FTS5 builds an index from its content table several times faster than it takes the
/// same rows one insert at a time. While deferred, the store's `meta` says so
/// (`searchIndexDeferredKey`, in the same transactions as the ops), so a node stopped at any
/// moment of a catch-up builds them when it next opens; search says it is not ready until then.
extension ApplySession {
    /// `meta` key present while the full-text indexes lag behind the views.
    static let searchIndexDeferredKey = "search_index_deferred"

    /// Defers the full-text indexes when `incoming` ops are a large history for this store: at
    /// least `IdeaStore.largeHistoryOps` (a peer's Hello says it has them and this store lacks
    /// them, or one group commit brings them), and more than the store holds. The store at least
    /// doubles, so one build at the end costs less than keeping the indexes in step.
    mutating func deferSearchIndexesIfLarge(incoming: Int) throws {
        guard !searchIndexDeferred, incoming >= IdeaStore.largeHistoryOps, try heldOps() < incoming else { return }
        try deferSearchIndexes()
    }

    /// Leaves the full-text indexes alone until `buildSearchIndexes` (recorded in `meta`).
    mutating func deferSearchIndexes() throws {
        guard !searchIndexDeferred else { return }
        try exec(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES(?, X'01')", arguments: [Self.searchIndexDeferredKey])
        searchIndexDeferred = true
    }

    /// Builds both full-text indexes from the views' texts and ends a deferral.
    mutating func buildSearchIndexes() throws {
        for index in Self.viewIndexes { try db.execute(sql: "INSERT INTO \(index)(\(index)) VALUES('rebuild')") }
        try exec(sql: "DELETE FROM meta WHERE key = ?", arguments: [Self.searchIndexDeferredKey])
        searchIndexDeferred = false
    }

    /// About how many ops the store holds (each origin's contiguous seq), from the small origins table.
    func heldOps() throws -> Int {
        try fetchOne(Int.self, sql: "SELECT coalesce(sum(seq), 0) FROM origins", arguments: []) ?? 0
    }

    static func searchIndexDeferred(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM meta WHERE key = ?", arguments: [searchIndexDeferredKey]) != nil
    }

    // MARK: keeping them in step

    /// An idea's texts as the index holds them: title, problem, solution, tags.
    typealias IdeaTexts = (title: String, problem: String, solution: String, tags: String)

    func indexIdea(_ id: Int64, _ texts: IdeaTexts) throws {
        guard !searchIndexDeferred else { return }
        try db.cachedStatement(sql: "INSERT INTO ideas_fts(rowid, title, problem, solution, tags) VALUES(?, ?, ?, ?, ?)")
            .run(id, texts.title, texts.problem, texts.solution, texts.tags)
    }

    /// `old`: the texts the index holds for the idea (an external-content index is told them).
    func reindexIdea(_ id: Int64, from old: IdeaTexts, to new: IdeaTexts) throws {
        guard !searchIndexDeferred else { return }
        try exec(
            sql: "INSERT INTO ideas_fts(ideas_fts, rowid, title, problem, solution, tags) VALUES('delete', ?, ?, ?, ?, ?)",
            arguments: [id, old.title, old.problem, old.solution, old.tags])
        try indexIdea(id, new)
    }

    func indexComment(_ id: Int64, _ text: String) throws {
        guard !searchIndexDeferred else { return }
        try db.cachedStatement(sql: "INSERT INTO comments_fts(rowid, text) VALUES(?, ?)").run(id, text)
    }

    /// `old`: the text the index holds for the comment. A retracted comment's text is empty, and
    /// so is its entry: as a build from the views makes it, so either way gives the same index.
    func reindexComment(_ id: Int64, from old: String, to new: String) throws {
        guard !searchIndexDeferred else { return }
        try exec(sql: "INSERT INTO comments_fts(comments_fts, rowid, text) VALUES('delete', ?, ?)", arguments: [id, old])
        try indexComment(id, new)
    }
}

extension IdeaStore {
    /// The fewest ops coming at once that make a large history (`ApplySession+SearchIndex`).
    public static let largeHistoryOps = 1024

    /// False while the store takes in a large history and leaves its search index to be built at
    /// the end (`buildDeferredSearchIndex`); search refuses to answer until then.
    public var searchIndexReady: Bool { !searchIndexDeferred.withLock { $0 } }

    /// A peer has `incoming` ops this store lacks (its Hello said so): if that is a large history
    /// for this store, the search index waits for them (`ApplySession+SearchIndex`). Returns
    /// whether it now waits.
    @discardableResult
    public func expectHistory(incoming: Int) throws -> Bool {
        guard searchIndexReady else { return true }
        return try transaction { session in
            try session.deferSearchIndexesIfLarge(incoming: incoming)
            return session.searchIndexDeferred
        }
    }

    /// Builds the search index if a large history left it waiting; returns whether it did. The
    /// daemon calls it once its store has been idle a moment after remote ops.
    @discardableResult
    public func buildDeferredSearchIndex() throws -> Bool {
        guard !searchIndexReady else { return false }
        return try transaction { session in
            guard session.searchIndexDeferred else { return false }
            try session.buildSearchIndexes()
            return true
        }
    }
}
