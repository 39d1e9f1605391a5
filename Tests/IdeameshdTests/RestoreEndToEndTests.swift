import Foundation
import MeshClient
import MeshLoopback
import Testing

/// A node restored from a backup, with real daemons: the backup lacks the node's latest ops,
/// which its peer holds. Each scenario ends with a refused write that says why, or with converged
/// nodes that hold every acknowledged write and report any fork: never a silent split, and never
/// a link that reconnects every second.
@Suite(.timeLimit(.minutes(3)))
struct RestoreEndToEndTests {
    /// A and B in sync; A's backup is taken after its first three ideas, A writes two more (B
    /// gets them), both stop.
    static func setUp(_ label: String) async throws -> (DaemonCluster, DaemonNode, DaemonNode, backup: String) {
        let cluster = try DaemonCluster(label)
        let a = try cluster.addNode("a"), b = try cluster.addNode("b")
        try a.configure(seeds: [b], trust: [b])
        try b.configure(seeds: [a], trust: [a])
        try await cluster.start(a, b)
        for i in 1...3 { _ = try a.submit("Restore: A's idea \(i)") }
        let backup = cluster.root + "/a-backup.sqlite"
        _ = try a.call("admin.backup", ["path": backup])
        for i in 4...5 { _ = try a.submit("Restore: A's idea \(i)") }
        try await cluster.waitConverged([a, b], ops: 5)
        a.stopBlocking()
        b.stopBlocking()
        return (cluster, a, b, backup)
    }

    static func writesPaused(_ node: DaemonNode) throws -> String? {
        try node.call("admin.status")["writes_paused"] as? String
    }

    /// `ideameshd restore`, then A starts alone: staff writes are refused, saying why; once B is
    /// back, A learns its own history from it and writes resume by themselves. No fork.
    @Test func aRestoredNodeWritesOnlyOnceAPeerHasToldItItsOwnHistory() async throws {
        let (cluster, a, b, backup) = try await Self.setUp("restore-cmd")
        defer { cluster.shutdown() }
        let restore = try InitCommandTests.ideameshd(["restore", "--data", a.dataDir, "--from", backup])
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(restore.stdout.contains("3 of them this node's own"), "\(restore.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: a.dataDir).contains { $0.hasPrefix("ideamesh.sqlite.replaced-") })

        try await a.start()
        #expect(try a.digest().heads[a.nodeID] == 3, "the backup's history")
        let refused = try a.request("idea.submit", ["title": "Written after the restore", "problem": "p", "solution": "s"])
        #expect(refused.errorCode == "not_allowed")
        #expect(refused.errorMessage?.contains("restored from a backup") == true, "\(refused)")
        #expect(try Self.writesPaused(a) != nil)
        #expect(a.log.contains("local writes are paused"))

        try await b.start()
        try await cluster.eventually("A's writes resume once B told it its history") { try Self.writesPaused(a) == nil }
        #expect(try a.digest().heads[a.nodeID] == 5, "A holds its own ops up to 5 again, from B")
        let id = try a.submit("Written once A knows its history")
        #expect(id.hasSuffix("-6"), "\(id): the next seq, not a reused one")
        try await cluster.waitConverged([a, b], ops: 6)
        for node in [a, b] {
            #expect((try node.call("admin.forks")["forks"] as? [Any])?.isEmpty == true, "\(cluster.logs())")
        }
        #expect(a.log.contains("local writes resumed"))
    }

    /// The store put back by hand (no `ideameshd restore`) while B is up: B's Hello shows more
    /// of A's own ops than A's store holds, so A pauses its writes until it has them back.
    @Test func aStorePutBackByHandIsCaughtByThePeersHello() async throws {
        let (cluster, a, b, backup) = try await Self.setUp("restore-hand")
        defer { cluster.shutdown() }
        try Self.putBack(backup, at: a)
        try await b.start()
        try await a.start()
        try await cluster.eventually("A caught up with its own history, writes accepted") {
            try a.digest().heads[a.nodeID] == 5 && Self.writesPaused(a) == nil
        }
        #expect(a.log.contains("a peer holds more of this node's own history than its store"), "\(cluster.logs([a]))")
        let id = try a.submit("Written after catching up")
        #expect(id.hasSuffix("-6"))
        try await cluster.waitConverged([a, b], ops: 6)
    }

    /// The worst case: put back by hand, A starts while B is down and writes at once (it cannot
    /// know). Then B returns: both sides find the fork of A's history (quarantined, listed,
    /// counted), A refuses further writes saying why, the link stays up and B's own ideas still
    /// reach A, and nobody reconnects in a loop.
    @Test func aForkOfARestoredNodeIsFoundOnBothSidesAndTheLinkStaysUp() async throws {
        let (cluster, a, b, backup) = try await Self.setUp("restore-fork")
        defer { cluster.shutdown() }
        try Self.putBack(backup, at: a)
        try await a.start()
        let written = try a.submit("Written while nobody could tell A its history")
        #expect(written.hasSuffix("-4"), "seq 4 again, with other content")

        try await b.start()
        for node in [a, b] {
            try await cluster.eventually("\(node.name) lists the fork of A's history") {
                let forks = try node.call("admin.forks")["forks"] as? [[String: Any]] ?? []
                return forks.contains { ($0["origin"] as? String) == a.nodeID }
            }
        }
        let refused = try a.request("idea.submit", ["title": "Another", "problem": "p", "solution": "s"])
        #expect(refused.errorCode == "not_allowed")
        #expect(refused.errorMessage?.contains("own history has forked") == true, "\(refused)")
        let metrics = try a.call("admin.metrics")["text"] as? String ?? ""
        #expect(metrics.contains("ideamesh_forked_origins 1"), "\(metrics)")

        // The link stays up for every other origin.
        let bIdea = try b.submit("B's idea after the fork")
        try await cluster.eventually("B's new idea reaches A") { try a.ideaTitles().contains("B's idea after the fork") }
        try await cluster.holds("one link, up", for: .seconds(4)) { try a.syncingPeers() == [b.nodeID] }
        _ = bIdea
        let connects = a.log.components(separatedBy: "peer connected").count - 1
        #expect(connects <= 2, "A connected \(connects) times: \(cluster.logs())")
        #expect(!a.log.contains("hash chain broken") && !b.log.contains("hash chain broken"), "\(cluster.logs())")
        // Nothing acknowledged was dropped: B keeps A's first history, A its own write.
        #expect(try b.digest().heads[a.nodeID] == 5)
        #expect(try a.show(written)["title"] as? String == "Written while nobody could tell A its history")
    }

    /// `ideameshd restore` refuses, changing nothing, a backup of another node, a file that is no
    /// database, a missing file, and a data dir whose daemon runs.
    @Test func restoreRefusesWhatIsNotThisNodesBackupAndARunningDaemon() async throws {
        let cluster = try DaemonCluster("restore-refuse")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a"), b = try cluster.addNode("b")
        let junk = cluster.root + "/junk.sqlite"
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: junk))
        try a.configure(trust: [b])
        // (The lock file, taken while restoring, is no change: the daemon takes it too.)
        func files() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: a.dataDir).filter { $0 != "ideameshd.lock" }.sorted() }
        let before = try files()
        for (file, says) in [
            (b.storePath, "a backup of node \(b.short)"), (junk, "not an SQLite database"), (cluster.root + "/missing.sqlite", "no such file"),
        ] {
            let run = try InitCommandTests.ideameshd(["restore", "--data", a.dataDir, "--from", file])
            #expect(run.status == 1)
            #expect(run.stderr.contains(says), "\(run.stderr)")
            #expect(try files() == before, "nothing changed")
        }
        try await a.start()
        let backup = cluster.root + "/a.sqlite"
        _ = try a.call("admin.backup", ["path": backup])
        let run = try InitCommandTests.ideameshd(["restore", "--data", a.dataDir, "--from", backup])
        #expect(run.status == 1)
        #expect(run.stderr.contains("already running"), "\(run.stderr)")
    }

    /// What an admin restoring by hand does: the copy in place of the store, without its WAL.
    static func putBack(_ backup: String, at node: DaemonNode) throws {
        let fm = FileManager.default
        for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: node.storePath + suffix) }
        try fm.copyItem(atPath: backup, toPath: node.storePath)
    }
}
