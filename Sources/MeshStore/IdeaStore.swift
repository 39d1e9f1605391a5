import Foundation
import GRDB
import Logging
import MeshCRDT
import MeshModel
import MeshWire
import Synchronization

/// The node's idea store: the signed op log of every origin plus the materialized views, in one
/// SQLite file (WAL, synchronous=FULL: a committed write survives a crash or power loss).
///
/// Writes are serialized by GRDB's single writer connection; reads run concurrently on the pool.
public final class IdeaStore: Sendable {
    /// The database file (":memory:" for a store in memory).
    public let path: String
    /// A `DatabasePool` (WAL, concurrent readers) for a file; a `DatabaseQueue` in memory.
    let pool: any DatabaseWriter
    let identity: NodeIdentity?
    let logger: Logger
    /// The largest HLC issued or observed; guarded because reads of it happen off the writer.
    let clock: Mutex<HybridClock>
    /// origin key → local index. Only grows; filled from the origins table at open.
    let originIndex: Mutex<[NodeID: Int64]>
    /// nil in memory (no WAL to checkpoint).
    let checkpointer: Checkpointer?
    /// Which held-back episodes are logged (`IdeaStore+Held`).
    let holdLog = Mutex(HoldLog())
    /// The op format of this node's own new ops (Protocol/README.md, "Op format 2").
    let writeFormat: UInt32
    /// Whether the full-text indexes wait to be built at once (`ApplySession+SearchIndex`): the
    /// committed state of `meta`'s flag, kept here for readers.
    let searchIndexDeferred = Mutex(false)
    /// Workflows as `workflows.moves` stores them, parsed (`ApplySession.workflow(at:)`).
    let parsedWorkflows = Mutex([String: Workflow]())
    /// Tests only: the store applies and writes as a version before the rights rule did
    /// (Protocol/README.md, "Rights"), to make the store such a version left behind.
    package let rulesBeforeRights = Mutex(false)

    /// Opens (creating if needed) the store at `path`.
    ///
    /// - Parameter identity: the node's identity, needed for local writes. A store remembers the
    ///   first identity it was opened with and refuses another one.
    /// - Parameter maxClockAheadMillis: remote ops stamped further ahead of the wall clock than
    ///   this are held back until it catches up (Protocol/README.md, "Clocks"; `releaseHeld`).
    public convenience init(
        path: String, identity: NodeIdentity?, logger: Logger = Logger(label: "ideamesh.store"),
        maxClockAheadMillis: UInt64 = HybridClock.defaultMaxDriftMillis, opFormat: UInt32 = SignedOp.formats.upperBound
    ) throws {
        var config = Configuration()
        config.label = "ideamesh"
        config.prepareDatabase { db in
            // Only takes effect when the file is created: 16 KiB pages give shallower B-trees and
            // fewer page writes for op blobs and FTS segments (measured: ~20% faster remote apply
            // and a smaller file on W1 than SQLite's 4 KiB default).
            try db.execute(sql: "PRAGMA page_size = \(IdeaStore.pageSize)")
            // WAL is set by DatabasePool. FULL: the WAL is synced on every commit.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Erased text (Protocol/README.md, "Erasure") must not stay in freed pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        let pool: DatabasePool
        do { pool = try DatabasePool(path: path, configuration: config) } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw StoreError.notADatabase(path: path)
        }
        // The one writer: a larger page cache (readers keep SQLite's 2 MB), and checkpoints by the
        // Checkpointer: beside the writer every 16 MiB of WAL growth, by the writer at 64 MiB, so
        // a long catch-up rarely waits for one and the WAL stays bounded.
        let checkpointer = try Checkpointer(
            databasePath: path, backgroundFrames: Int32((16 << 20) / IdeaStore.pageSize),
            writerFrames: Int32((64 << 20) / IdeaStore.pageSize), logger: logger)
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA cache_size = -16000")
            checkpointer.install(on: db)
        }
        try self.init(
            path: path, pool: pool, checkpointer: checkpointer, identity: identity, logger: logger,
            maxClockAheadMillis: maxClockAheadMillis, writeFormat: opFormat)
    }

    /// A store in memory, gone when released: for fuzzing and tests that need thousands of fresh
    /// stores a second. The same schema and rules as a file store; no durability.
    public static func inMemory(
        identity: NodeIdentity?, logger: Logger = Logger(label: "ideamesh.store"),
        maxClockAheadMillis: UInt64 = HybridClock.defaultMaxDriftMillis, opFormat: UInt32 = SignedOp.formats.upperBound
    ) throws -> IdeaStore {
        var config = Configuration()
        config.label = "ideamesh-memory"
        return try IdeaStore(
            path: ":memory:", pool: try DatabaseQueue(configuration: config), checkpointer: nil, identity: identity, logger: logger,
            maxClockAheadMillis: maxClockAheadMillis, writeFormat: opFormat)
    }

    /// Empties the store (every op, origin, view, quarantined and held-back op; the schema and this node's
    /// identity stay), as if it had just been made. For the op fuzzer, which gives every input a
    /// fresh store: emptying one in memory costs far less than making one, whose every statement
    /// would be compiled again.
    package func eraseEverything() throws {
        try pool.write { db in
            let tables = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT name, sql LIKE 'CREATE VIRTUAL TABLE%' AS virtual FROM sqlite_master
                WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts_%' AND name NOT IN ('grdb_migrations', 'meta')
                """))
            for table in tables {
                let name: String = table["name"]
                // An external-content FTS5 index is emptied with its own command.
                let sql = table["virtual"] as Bool ? "INSERT INTO \(name)(\(name)) VALUES('delete-all')" : "DELETE FROM \(name)"
                try db.cachedStatement(sql: sql).execute()
            }
            try db.execute(sql: "DELETE FROM meta WHERE key != 'node'")
        }
        originIndex.withLock { $0.removeAll() }
        searchIndexDeferred.withLock { $0 = false }  // its `meta` row went with the rest
        clock.withLock { $0 = HybridClock(last: .zero, maxDriftMillis: $0.maxDriftMillis) }
        holdLog.withLock { $0 = HoldLog() }
    }

    /// Migrates the opened database and loads what the store keeps in memory.
    private init(
        path: String, pool: any DatabaseWriter, checkpointer: Checkpointer?, identity: NodeIdentity?, logger: Logger,
        maxClockAheadMillis: UInt64, writeFormat: UInt32
    ) throws {
        self.writeFormat = writeFormat
        self.path = path
        self.pool = pool
        self.checkpointer = checkpointer
        self.identity = identity
        self.logger = logger
        let migrator = Schema.migrator
        if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
            throw StoreError.schemaTooNew(try pool.read { try migrator.appliedMigrations($0).last ?? "?" })
        }
        try migrator.migrate(pool)

        let (origins, maxHLC, storedNode) = try pool.read { db in
            let origins = try Row.fetchAll(db, sql: "SELECT id, key FROM origins").map { row in
                (NodeID(bytes: row["key"] as Data)!, row["id"] as Int64)
            }
            let node = try Data.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'node'")
            return (origins, try Self.appliedClock(db), node)
        }
        originIndex = Mutex(Dictionary(uniqueKeysWithValues: origins))
        clock = Mutex(HybridClock(last: maxHLC, maxDriftMillis: maxClockAheadMillis))
        if let identity {
            if let storedNode, let stored = NodeID(bytes: storedNode), stored != identity.nodeID {
                throw StoreError.identityMismatch(stored: stored, given: identity.nodeID)
            }
            if storedNode == nil {
                try pool.write { db in
                    try db.execute(
                        sql: "INSERT INTO meta(key, value) VALUES('node', ?)",
                        arguments: [Data(identity.nodeID.bytes)])
                }
            }
        }
        // A rule tightened since the views were made (a migration asked): they are made again
        // from the log, as a node that applies the same ops afresh makes them.
        if try pool.read({ try Bool.fetchOne($0, sql: "SELECT 1 FROM meta WHERE key = ?", arguments: [Schema.rebuildKey]) }) != nil {
            let rebuilt = try transaction { session in
                let result = try session.rebuildViews()
                try session.db.execute(sql: "DELETE FROM meta WHERE key = ?", arguments: [Schema.rebuildKey])
                return result
            }
            if rebuilt.ops > 0 {
                logger.notice("views made again from the op log under this version's rules", metadata: [
                    "ops": "\(rebuilt.ops)", "now_without_effect": "\(rebuilt.lostEffect.count)"])
            }
        }
        // A store stopped while it took in a large history: its search index is built now.
        if try pool.read(ApplySession.searchIndexDeferred) {
            let watch = ContinuousClock.now
            try transaction { session in try session.buildSearchIndexes() }
            logger.notice("search index built (it waited for a large history being taken in when the node stopped)", metadata: [
                "took": "\(ContinuousClock.now - watch)"])
        }
        // Ops this version reads that an older one could not (an upgrade) take effect now.
        let materialized = try transaction { session in try session.materializeReadableBodies() }
        if !materialized.isEmpty {
            logger.info("ops an earlier version could not read take effect now", metadata: [
                "ops": "\(materialized.count)", "first": "\(materialized[0].origin.short)-\(materialized[0].seq)"])
        }
    }

    /// Asks the store at `path` (closed) to make its views again from the log when it next opens,
    /// as a migration that tightens a rule does: for the benchmark of an upgrade.
    package static func requestViewRebuild(path: String) throws {
        try DatabaseQueue(path: path).write { try Schema.requestRebuild($0) }
    }

    /// The page size of new store files.
    public static let pageSize = 16384

    /// The node this store belongs to, if it was opened with an identity.
    public var nodeID: NodeID? { identity?.nodeID }

    // MARK: local writes

    /// Makes one op at this node: validates it, fills in what it has seen, signs it, appends it to
    /// the log and applies it, in one durable transaction. Returns once the op is on disk.
    ///
    /// - Parameter requireTargets: refuse an op whose target idea is not here. Only a replay of a
    ///   history recorded elsewhere (a benchmark, an import) turns this off; the op then takes
    ///   effect when the target arrives, like any remote op.
    @discardableResult
    public func write(
        _ body: OpBody, author: String, wallMillis: UInt64 = Clock.wallMillis(), requireTargets: Bool = true
    ) throws -> SignedOp {
        do {
            return try writeLocal([body], author: author, wallMillis: wallMillis, requireTargets: requireTargets)[0]
        } catch let error as WriteBatchError {
            throw error.error
        }
    }

    /// Makes several ops at this node, all or nothing: every body is checked and completed first
    /// (as `write(_:author:)` does one), then all are signed, appended and applied in one durable
    /// transaction. A body that fails throws `WriteBatchError` naming its index, and nothing is
    /// written. The bodies are checked against the store as it was before the batch, so none may
    /// refer to what another one of the batch creates (an import of new ideas is the use).
    @discardableResult
    public func write(
        _ bodies: [OpBody], author: String, wallMillis: UInt64 = Clock.wallMillis(), requireTargets: Bool = true
    ) throws -> [SignedOp] {
        try writeLocal(bodies, author: author, wallMillis: wallMillis, requireTargets: requireTargets)
    }

    /// The local-write path of both `write` methods: validation errors carry the body's index.
    private func writeLocal(_ bodies: [OpBody], author: String, wallMillis: UInt64, requireTargets: Bool) throws -> [SignedOp] {
        guard let identity else { throw StoreError.readOnlyIdentity }
        for (index, body) in bodies.enumerated() {
            // The author's part of the content rules, before the body is completed.
            if let problem = body.authorViolation(author) { throw WriteBatchError(index: index, error: StoreError.invalid(problem)) }
            if let violation = body.rightsViolation(origin: identity.nodeID), !rulesBeforeRights.withLock({ $0 }) {
                throw WriteBatchError(index: index, error: StoreError.othersIdea(violation.idea))
            }
        }
        return try transaction { session in
            // A store that may lack ops of its own (restored, or behind a peer), or whose own
            // history forked, must not add to it: a new op would reuse or extend a seq that
            // other nodes hold with other content.
            let origin = try session.originRow(identity.nodeID)
            if origin.forked {
                throw StoreError.writesPaused(
                    "this node's own history has forked (`ideamesh admin forks`): another copy of this node, or a restored "
                        + "backup of it, wrote different ops at the same numbers. It takes no new writes, which would only "
                        + "extend one branch; restore its store from a peer's copy of its history or a newer backup")
            }
            if let pause = try Self.writePause(session.db) { throw StoreError.writesPaused(pause.refusal) }
            var prepared = [OpBody]()
            prepared.reserveCapacity(bodies.count)
            for (index, body) in bodies.enumerated() {
                do {
                    let body = try session.prepareLocal(
                        body, author: author, origin: identity.nodeID, requireTargets: requireTargets)
                    // The content rules, as every node applies them to this op (`ApplySession+Rules`).
                    do throws(ValidationError) { try body.validate() } catch { throw StoreError.invalid(error) }
                    let measure = try session.ruleMeasure(for: body, origin: identity.nodeID)
                    if let problem = body.contentViolation(author: author, measure: measure) { throw StoreError.invalid(problem) }
                    if !rulesBeforeRights.withLock({ $0 }),
                       let violation = try session.governanceViolation(body, author: author, origin: identity.nodeID) {
                        throw StoreError.governance(violation)
                    }
                    prepared.append(body)
                } catch let error as StoreError {
                    throw WriteBatchError(index: index, error: error)
                }
            }
            var seq = origin.seq, head = origin.head, hlc = HLC.zero
            // After this node's latest op, even one the clock did not follow (received back
            // from a peer, stamped too far ahead): an origin's HLCs strictly increase.
            clock.withLock { $0.resume(after: HLC(rawValue: UInt64(bitPattern: origin.hlc))) }
            var written = [SignedOp]()
            written.reserveCapacity(prepared.count)
            for body in prepared {
                hlc = clock.withLock { $0.tick(wallMillis: wallMillis) }
                seq += 1
                guard seq <= RowID.maxSeq else { throw BatchRejection.seqTooLarge }
                let signed = SignedOp.make(
                    identity: identity, seq: seq, prev: head, hlc: hlc, author: author, body: body, format: writeFormat)
                let op = Op(origin: identity.nodeID, seq: seq, prev: Array(head), hlc: hlc, author: author, body: body)
                try session.append(signed, op: op, origin: origin.index)
                head = signed.hash
                written.append(signed)
            }
            if !written.isEmpty { try session.setHead(origin.index, seq: seq, head: head, hlc: hlc) }
            return written
        }
    }

    // MARK: remote batches

    /// Applies a batch of one origin's ops, in seq order, as received from a peer.
    ///
    /// Checks, before anything is written: one origin, contiguous seqs, the hash chain from what
    /// is held, and the origin's signature on the batch's last op (the chain covers the rest).
    /// Ops already held are skipped; a different op at a held seq is a fork: it is quarantined,
    /// reported in the outcome, and nothing of the batch is applied. A refused batch throws a
    /// `BatchRejection` and changes nothing.
    @discardableResult
    public func apply(batch: [SignedOp], wallMillis: UInt64 = Clock.wallMillis()) throws -> ApplyOutcome {
        try apply(batches: [batch], wallMillis: wallMillis)[0].get()
    }

    /// Applies several batches (of any origins) in one durable transaction: a group commit, for a
    /// receiver draining what peers sent. Each batch is checked and applied on its own, exactly as
    /// `apply(batch:)` would: every check runs before the batch's first write, so a refused batch
    /// changes nothing and does not affect the others. Returns one result per batch, in order.
    /// Throws only when the database itself fails, and then nothing of the group is applied.
    public func apply(batches: [[SignedOp]], wallMillis: UInt64 = Clock.wallMillis()) throws -> [Result<ApplyOutcome, BatchRejection>] {
        try apply(prepared: PreparedBatch.prepare(batches), wallMillis: wallMillis)
    }

    /// The same for batches already prepared (see `PreparedBatch`), e.g. on another thread.
    public func apply(
        prepared: [Result<PreparedBatch, BatchRejection>], wallMillis: UInt64 = Clock.wallMillis()
    ) throws -> [Result<ApplyOutcome, BatchRejection>] {
        var maxHLC = HLC.zero
        var startedHolding = [(origin: NodeID, op: Op)]()
        let incoming = prepared.reduce(0) { $0 + ((try? $1.get().count) ?? 0) }
        let results = try transaction { session in
            // A large history into a small store: the search index is built once it is all in.
            try session.deferSearchIndexesIfLarge(incoming: incoming)
            var results = [Result<ApplyOutcome, BatchRejection>]()
            results.reserveCapacity(prepared.count)
            for batch in prepared {
                switch batch {
                case .failure(let rejection):
                    results.append(.failure(rejection))
                case .success(let batch):
                    do {
                        let outcome = try session.applyRemote(batch, wallMillis: wallMillis)
                        results.append(.success(outcome))
                        if let seq = outcome.startedHolding, let op = batch.ops.first(where: { $0.seq == seq }) {
                            startedHolding.append((batch.origin, op))
                        }
                        if let fork = outcome.fork {
                            logger.warning("fork quarantined", metadata: ["origin": "\(fork.origin.short)", "seq": "\(fork.seq)"])
                        }
                    } catch let rejection as BatchRejection {
                        results.append(.failure(rejection))
                    }
                }
            }
            // Only ops applied to the views move the clock: held-back ones wait (`releaseHeld`).
            maxHLC = session.observed
            return results
        }
        clock.withLock { _ = $0.observe(maxHLC, wallMillis: wallMillis) }
        for (origin, op) in startedHolding { logHoldingBack(origin: origin, op: op, wallMillis: wallMillis) }
        return results
    }

    // MARK: reading the log

    /// The version vector: for each origin, the highest contiguous seq held and its hash.
    public func versionVector() throws -> VersionVector {
        try reading { db in
            var vector = VersionVector()
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT key, seq, head FROM origins WHERE seq > 0")) {
                vector[NodeID(bytes: row["key"] as Data)!] = OriginHead(seq: UInt64(row["seq"] as Int64), hash: Array(row["head"] as Data))
            }
            return vector
        }
    }

    /// Up to `limit` ops of `origin` from `seq` on, in order.
    public func ops(of origin: NodeID, from seq: UInt64, limit: Int) throws -> [SignedOp] {
        guard let index = originIndex.withLock({ $0[origin] }), seq <= RowID.maxSeq else { return [] }
        return try reading { db in
            try Row.fetchAll(
                db, sql: "SELECT bytes, sig, body FROM ops WHERE id >= ? AND id <= ? ORDER BY id LIMIT ?",
                arguments: [RowID.make(origin: index, seq: max(seq, 1)), RowID.make(origin: index, seq: RowID.maxSeq), limit]
            ).map(SignedOp.init(stored:))
        }
    }

    /// Every held op of every origin, origin by origin in seq order, streamed from SQLite in
    /// batches of at most `batchSize` (the history is never held in memory at once).
    public func forEachBatch(batchSize: Int, _ body: ([SignedOp]) throws -> Void) throws {
        try reading { db in
            let cursor = try Row.fetchCursor(db, sql: "SELECT id, bytes, sig, body FROM ops ORDER BY id")
            var batch = [SignedOp]()
            batch.reserveCapacity(batchSize)
            var batchOrigin: Int64 = -1
            while let row = try cursor.next() {
                let origin = RowID.origin(row["id"])
                if origin != batchOrigin || batch.count == batchSize {
                    if !batch.isEmpty { try body(batch) }
                    batch.removeAll(keepingCapacity: true)
                    batchOrigin = origin
                }
                batch.append(SignedOp(stored: row))
            }
            if !batch.isEmpty { try body(batch) }
        }
    }

    public func opCount() throws -> Int {
        try reading { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM ops") ?? 0 }
    }

    /// Size of the database file (and its WAL) in bytes.
    public func databaseBytes() throws -> Int64 {
        let fm = FileManager.default
        return [path, path + "-wal"].reduce(Int64(0)) { total, file in
            total + ((try? fm.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }

    /// Runs SQLite's integrity check; returns "ok" or the problems found.
    public func integrityCheck() throws -> String {
        try reading { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }

    deinit {
        // The writer connection must not call into the checkpointer once it is gone.
        guard let checkpointer else { return }
        try? pool.writeWithoutTransaction { db in checkpointer.uninstall(from: db) }
        checkpointer.drain()
    }

    /// After a commit that erased text from the log: the WAL, which holds the pages as they were
    /// before, is copied back and emptied, so the erased text is in no file of the store. A
    /// reader still on an older snapshot can keep the WAL from emptying: then it is tried again
    /// a few times, and logged if it still does not empty (the next erasure, or the next
    /// checkpoint at the WAL's size limit, empties it).
    func purgeWAL(afterErasing ops: Int) {
        guard checkpointer != nil else { return }
        for attempt in 1...5 {
            do {
                try checkpoint()
                if ((try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? NSNumber)?.intValue ?? 0) == 0 {
                    logger.notice("text erased from the log; the WAL is emptied", metadata: ["ops": "\(ops)"])
                    return
                }
            } catch {
                logger.debug("checkpoint after an erasure", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
            }
            Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
        }
        logger.warning("text erased from the log, but the WAL could not be emptied yet: a reader holds it", metadata: ["ops": "\(ops)"])
    }

    /// Writes the WAL back into the database file and empties it.
    public func checkpoint() throws {
        guard let checkpointer else { return }
        checkpointer.drain()
        _ = try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }

    // MARK: helpers

    /// Frees the memory SQLite holds for caches (the writer's page cache, idle readers), for a
    /// daemon that has finished a large piece of work and may now sit idle for a long time.
    public func releaseMemory() {
        (pool as? DatabasePool)?.releaseMemory()
    }

    /// Runs `body` on a reader: a snapshot of a file store (WAL: concurrent with the writer); on
    /// a store in memory, the one connection directly (its queue serializes every access, so the
    /// read-only savepoint a queue's `read` opens around each read would only cost time).
    func reading<T>(_ body: (Database) throws -> T) throws -> T {
        if let queue = pool as? DatabaseQueue { return try queue.inDatabase(body) }
        return try pool.read(body)
    }

    func localIndex(_ origin: NodeID) -> Int64? { originIndex.withLock { $0[origin] } }

    /// Runs `body` in one write transaction; origins it registered become visible to other
    /// transactions only once it has committed.
    func transaction<T>(_ body: (inout ApplySession) throws -> T) throws -> T {
        let (result, newOrigins, ineffective, erased, deferred) = try pool.write { db in
            var session = ApplySession(db: db, store: self)
            session.searchIndexDeferred = searchIndexDeferred.withLock { $0 }
            let result = try body(&session)
            if session.erasedOps > 0 { try session.purgeSearchIndexes() }
            return (result, session.newOrigins, session.ineffective, session.erasedOps, session.searchIndexDeferred)
        }
        searchIndexDeferred.withLock { $0 = deferred }
        if erased > 0 { purgeWAL(afterErasing: erased) }
        if !newOrigins.isEmpty {
            originIndex.withLock { $0.merge(newOrigins) { old, _ in old } }
        }
        for op in ineffective {
            let metadata: Logger.Metadata = ["origin": "\(op.id.origin.short)", "seq": "\(op.id.seq)", "reason": "\(op.reason)"]
            switch op.kind {
            case .content: logger.warning("op held without effect: it breaks a content rule", metadata: metadata)
            case .unknown: logger.notice("op held without effect: this version cannot read its body", metadata: metadata)
            }
        }
        return result
    }
}
