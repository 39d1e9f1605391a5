import Foundation
import MeshClient
import MeshLoopback
import Testing

/// Roles and the status workflow (Protocol/README.md, "Roles and the status workflow") through
/// the real CLI and two daemons: root is the department's admin, user nobody its staff member.
@Suite(.timeLimit(.minutes(3)))
struct GovernanceEndToEndTests {
    @Test(.enabled(if: Harness.canRunAsNobody, "needs root and setpriv to run the CLI as user nobody"))
    func rolesAreGrantedAndRevokedAndTheWorkflowRefusesAMove() async throws {
        let (cluster, a, b) = try await MeshEndToEndTests.pair("roles")
        defer { cluster.shutdown() }
        func cli(_ arguments: [String], asNobody: Bool = false, at node: DaemonNode? = nil) async throws -> CLI.Run {
            try await CLI.run(arguments, socket: (node ?? a).controlSocket, asNobody: asNobody)
        }
        func flat(_ run: CLI.Run) -> String { run.stderr.replacingOccurrences(of: "\n", with: " ") }
        let root = try #require(try a.submit("Insulin double-check"))
        let mine = try await cli(["submit", "--title", "Quieter night rounds", "--problem", "p", "--solution", "s", "--json"], asNobody: true)
        let own = try #require(try mine.json()["id"] as? String)

        // No roles yet: every member of staff acts as a leader.
        try await cli(["status", root, "under-review", "--reason", "looks promising"], asNobody: true).expectSuccess()

        // root makes itself admin and nobody staff: nobody may no longer move or retitle root's idea.
        let first = try await cli(["role", "nobody", "staff"])
        #expect(first.succeeded && first.stdout.contains("Note: you (root) have no role here, so you are staff now"), "\(first)")
        try await cli(["role", "root", "admin"]).expectSuccess()
        let typo = try await cli(["role", "ROOT", "admin"])
        #expect(typo.status == 1 && flat(typo).contains("no user \"ROOT\" on this machine"), "\(typo)")
        let ops = try a.opCount()
        let move = try await cli(["status", root, "testing", "--reason", "let us try"], asNobody: true)
        #expect(move.status == 1 && flat(move).contains("Only this department's leaders and admins move an idea's status, and nobody is staff here"), "\(move)")
        let retitle = try await cli(["edit", root, "--title", "Renamed"], asNobody: true)
        #expect(retitle.status == 1 && flat(retitle).contains("was written by root: only its author or this department's leaders and admins change it"), "\(retitle)")
        let grant = try await cli(["role", "nobody", "admin"], asNobody: true)
        #expect(grant.status == 1 && flat(grant).contains("role.set is for the department's admins; user nobody is staff here"), "\(grant)")
        let theme = try await cli(["theme", "add", "falls", "Falls"], asNobody: true)
        #expect(theme.status == 1 && flat(theme).contains("is for the department's leaders and admins"), "\(theme)")
        #expect(try a.opCount() == ops, "nothing was written")
        // What staff may do: edit their own idea, comment, support.
        try await cli(["edit", own, "--title", "Quieter night rounds, bay 2"], asNobody: true).expectSuccess()
        try await cli(["comment", root, "Happy to help test it"], asNobody: true).expectSuccess()

        // Granted leader, nobody moves the status; revoked, refused again.
        try await cli(["role", "nobody", "leader"]).expectSuccess()
        try await cli(["status", root, "testing", "--reason", "let us try"], asNobody: true).expectSuccess()
        try await cli(["theme", "add", "falls", "Falls"], asNobody: true).expectSuccess()
        try await cli(["role", "nobody", "staff"]).expectSuccess()
        let again = try await cli(["status", root, "adopted", "--reason", "it worked"], asNobody: true)
        #expect(again.status == 1 && flat(again).contains("nobody is staff here"), "\(again)")

        // The department's own workflow: a move it does not list is refused, saying which it lists.
        let set = try await cli(["workflow", "set", "proposed>testing", "testing>adopted", "testing>declined"])
        #expect(set.succeeded && set.stdout.contains("testing       adopted, declined"), "\(set)")
        #expect(set.stdout.replacingOccurrences(of: "\n", with: " ").contains("cannot move on"), "dead ends are pointed out: \(set)")
        let skip = try await cli(["status", own, "under-review", "--reason", "review it"])
        #expect(skip.status == 1 && flat(skip).contains("is proposed: this department's workflow moves it on to testing, not to under-review"), "\(skip)")
        try await cli(["status", own, "testing", "--reason", "straight to a test"]).expectSuccess()
        let shown = try await cli(["workflow"])
        #expect(shown.stdout.contains("Status workflow of Renal Ward:") && shown.stdout.contains("adopted, declined"), "\(shown)")

        // The submitter sees every move of their idea, with who made it and why.
        _ = try a.call("person.name", ["name": "Ann Smith, ward sister"])
        let mineJSON = try await cli(["mine", "--json"], asNobody: true)
        let changes = (try mineJSON.json()["ideas"] as? [[String: Any]])?.first?["status_changes"] as? [[String: Any]] ?? []
        #expect(changes.last?["status"] as? String == "testing" && changes.last?["reason"] as? String == "straight to a test", "\(mineJSON)")
        let seen = try await cli(["mine"], asNobody: true)
        #expect(seen.succeeded && seen.stdout.contains("Quieter night rounds, bay 2  testing"), "\(seen)")
        #expect(seen.stdout.contains("Ann Smith, ward sister  moved to testing: straight to a test"), "\(seen)")
        #expect(!seen.stdout.contains("Insulin"), "only the caller's ideas: \(seen)")
        let digest = try await cli(["digest", "--since", "1d"], asNobody: true)
        #expect(digest.stdout.contains("\(own.split(separator: "-").first!.prefix(10))-2 moved to testing:\n    straight to a test"), "the digest says why: \(digest)")

        // A department admin who is no node admin gives roles; the node's admins can always mend
        // them, even when no department admin is left.
        try await cli(["role", "nobody", "admin"]).expectSuccess()
        try await cli(["role", "root", "staff"], asNobody: true).expectSuccess()
        try await cli(["role", "nobody", "staff"]).expectSuccess()
        try await cli(["role", "root", "admin"]).expectSuccess()

        // Every node holds the same roles and workflow, and checks them the same way.
        try await cluster.eventually("a and b hold the same state") { try MeshEndToEndTests.sameState(a, b) }
        let roles = try await cli(["roles", "--json"], at: b)
        let listed = (try roles.json()["roles"] as? [[String: Any]] ?? []).map { "\($0["department"] as? String ?? "?") \($0["login"] as? String ?? "?") \($0["role"] as? String ?? "?")" }
        #expect(listed == ["Renal Ward nobody staff", "Renal Ward root admin"], "\(roles)")
        let theirs = try await cli(["workflow", "--dept", "Renal Ward", "--json"], at: b)
        #expect(try theirs.json()["moves"] as? [String] == ["proposed>testing", "testing>adopted", "testing>declined"], "\(theirs)")
        #expect(try b.show(root)["status"] as? String == "testing" && b.show(own)["status"] as? String == "testing")
    }
}
