import Foundation
import MeshClient
import Testing
import MeshLoopback

/// Exit statuses and messages when things go wrong: no daemon (2), usage errors (1), and
/// `--json` output that parses for every command that reads.
@Suite(.timeLimit(.minutes(3)))
struct ErrorEndToEndTests {
    @Test func noDaemonExitsTwoAndSaysHowToStartIt() async throws {
        let root = try Loopback.makeTempRoot("nodaemon")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let socket = "\(root)/control.sock"
        for command in [["list"], ["show", "abcd-1"], ["submit", "--title", "t", "--problem", "p", "--solution", "s"], ["admin", "status"]] {
            let run = try await CLI.run(command, socket: socket)
            #expect(run.status == 2, "\(run)")
            #expect(run.stderr == """
                Error: cannot reach ideameshd at \(socket): there is no socket there. Is it running? Start it with \
                `ideameshd run --data DIR` (or `systemctl start ideameshd`), or point --socket / IDEAMESH_SOCKET at its control socket.

                """, "\(run)")
            #expect(run.stdout.isEmpty)
        }
        // Checking a file needs no daemon; importing it does.
        let file = "\(root)/ideas.csv"
        try "title,problem,solution\nOne,p,s\n,p,s\n".write(toFile: file, atomically: true, encoding: .utf8)
        let bad = try await CLI.run(["import", file], socket: socket)
        #expect(bad.status == 1 && bad.stderr.contains("\(file):3: title: must not be empty"), "\(bad)")
        try "title,problem,solution\nOne,p,s\n".write(toFile: file, atomically: true, encoding: .utf8)
        let dry = try await CLI.run(["import", file, "--dry-run"], socket: socket)
        #expect(dry.succeeded, "\(dry)")
        let real = try await CLI.run(["import", file], socket: socket)
        #expect(real.status == 2, "\(real)")

        // From the environment, and the default path when neither is given.
        let fromEnvironment = try await CLI.run(["list"], env: ["IDEAMESH_SOCKET": socket])
        #expect(fromEnvironment.status == 2 && fromEnvironment.stderr.contains("at \(socket):"), "\(fromEnvironment)")
        if !FileManager.default.fileExists(atPath: "/run/ideamesh/control.sock") {
            let byDefault = try await CLI.run(["list"])
            #expect(byDefault.status == 2 && byDefault.stderr.contains("at /run/ideamesh/control.sock:"), "\(byDefault)")
        }
    }

    @Test func theSocketFromTheEnvironmentIsUsed() async throws {
        let (cluster, a) = try await DaemonCluster.single("env")
        defer { cluster.shutdown() }
        try a.submit("Found through IDEAMESH_SOCKET")
        let run = try await CLI.run(["list"], env: ["IDEAMESH_SOCKET": a.controlSocket])
        #expect(run.succeeded && run.stdout.contains("Found through IDEAMESH_SOCKET"), "\(run)")
        let overridden = try await CLI.run(["list"], socket: "\(cluster.root)/elsewhere.sock", env: ["IDEAMESH_SOCKET": a.controlSocket])
        #expect(overridden.status == 2, "--socket wins over IDEAMESH_SOCKET: \(overridden)")
    }

    /// `--socket` and `--json` go before the command as well as after it, as people type them.
    @Test func globalOptionsGoBeforeOrAfterTheCommand() async throws {
        let (cluster, a) = try await DaemonCluster.single("global")
        defer { cluster.shutdown() }
        let submitted = try await CLI.run(
            ["--socket", a.controlSocket, "submit", "--title", "Socket first", "--problem", "p", "--solution", "s"])
        #expect(submitted.succeeded && submitted.stdout.hasPrefix("Submitted \(a.short)-1"), "\(submitted)")
        let listed = try await CLI.run(["--json", "--socket", a.controlSocket, "list"])
        #expect(listed.succeeded, "\(listed)")
        #expect((try listed.json()["ideas"] as? [[String: Any]])?.count == 1, "\(listed)")
        let equals = try await CLI.run(["--socket=\(a.controlSocket)", "admin", "where", "\(a.short)-1", "--json"])
        #expect(equals.succeeded && (try? equals.json()) != nil, "\(equals)")
        let after = try await CLI.run(["--json", "show", "\(a.short)-1", "--socket", a.controlSocket])
        #expect(after.succeeded, "\(after)")
        #expect(try after.json()["title"] as? String == "Socket first", "\(after)")
        let first = try await CLI.run(["--socket", "\(cluster.root)/elsewhere.sock", "list"])
        #expect(first.status == 2 && first.stderr.contains("elsewhere.sock"), "a socket given first is the one used: \(first)")
        let help = try await CLI.run(["--help"])
        #expect(help.stdout.contains("USAGE: ideamesh [--socket <path>] [--json] <subcommand>"), "\(help)")
    }

    @Test func usageErrorsExitOneWithUsage() async throws {
        for command in [["frobnicate"], ["list", "--colour"], ["show"], ["status", "abcd-1"], ["list", "--limit", "0"], ["search"], ["edit", "abcd-1"]] {
            let run = try await CLI.run(command, socket: "/nonexistent.sock")
            #expect(run.status == 1, "\(run)")
            #expect(run.stderr.hasPrefix("Error: "), "\(run)")
            #expect(run.stderr.contains("Usage: ") || run.stderr.contains("See 'ideamesh"), "\(run)")
        }
        let version = try await CLI.run(["--version"])
        #expect(version.succeeded && version.stdout == "0.1.0\n", "\(version)")
    }

    /// Every command that reads prints one JSON object with --json, and table width follows
    /// COLUMNS.
    @Test func everyReadingCommandSpeaksJSON() async throws {
        let (cluster, a) = try await DaemonCluster.single("json")
        defer { cluster.shutdown() }
        try a.submit("Insulin double-check at every shift handover, with two nurses signing the chart")
        let commands: [[String]] = [
            ["list"], ["show", "\(a.short)-1"], ["search", "insulin"], ["themes"], ["digest"], ["export"],
            ["admin", "status"], ["admin", "peers"], ["admin", "replication"], ["admin", "where", "\(a.short)-1"],
            ["admin", "conflicts"], ["admin", "forks"], ["admin", "trust", "list"], ["admin", "digest"], ["admin", "metrics"],
        ]
        for command in commands {
            let run = try await CLI.run(command + ["--json"], socket: a.controlSocket)
            #expect(run.succeeded, "\(run)")
            #expect((try? run.json()) != nil, "\(command.joined(separator: " ")) --json prints a JSON object: \(run)")
        }
        for width in [60, 100] {
            let run = try await CLI.run(["list"], socket: a.controlSocket, env: ["COLUMNS": String(width)])
            let widest = run.stdout.split(separator: "\n" as Character).map(\.count).max() ?? 0
            #expect(widest <= width, "COLUMNS=\(width): \(run)")
        }
    }
}
