import Foundation
import MeshClient
import Testing
import MeshLoopback

/// Text as people give it: pasted paragraphs at the prompts, long text from files and stdin, the
/// department's themes to pick from, and bytes that are not UTF-8, refused everywhere alike.
@Suite(.timeLimit(.minutes(3)))
struct TextInputEndToEndTests {
    /// Two pasted paragraphs stay in "Problem"; the solution is what follows the end marker;
    /// the prompt lists the themes and takes one of their codes.
    @Test(.enabled(if: Loopback.script != nil, "needs script(1) for a terminal"))
    func pastedParagraphsStayInTheirFieldAndThemesAreListed() async throws {
        let (cluster, a) = try await DaemonCluster.single("paste")
        defer { cluster.shutdown() }
        _ = try a.call("theme.define", ["code": "meds", "name": "Medicines safety"])
        _ = try a.call("theme.define", ["code": "flow", "name": "Patient flow"])
        let typed = """
            Night bloods
            Bloods are taken at 6am and wake everyone.

            The second paragraph, pasted with the first.
            .
            Take them at 7, with the morning round.
            .
            nosuch
            flow
            bloods

            """
        let run = try await CLI.runOnTerminal(["submit"], socket: a.controlSocket, input: typed)
        #expect(run.succeeded, "\(run)")
        for shown in ["Themes:", "flow  Patient flow", "meds  Medicines safety", "end with a line holding only \".\"", "no theme \"nosuch\" here"] {
            #expect(run.stdout.contains(shown), "the terminal shows \(shown): \(run)")
        }
        let idea = try a.show("\(a.short)-3")  // after the two themes' definitions
        #expect(run.stdout.contains("Submitted \(a.short)-3: Night bloods"), "\(run)")
        #expect(idea["problem"] as? String == "Bloods are taken at 6am and wake everyone.\n\nThe second paragraph, pasted with the first.")
        #expect(idea["solution"] as? String == "Take them at 7, with the morning round.")
        #expect(idea["theme"] as? String == "flow")
        #expect(idea["tags"] as? [String] == ["bloods"])
    }

    @Test func longTextComesFromFilesAndStandardInput() async throws {
        let (cluster, a) = try await DaemonCluster.single("files")
        defer { cluster.shutdown() }
        let problem = (1...40).map { "Paragraph \($0): the handover sheet misses allergies." }.joined(separator: "\n\n")
        let file = "\(cluster.root)/problem.txt"
        try (problem + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let run = try await CLI.run(
            ["submit", "--title", "Allergies at handover", "--problem-file", file, "--solution-file", "-", "--json"],
            socket: a.controlSocket, input: "Print allergies in red.\nOn every sheet.\n")
        #expect(run.succeeded, "\(run)")
        let idea = try a.show(try #require(try run.json()["id"] as? String))
        #expect(idea["problem"] as? String == problem, "the file, whole, without its last newline")
        #expect(idea["solution"] as? String == "Print allergies in red.\nOn every sheet.")

        let tooLong = "\(cluster.root)/long.txt"
        try String(repeating: "x", count: 20_001).write(toFile: tooLong, atomically: true, encoding: .utf8)
        let refused = try await CLI.run(["submit", "--title", "t", "--problem-file", tooLong, "--solution", "s"], socket: a.controlSocket)
        #expect(refused.status == 1 && refused.stderr.contains("20000"), "\(refused)")
        let both = try await CLI.run(["submit", "--title", "t", "--problem", "p", "--problem-file", file, "--solution", "s"], socket: a.controlSocket)
        #expect(both.status == 1 && both.stderr.contains("not both"), "\(both)")
        let help = try await CLI.run(["submit", "--help"])
        #expect(help.stdout.contains("20000") && help.stdout.contains("--problem-file"), "\(help)")
        #expect(try a.opCount() == 1, "only the first was written")
    }

    /// Latin-1 "é" (0xE9) wherever text comes in: every command refuses it with the same message,
    /// and nothing is written.
    @Test func bytesThatAreNotUTF8AreRefusedEverywhereAlike() async throws {
        let (cluster, a) = try await DaemonCluster.single("utf8")
        defer { cluster.shutdown() }
        let idea = try a.submit("Insulin double-check")
        let comment = try #require(try a.call("idea.comment", ["id": idea, "text": "first"])["id"] as? String)
        let before = try a.opCount()
        let latin1: [UInt8] = Array("caf".utf8) + [0xE9]
        func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
        func expectRefused(_ run: CLI.Run, _ what: String) {
            #expect(run.status == 1, "\(what): \(run)")
            #expect(run.stderr.contains("is not UTF-8 text (byte 0xE9 at offset 3); nothing was changed"), "\(what): \(run)")
            #expect(!run.stderr.contains("\u{FFFD}"), "\(what): \(run)")
        }

        let commands: [[[UInt8]]] = [
            [bytes("submit"), bytes("--title"), latin1, bytes("--problem"), bytes("p"), bytes("--solution"), bytes("s")],
            [bytes("submit"), bytes("--title"), bytes("t"), bytes("--problem"), latin1, bytes("--solution"), bytes("s")],
            [bytes("comment"), bytes("add"), bytes(idea), latin1],
            [bytes("comment"), bytes("edit"), bytes(comment), latin1],
            [bytes("edit"), bytes(idea), bytes("--title"), latin1],
            [bytes("status"), bytes(idea), bytes("testing"), bytes("--reason"), latin1],
            [bytes("pdsa"), bytes("start"), bytes(idea), bytes("--plan"), latin1, bytes("--prediction"), bytes("p")],
            [bytes("measure"), bytes("define"), bytes(idea), bytes("--name"), latin1, bytes("--unit"), bytes("u"), bytes("--better"), bytes("lower")],
            [bytes("theme"), bytes("add"), bytes("cafe"), latin1],
            [bytes("search"), latin1],
        ]
        for arguments in commands {
            let run = try await CLI.run(rawArguments: arguments, socket: a.controlSocket)
            expectRefused(run, "argument")
            #expect(run.stderr.contains("the argument \"caf\\xE9\""), "\(run)")
        }

        // Files and standard input.
        let file = "\(cluster.root)/latin1.txt"
        try Data(latin1).write(to: URL(fileURLWithPath: file))
        let fromFile = try await CLI.run(["submit", "--title", "t", "--problem-file", file, "--solution", "s"], socket: a.controlSocket)
        expectRefused(fromFile, "file")
        #expect(fromFile.stderr.contains("Error: \(file) is not UTF-8"), "\(fromFile)")
        let fromStdin = try await CLI.run(rawArguments: [bytes("submit"), bytes("--title"), bytes("t"), bytes("--problem"), bytes("p"), bytes("--solution-file"), bytes("-")], socket: a.controlSocket, input: latin1)
        expectRefused(fromStdin, "stdin")
        #expect(fromStdin.stderr.contains("Error: standard input is not UTF-8"), "\(fromStdin)")
        let csv = "\(cluster.root)/ideas.csv"
        try Data(bytes("title,problem,solution\n") + latin1 + bytes(",p,s\n")).write(to: URL(fileURLWithPath: csv))
        let imported = try await CLI.run(["import", csv], socket: a.controlSocket)
        #expect(imported.status == 1 && imported.stderr.contains("Error: \(csv) is not UTF-8 text (byte 0xE9 at offset 26)"), "\(imported)")

        // Typed at the prompt.
        if Loopback.script != nil {
            let typed = try await CLI.runOnTerminal(["submit", "--title", "t", "--solution", "s"], socket: a.controlSocket, inputBytes: latin1 + bytes("\n.\n\n\n"))
            #expect(typed.status == 1 && typed.stdout.contains("Error: what was typed is not UTF-8 text (byte 0xE9 at offset 3)"), "\(typed)")
        }
        #expect(try a.opCount() == before, "nothing was written")
        #expect(try a.show(idea)["title"] as? String == "Insulin double-check")
    }
}
