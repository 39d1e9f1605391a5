import GRDB
import Foundation
import MeshCRDT
import MeshModel
@testable import MeshStore
import MeshWire
import Testing

/// Bad batches are refused and change nothing; forks are quarantined; writes are durable.
struct IntegrityTests {
    let dir = TempDir()

    func history(_ identity: NodeIdentity, in name: String, count: Int = 5) throws -> (IdeaStore, [SignedOp]) {
        let store = try IdeaStore(path: dir.file(name), identity: identity)
        for i in 0..<count {
            try store.write(.ideaCreate(IdeaContent(title: "idea \(i)", problem: "p", solution: "s")), author: "ann")
        }
        return (store, try store.ops(of: identity.nodeID, from: 1, limit: .max))
    }

    func unchanged(_ store: IdeaStore, _ action: () throws -> Void) throws {
        let before = (try store.digest(), try store.versionVector(), try store.opCount())
        try action()
        #expect(try store.digest() == before.0)
        #expect(try store.versionVector() == before.1)
        #expect(try store.opCount() == before.2)
    }

    @Test func aBadSignatureIsRejectedAndChangesNothing() throws {
        let origin = NodeIdentity()
        let (_, ops) = try history(origin, in: "origin.sqlite")
        let receiver = try IdeaStore(path: dir.file("r.sqlite"), identity: nil)
        try receiver.apply(batch: Array(ops[0..<2]))
        var forged = ops[2...4].map { $0 }
        forged[2] = SignedOp(bytes: forged[2].bytes, signature: NodeIdentity().sign(forged[2].bytes), body: forged[2].body)
        try unchanged(receiver) {
            #expect(throws: BatchRejection.badSignature(origin: origin.nodeID, seq: 5)) { try receiver.apply(batch: forged) }
        }
        try receiver.apply(batch: Array(ops[2...4]))  // the genuine batch still goes in
        #expect(try receiver.versionVector()[origin.nodeID].seq == 5)
    }

    /// An op that directly follows the held head but names another op as its `prev`, signed by
    /// the origin: two histories, a fork (quarantined, the origin blocked), not a broken chain.
    @Test func anOpContinuingAnotherHistoryIsAFork() throws {
        let origin = NodeIdentity()
        let (_, ops) = try history(origin, in: "origin.sqlite")
        let receiver = try IdeaStore(path: dir.file("r.sqlite"), identity: nil)
        try receiver.apply(batch: Array(ops[0..<2]))
        let before = try receiver.digestAndVector()
        let elsewhere = SignedOp.make(identity: origin, seq: 3, prev: OpHash.of(Data("elsewhere".utf8)), hlc: .zero,
                                      author: "x", body: .themeDefine(Theme(code: "x", name: "x")))
        let outcome = try receiver.apply(batch: [elsewhere])
        #expect(outcome.fork == ForkReport(origin: origin.nodeID, seq: 2), "our op 2 is the one to show the peer")
        #expect(outcome.applied == 0)
        let after = try receiver.digestAndVector()
        #expect(after.digest == before.digest && after.vector == before.vector)
        #expect(try receiver.quarantine().map(\.seq) == [3])
        #expect(throws: BatchRejection.originForked(origin.nodeID)) { try receiver.apply(batch: [ops[2]]) }
        // Signed by someone else, it proves no fork: refused as a broken chain.
        let forged = SignedOp(bytes: elsewhere.bytes, signature: NodeIdentity().sign(elsewhere.bytes), body: elsewhere.body)
        let other = try IdeaStore(path: dir.file("o.sqlite"), identity: nil)
        try other.apply(batch: Array(ops[0..<2]))
        #expect(throws: BatchRejection.brokenChain(origin: origin.nodeID, seq: 3)) { try other.apply(batch: [forged]) }
        #expect(try other.quarantine().isEmpty)
    }

    @Test func aBrokenChainIsRejectedAndChangesNothing() throws {
        let origin = NodeIdentity()
        let (_, ops) = try history(origin, in: "origin.sqlite")
        let receiver = try IdeaStore(path: dir.file("r.sqlite"), identity: nil)
        try receiver.apply(batch: Array(ops[0..<2]))
        // Properly signed by the origin, but its prev is not the hash of op 3, in one batch with 3.
        // (Alone after op 2, an op 3 whose prev is another op 2 is a fork: the next test.)
        let unchained = SignedOp.make(identity: origin, seq: 4, prev: OpHash.of(Data("elsewhere".utf8)), hlc: .zero,
                                      author: "x", body: .themeDefine(Theme(code: "x", name: "x")))
        try unchanged(receiver) {
            #expect(throws: BatchRejection.brokenChain(origin: origin.nodeID, seq: 4)) { try receiver.apply(batch: [ops[2], unchained]) }
            // A batch that skips ops is a gap, not silently accepted.
            #expect(throws: BatchRejection.gap(origin: origin.nodeID, held: 2, first: 4)) { try receiver.apply(batch: [ops[3]]) }
            // Ops of two origins, or out of order, in one batch.
            let (_, others) = try history(NodeIdentity(), in: "other.sqlite", count: 1)
            #expect(throws: BatchRejection.mixedOrigins) { try receiver.apply(batch: [ops[2], others[0]]) }
            #expect(throws: BatchRejection.notContiguous(index: 1)) { try receiver.apply(batch: [ops[2], ops[4]]) }
            #expect(throws: BatchRejection.self) { try receiver.apply(batch: [SignedOp(bytes: Data([1, 2, 3]), signature: Data())]) }
        }
    }

    @Test func aForkIsQuarantinedReportedAndBlocksTheOrigin() throws {
        // The same identity writing two histories: what a node restored from an old backup does.
        let origin = NodeIdentity()
        let (_, ops) = try history(origin, in: "origin.sqlite", count: 3)
        let restored = try IdeaStore(path: dir.file("restored.sqlite"), identity: origin)
        try restored.apply(batch: Array(ops[0..<1]))
        try restored.write(.ideaCreate(IdeaContent(title: "different second op", problem: "p", solution: "s")), author: "ann")
        let divergent = try restored.ops(of: origin.nodeID, from: 1, limit: .max)

        let receiver = try IdeaStore(path: dir.file("r.sqlite"), identity: nil)
        try receiver.apply(batch: ops)
        try unchanged(receiver) {
            let outcome = try receiver.apply(batch: divergent)
            #expect(outcome.fork == ForkReport(origin: origin.nodeID, seq: 2))
            #expect(outcome.applied == 0 && outcome.duplicates == 1)
            #expect(try receiver.forks() == [ForkReport(origin: origin.nodeID, seq: 2)])
            // Until an admin resolves it, that origin's further ops wait.
            #expect(throws: BatchRejection.originForked(origin.nodeID)) { try receiver.apply(batch: Array(ops[2...])) }
        }
    }

    @Test func aForkClaimWithABadSignatureIsJustABadOp() throws {
        let origin = NodeIdentity()
        let (_, ops) = try history(origin, in: "origin.sqlite", count: 2)
        let receiver = try IdeaStore(path: dir.file("r.sqlite"), identity: nil)
        try receiver.apply(batch: ops)
        let fake = SignedOp(bytes: ops[1].bytes + Data([0]), signature: ops[1].signature, body: ops[1].body)
        try unchanged(receiver) {
            #expect(throws: BatchRejection.self) { try receiver.apply(batch: [fake]) }
            let forks = try receiver.forks()
            #expect(forks.isEmpty)
        }
    }

    @Test func reopeningKeepsEverything() throws {
        let identity = NodeIdentity()
        let path = dir.file("node.sqlite")
        var store: IdeaStore? = try IdeaStore(path: path, identity: identity)
        let idea = try store!.write(.ideaCreate(content), author: "ann").decode().id
        try store!.write(.support(idea: idea), author: "bob")
        let (digest, vector) = (try store!.digest(), try store!.versionVector())
        store = nil
        let reopened = try IdeaStore(path: path, identity: identity)
        #expect(try reopened.digest() == digest && reopened.versionVector() == vector)
        // The chain continues where it was, and the clock never goes back.
        let next = try reopened.write(.support(idea: idea), author: "cat", wallMillis: 1).decode()
        #expect(next.seq == 3)
        #expect(next.hlc > (try reopened.ops(of: identity.nodeID, from: 2, limit: 1)[0].decode().hlc))
        #expect(throws: StoreError.self) { try IdeaStore(path: path, identity: NodeIdentity()) }
    }

    @Test func anAcknowledgedWriteIsOnDiskBeforeAnyShutdown() throws {
        // Copy the files while the store is still open and has never been closed or checkpointed:
        // what a crash would leave behind. The copy must hold every acknowledged write.
        let identity = NodeIdentity()
        let path = dir.file("live.sqlite")
        let live = try IdeaStore(path: path, identity: identity)
        var written = [OpID]()
        for i in 0..<20 {
            written.append(try live.write(.ideaCreate(IdeaContent(title: "t\(i)", problem: "p", solution: "s")), author: "ann").decode().id)
        }
        let crash = dir.file("crash.sqlite")
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: path + suffix) {
            try FileManager.default.copyItem(atPath: path + suffix, toPath: crash + suffix)
        }
        let recovered = try IdeaStore(path: crash, identity: nil)
        #expect(try recovered.integrityCheck() == "ok")
        #expect(try written.allSatisfy { try recovered.idea($0) != nil })
        #expect(try recovered.digest() == live.digest())
    }
}

/// Group commit: several batches in one transaction, each accepted or refused on its own.
struct GroupCommitTests {
    let dir = TempDir()

    @Test func aRefusedBatchInAGroupChangesNothingAndSparesTheOthers() throws {
        let a = NodeIdentity(), b = NodeIdentity(), c = NodeIdentity()
        func ops(_ identity: NodeIdentity, _ name: String) throws -> [SignedOp] {
            let store = try IdeaStore(path: dir.file(name), identity: identity)
            try store.write(.ideaCreate(content), author: "ann")
            try store.write(.themeDefine(Theme(code: "t-\(identity.nodeID.short)", name: name)), author: "ann")
            return try store.ops(of: identity.nodeID, from: 1, limit: .max)
        }
        let good1 = try ops(a, "a.sqlite"), good2 = try ops(c, "c.sqlite")
        var forged = try ops(b, "b.sqlite")
        forged[1] = SignedOp(bytes: forged[1].bytes, signature: NodeIdentity().sign(forged[1].bytes), body: forged[1].body)

        let grouped = try IdeaStore(path: dir.file("grouped.sqlite"), identity: nil)
        let results = try grouped.apply(batches: [good1, forged, good2, []])
        #expect(try results[0].get().applied == 2)
        #expect(throws: BatchRejection.badSignature(origin: b.nodeID, seq: 2)) { try results[1].get() }
        #expect(try results[2].get().applied == 2)
        #expect(throws: BatchRejection.empty) { try results[3].get() }

        // The same as applying only the good batches, one by one: the refused one left no trace.
        let separate = try IdeaStore(path: dir.file("separate.sqlite"), identity: nil)
        try separate.apply(batch: good1)
        try separate.apply(batch: good2)
        #expect(try grouped.digest() == separate.digest())
        #expect(try grouped.versionVector() == separate.versionVector())
        #expect(try grouped.versionVector()[b.nodeID].seq == 0)

        // The refused origin can still come in whole later.
        try grouped.apply(batch: try IdeaStore(path: dir.file("b.sqlite"), identity: b).ops(of: b.nodeID, from: 1, limit: .max))
        #expect(try grouped.versionVector()[b.nodeID].seq == 2)
    }
}

struct CheckpointerTests {
    let dir = TempDir()

    /// A WAL database with a Checkpointer installed on its writer.
    func database(background: Int32, writer: Int32) throws -> (DatabasePool, Checkpointer, String) {
        let path = dir.file("db.sqlite")
        let pool = try DatabasePool(path: path)
        let checkpointer = try Checkpointer(databasePath: path, backgroundFrames: background, writerFrames: writer, logger: .init(label: "test"))
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "CREATE TABLE t(x BLOB)")
            checkpointer.install(on: db)
        }
        return (pool, checkpointer, path)
    }

    func insert(_ pool: DatabasePool, commits: Int) throws {
        for _ in 0..<commits {
            try pool.write { try $0.execute(sql: "INSERT INTO t(x) VALUES(zeroblob(3000))") }
        }
    }

    @Test func aBackgroundCheckpointCopiesTheWALIntoTheDatabase() throws {
        let (pool, checkpointer, path) = try database(background: 8, writer: 100_000)
        defer { try? pool.writeWithoutTransaction { checkpointer.uninstall(from: $0) } }
        let before = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        try insert(pool, commits: 20)
        checkpointer.drain()
        #expect(checkpointer.runs.withLock { $0 }.background >= 1)
        #expect(checkpointer.runs.withLock { $0 }.writer == 0)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int > before)
    }

    @Test func checkpointsOncePerGrowthStepNotPerCommitWhenTheWALCannotRestart() throws {
        let (pool, checkpointer, path) = try database(background: 8, writer: 100_000)
        defer { try? pool.writeWithoutTransaction { checkpointer.uninstall(from: $0) } }
        // A reader holding an old snapshot keeps the WAL from restarting, as a busy mesh does:
        // the WAL only grows, and a trigger on its size alone would fire after every commit.
        var readerConfig = Configuration()
        readerConfig.allowsUnsafeTransactions = true  // this reader means to hold its snapshot
        let reader = try DatabaseQueue(path: path, configuration: readerConfig)
        try reader.inDatabase { db in
            try db.execute(sql: "BEGIN")
            _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM t")
        }
        defer { try? reader.inDatabase { try $0.execute(sql: "COMMIT") } }
        for _ in 0..<60 {
            try insert(pool, commits: 1)
            checkpointer.drain()  // a slow writer: every checkpoint has finished before the next commit
        }
        let runs = checkpointer.runs.withLock { $0 }
        let frames = try pool.writeWithoutTransaction { try $0.checkpoint(.passive) }.walFrameCount
        #expect(frames >= 60, "the WAL did keep growing")
        #expect(runs.background >= 1)
        #expect(runs.background <= Int(frames) / 8 + 1, "\(runs.background) background checkpoints for \(frames) frames")
    }

    @Test func theWriterCheckpointsAtTheBackstopSoTheWALRestarts() throws {
        let (pool, checkpointer, _) = try database(background: 1_000_000, writer: 6)
        defer { try? pool.writeWithoutTransaction { checkpointer.uninstall(from: $0) } }
        try insert(pool, commits: 30)
        let runs = checkpointer.runs.withLock { $0 }
        #expect(runs.background == 0)
        #expect(runs.writer >= 3)
        // The WAL restarted: it holds only the frames since the last restart, not all 30 commits'.
        let frames = try pool.writeWithoutTransaction { try $0.checkpoint(.passive) }.walFrameCount
        #expect(frames < 12)
    }
}
