import Foundation
import MeshClient
import Testing
import MeshLoopback

/// The admin commands against a real daemon, and their refusal to a user who is not an admin.
@Suite(.timeLimit(.minutes(3)))
struct AdminEndToEndTests {
    @Test func adminReportsAndChanges() async throws {
        let (cluster, a) = try await DaemonCluster.single("admin")
        defer { cluster.shutdown() }
        try a.submit("Insulin double-check")

        let status = try await CLI.run(["admin", "status"], socket: a.controlSocket)
        #expect(status.succeeded, "\(status)")
        for text in ["Department:       Renal Ward", "Node:             \(a.nodeID)", "Listening:        127.0.0.1:\(a.port)", "Ops stored:       1"] {
            #expect(status.stdout.contains(text), "status has \(text): \(status)")
        }
        let peers = try await CLI.run(["admin", "peers"], socket: a.controlSocket)
        #expect(peers.succeeded && peers.stdout.contains("Connections (0)"), "\(peers)")
        let replication = try await CLI.run(["admin", "replication", "--json"], socket: a.controlSocket)
        let origins = try replication.json()["origins"] as? [[String: Any]] ?? []
        #expect(origins.count == 1 && jsonInt(origins[0]["seq"]) == 1, "\(replication)")
        let whereIs = try await CLI.run(["admin", "where", "\(a.short)-1"], socket: a.controlSocket)
        #expect(whereIs.succeeded && whereIs.stdout.hasPrefix("Idea \(a.short)-1"), "\(whereIs)")
        let conflicts = try await CLI.run(["admin", "conflicts"], socket: a.controlSocket)
        #expect(conflicts.succeeded && conflicts.stdout.hasPrefix("No conflicts"), "\(conflicts)")
        let forks = try await CLI.run(["admin", "forks"], socket: a.controlSocket)
        #expect(forks.succeeded && forks.stdout == "No forks.\n", "\(forks)")
        let digest = try await CLI.run(["admin", "digest"], socket: a.controlSocket)
        #expect(digest.succeeded && digest.stdout.contains("Ops:     1") && digest.stdout.contains(a.nodeID), "\(digest)")
        let metrics = try await CLI.run(["admin", "metrics"], socket: a.controlSocket)
        #expect(metrics.succeeded && metrics.stdout.contains("# TYPE ") && metrics.stdout.contains("ideamesh_"), "Prometheus text: \(metrics)")

        // Trust: add, list, remove; a bad node id is a user error.
        let stranger = String(repeating: "a", count: 52)
        try await CLI.run(["admin", "trust", "add", stranger], socket: a.controlSocket).expectSuccess()
        let trusted = try await CLI.run(["admin", "trust", "list", "--json"], socket: a.controlSocket)
        let nodes = try trusted.json()["nodes"] as? [[String: Any]] ?? []
        #expect(nodes.contains { $0["node_id"] as? String == stranger && $0["source"] as? String == "admin" }, "\(trusted)")
        let table = try await CLI.run(["admin", "trust"], socket: a.controlSocket)
        #expect(table.stdout.contains(stranger) && table.stdout.contains("admin"), "\(table)")
        try await CLI.run(["admin", "trust", "remove", stranger], socket: a.controlSocket).expectSuccess()
        let bad = try await CLI.run(["admin", "trust", "add", "not-a-node"], socket: a.controlSocket)
        #expect(bad.status == 1 && bad.stderr.hasPrefix("Error: "), "\(bad)")

        // Forks: with none held, there is nothing to confirm; an origin that has no fork is refused.
        let unconfirmed = try await CLI.run(["admin", "forks", "resolve", a.nodeID], socket: a.controlSocket)
        #expect(unconfirmed.status == 1 && unconfirmed.stderr.contains("there is no fork here to resolve"), "\(unconfirmed)")
        let noFork = try await CLI.run(["admin", "forks", "resolve", a.nodeID, "--yes"], socket: a.controlSocket)
        #expect(noFork.status == 1, "\(noFork)")

        // Backup: a consistent copy in a new file; an existing file is refused.
        let backup = "\(cluster.root)/backup.sqlite"
        let made = try await CLI.run(["admin", "backup", backup], socket: a.controlSocket)
        #expect(made.succeeded && made.stdout.hasPrefix("Backed up the store to \(backup)"), "\(made)")
        #expect(FileManager.default.fileExists(atPath: backup))
        let again = try await CLI.run(["admin", "backup", backup], socket: a.controlSocket)
        #expect(again.status == 1 && again.stderr.contains("exists"), "\(again)")
    }

    /// Every admin command, run as user nobody: refused by the daemon, exit 1, a message that
    /// says who may, and nothing changed.
    @Test(.enabled(if: Harness.canRunAsNobody, "needs root and setpriv to run the CLI as user nobody"))
    func adminCommandsAreRefusedToANonAdmin() async throws {
        let (cluster, a) = try await DaemonCluster.single("nobody")
        defer { cluster.shutdown() }
        try a.submit("Insulin double-check")
        let before = try a.call("admin.digest")["digest"] as? String
        let commands: [[String]] = [
            ["admin", "status"], ["admin", "peers"], ["admin", "replication"], ["admin", "where", "\(a.short)-1"],
            ["admin", "conflicts"], ["admin", "forks"], ["admin", "forks", "resolve", a.nodeID, "--yes"],
            ["admin", "trust", "list"], ["admin", "trust", "add", String(repeating: "b", count: 52)],
            ["admin", "trust", "remove", String(repeating: "b", count: 52)], ["admin", "digest"],
            ["admin", "metrics"], ["admin", "backup", "\(cluster.root)/nobody-backup.sqlite"],
        ]
        for command in commands {
            let run = try await CLI.run(command, socket: a.controlSocket, asNobody: true)
            #expect(run.status == 1, "\(run)")
            #expect(run.stderr.hasPrefix("Error: refused:") && run.stderr.contains("is for admins"), "\(run)")
            #expect(run.stderr.contains("Hint: Admin commands are for the node's admins: root, the daemon's user, and the users and groups in [control] admin_users"), "\(run)")
            #expect(run.stdout.isEmpty, "\(run)")
        }
        #expect(try a.call("admin.digest")["digest"] as? String == before)
        #expect(!FileManager.default.fileExists(atPath: "\(cluster.root)/nobody-backup.sqlite"))

        // Staff commands work for nobody, who is then the author.
        let submitted = try await CLI.run(
            ["submit", "--title", "Nobody's idea", "--problem", "p", "--solution", "s", "--json"], socket: a.controlSocket, asNobody: true)
        #expect(submitted.succeeded, "\(submitted)")
        let id = try #require(try submitted.json()["id"] as? String)
        #expect(try a.show(id)["author"] as? String == "nobody")
        let mine = try await CLI.run(["list", "--mine", "--json"], socket: a.controlSocket, asNobody: true)
        #expect((try mine.json()["ideas"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [id], "\(mine)")
    }
}
