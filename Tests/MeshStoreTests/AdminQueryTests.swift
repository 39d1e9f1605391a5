import Foundation
import MeshCRDT
import MeshModel
import MeshStore
import MeshWire
import Testing

/// Batch local writes (`import`), and what admins use: conflicts, forks and their resolution,
/// counts, online backup.
struct AdminQueryTests {
    let dir = TempDir()

    func row(_ title: String) -> OpBody { .ideaCreate(IdeaContent(title: title, problem: "p", solution: "s")) }

    @Test func aBatchOfLocalWritesIsAllOrNothing() throws {
        let identity = NodeIdentity()
        let store = try IdeaStore(path: dir.file("a.sqlite"), identity: identity)
        try store.write(row("before"), author: "ann")
        let before = (try store.digest(), try store.versionVector())

        #expect(throws: WriteBatchError(index: 2, error: .invalid(ValidationError(field: "title", problem: "must not be empty")))) {
            try store.write([row("one"), row("two"), row(" "), row("four")], author: "ann")
        }
        #expect(throws: WriteBatchError.self) {
            try store.write([row("one"), .support(idea: OpID(origin: identity.nodeID, seq: 99))], author: "ann")
        }
        #expect(try store.digest() == before.0 && store.versionVector() == before.1, "nothing written")

        let written = try store.write([row("one"), row("two"), row("three")], author: "ann")
        #expect(try written.map { try $0.decode().seq } == [2, 3, 4])
        #expect(try Set(store.ideaIDs().compactMap { try store.idea($0)?.content.title }) == ["before", "one", "two", "three"])
        // One chain: another store takes the batch's ops as any peer's.
        let other = try IdeaStore(path: dir.file("b.sqlite"), identity: nil)
        try sync(from: store, to: other)
        #expect(try other.digest() == store.digest())
        // A single write still throws the store's own error.
        #expect(throws: StoreError.invalid(ValidationError(field: "title", problem: "must not be empty"))) { try store.write(row(""), author: "ann") }
    }

    @Test func conflictsListTheCompetingValues() throws {
        // Two status moves that do not see each other: only a misbehaving origin makes them now.
        let identity = NodeIdentity()
        let a = try IdeaStore(path: dir.file("a.sqlite"), identity: identity)
        let idea = try a.write(.ideaCreate(content), author: "ann", wallMillis: 1_000).decode().id
        try a.write(.statusSet(idea: idea, status: .testing, reason: "go", seen: []), author: "ann", wallMillis: 2_000)
        try forge(.statusSet(idea: idea, status: .declined, reason: "no", seen: []), at: a, identity: identity, author: "bob", wallMillis: 2_001)
        let reports = try a.conflicts()
        #expect(reports.count == 1 && reports[0].idea == idea && reports[0].title == "Night falls")
        #expect(reports[0].registers.map(\.register) == [.status])
        #expect(reports[0].registers[0].values.map(\.value) == ["declined", "testing"])
        #expect(reports[0].registers[0].values.map(\.author) == ["bob", "ann"])
        #expect(try a.counts().conflicts == 1)
    }

    @Test func resolvingAForkKeepsTheHeldChainAndUnblocksTheOrigin() throws {
        let origin = NodeIdentity()
        let source = try IdeaStore(path: dir.file("origin.sqlite"), identity: origin)
        for i in 0..<4 { try source.write(row("idea \(i)"), author: "ann") }
        let ops = try source.ops(of: origin.nodeID, from: 1, limit: .max)
        let restored = try IdeaStore(path: dir.file("restored.sqlite"), identity: origin)
        try restored.apply(batch: Array(ops[0..<1]))
        try restored.write(row("different second op"), author: "ann")
        let divergent = try restored.ops(of: origin.nodeID, from: 1, limit: .max)

        let receiver = try IdeaStore(path: dir.file("r.sqlite"), identity: nil)
        try receiver.apply(batch: Array(ops[0..<2]))
        #expect(try receiver.apply(batch: divergent).fork == ForkReport(origin: origin.nodeID, seq: 2))
        #expect(try receiver.quarantine().map(\.seq) == [2])
        #expect(try receiver.counts().forks == 1 && receiver.counts().forkedOrigins == 1)
        #expect(throws: BatchRejection.originForked(origin.nodeID)) { try receiver.apply(batch: Array(ops[2...])) }

        #expect(try receiver.resolveFork(origin: origin.nodeID) == 1)
        #expect(try receiver.quarantine().isEmpty && receiver.counts().forkedOrigins == 0)
        try receiver.apply(batch: Array(ops[2...]))
        #expect(try receiver.digest() == source.digest())
        #expect(try receiver.resolveFork(origin: origin.nodeID) == 0, "nothing left to resolve")
    }

    @Test func aBackupIsAConsistentCopyTakenWhileWritesGoOn() async throws {
        let identity = NodeIdentity()
        let store = try IdeaStore(path: dir.file("a.sqlite"), identity: identity)
        for i in 0..<50 { try store.write(row("idea \(i)"), author: "ann") }
        // A writer keeps going while the backup runs.
        let writer = Task.detached {
            for i in 0..<200 { try store.write(.ideaCreate(IdeaContent(title: "more \(i)", problem: "p", solution: "s")), author: "bob") }
        }
        let path = dir.file("backup.sqlite")
        let bytes = try store.backup(to: path)
        try await writer.value
        #expect(bytes > 0)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let copy = try IdeaStore(path: path, identity: nil)
        #expect(try copy.integrityCheck() == "ok")
        let held = try copy.versionVector()[identity.nodeID].seq
        #expect(held >= 50 && held <= 250)
        // Exactly the source's state at that seq: replaying those ops elsewhere gives its digest.
        let replay = try IdeaStore(path: dir.file("replay.sqlite"), identity: nil)
        try replay.apply(batch: try store.ops(of: identity.nodeID, from: 1, limit: Int(held)))
        #expect(try replay.digest() == copy.digest())

        #expect(throws: BackupError.self) { try store.backup(to: path) }
        #expect(throws: BackupError.self) { try store.backup(to: dir.file("no/such/dir.sqlite")) }
        #expect(!FileManager.default.fileExists(atPath: dir.file("no/such/dir.sqlite")))
    }
}
