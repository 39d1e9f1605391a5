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
    public let path: String
    let pool: DatabasePool
    let identity: NodeIdentity?
    let logger: Logger
    /// The largest HLC issued or observed; guarded because reads of it happen off the writer.
    let clock: Mutex<HybridClock>
    /// origin key → local index. Only grows; filled from the origins table at open.
    let originIndex: Mutex<[NodeID: Int64]>
    let checkpointer: Checkpointer
    /// Which held-back episodes are logged (`IdeaStore+Held`).
    let holdLog = Mutex(HoldLog())

    /// Opens (creating if needed) the store at `path`.
    ///
    /// - Parameter identity: the node's identity, needed for local writes. A store remembers the
    ///   first identity it was opened with and refuses another one.
    /// - Parameter maxClockAheadMillis: remote ops stamped further ahead of the wall clock than
    ///   this are held back until it catches up (Protocol/README.md, "Clocks"; `releaseHeld`).
    public init(
        path: String, identity: NodeIdentity?, logger: Logger = Logger(label: "ideamesh.store"),
        maxClockAheadMillis: UInt64 = HybridClock.defaultMaxDriftMillis
    ) throws {
        self.path = path
        self.identity = identity
        self.logger = logger
        var config = Configuration()
        config.label = "ideamesh"
        config.prepareDatabase { db in
            // Only takes effect when the file is created: 16 KiB pages give shallower B-trees and
            // fewer page writes for op blobs and FTS segments (measured: ~20% faster remote apply
            // and a smaller file on W1 than SQLite's 4 KiB default).
            try db.execute(sql: "PRAGMA page_size = \(IdeaStore.pageSize)")
            // WAL is set by DatabasePool. FULL: the WAL is synced on every commit.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        pool = try DatabasePool(path: path, configuration: config)
        // The one writer: a larger page cache (readers keep SQLite's 2 MB), and checkpoints by the
        // Checkpointer: beside the writer every 16 MiB of WAL growth, by the writer at 64 MiB, so
        // a long catch-up rarely waits for one and the WAL stays bounded.
        checkpointer = try Checkpointer(
            databasePath: path, backgroundFrames: Int32((16 << 20) / IdeaStore.pageSize),
            writerFrames: Int32((64 << 20) / IdeaStore.pageSize), logger: logger)
        try pool.writeWithoutTransaction { [checkpointer] db in
            try db.execute(sql: "PRAGMA cache_size = -16000")
            checkpointer.install(on: db)
        }
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
            do { try Self.validateAuthor(author, body: body) } catch let error as StoreError {
                throw WriteBatchError(index: index, error: error)
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
                    do throws(ValidationError) { try body.validate() } catch { throw StoreError.invalid(error) }
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
                let signed = SignedOp.make(identity: identity, seq: seq, prev: head, hlc: hlc, author: author, body: body)
                let op = Op(origin: identity.nodeID, seq: seq, prev: Array(head), hlc: hlc, author: author, body: body)
                try session.append(signed, op: op, origin: origin.index)
                head = signed.hash
                written.append(signed)
            }
            if !written.isEmpty { try session.setHead(origin.index, seq: seq, head: head, hlc: hlc) }
            return written
        }
    }

    static func validateAuthor(_ author: String, body: OpBody) throws {
        if author.count > Limits.author || author.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            throw StoreError.invalid(ValidationError(field: "author", problem: "not a valid staff handle"))
        }
        switch body {
        case .support, .unsupport, .commentAdd, .commentEdit, .commentRetract:
            if author.isEmpty {
                throw StoreError.invalid(ValidationError(field: "author", problem: "\(body.kind) needs an author"))
            }
        default:
            break
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
        let results = try transaction { session in
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
        try pool.read { db in
            var vector = VersionVector()
            for row in try Row.fetchAll(db, sql: "SELECT key, seq, head FROM origins WHERE seq > 0") {
                vector[NodeID(bytes: row["key"] as Data)!] = OriginHead(seq: UInt64(row["seq"] as Int64), hash: Array(row["head"] as Data))
            }
            return vector
        }
    }

    /// Up to `limit` ops of `origin` from `seq` on, in order.
    public func ops(of origin: NodeID, from seq: UInt64, limit: Int) throws -> [SignedOp] {
        guard let index = originIndex.withLock({ $0[origin] }), seq <= RowID.maxSeq else { return [] }
        return try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT bytes, sig FROM ops WHERE id >= ? AND id <= ? ORDER BY id LIMIT ?",
                arguments: [RowID.make(origin: index, seq: max(seq, 1)), RowID.make(origin: index, seq: RowID.maxSeq), limit]
            ).map { SignedOp(bytes: $0["bytes"], signature: $0["sig"]) }
        }
    }

    /// Every held op of every origin, origin by origin in seq order, streamed from SQLite in
    /// batches of at most `batchSize` (the history is never held in memory at once).
    public func forEachBatch(batchSize: Int, _ body: ([SignedOp]) throws -> Void) throws {
        try pool.read { db in
            let cursor = try Row.fetchCursor(db, sql: "SELECT id, bytes, sig FROM ops ORDER BY id")
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
                batch.append(SignedOp(bytes: row["bytes"], signature: row["sig"]))
            }
            if !batch.isEmpty { try body(batch) }
        }
    }

    public func opCount() throws -> Int {
        try pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM ops") ?? 0 }
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
        try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }

    deinit {
        // The writer connection must not call into the checkpointer once it is gone.
        try? pool.writeWithoutTransaction { [checkpointer] db in checkpointer.uninstall(from: db) }
        checkpointer.drain()
    }

    /// Writes the WAL back into the database file and empties it.
    public func checkpoint() throws {
        checkpointer.drain()
        _ = try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }

    // MARK: helpers

    /// Frees the memory SQLite holds for caches (the writer's page cache, idle readers), for a
    /// daemon that has finished a large piece of work and may now sit idle for a long time.
    public func releaseMemory() {
        pool.releaseMemory()
    }

    func localIndex(_ origin: NodeID) -> Int64? { originIndex.withLock { $0[origin] } }

    /// Runs `body` in one write transaction; origins it registered become visible to other
    /// transactions only once it has committed.
    func transaction<T>(_ body: (inout ApplySession) throws -> T) throws -> T {
        let (result, newOrigins) = try pool.write { db in
            var session = ApplySession(db: db, store: self)
            let result = try body(&session)
            return (result, session.newOrigins)
        }
        if !newOrigins.isEmpty {
            originIndex.withLock { $0.merge(newOrigins) { old, _ in old } }
        }
        return result
    }
}
