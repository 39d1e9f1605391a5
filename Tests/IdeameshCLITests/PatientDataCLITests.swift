import Foundation
import MeshClient
import MeshLoopback
import Testing

/// The patient-data warning through the real `ideamesh` and `ideameshd` (CONTROL.md §5.8): what
/// the daemon found, said plainly; asked on a terminal; refused for a script unless it says
/// `--not-patient-data`; nothing stored until then.
@Suite(.timeLimit(.minutes(3)))
struct PatientDataCLITests {
    static let told = "Patient details must not be stored in ideamesh"
    static let hint = "run the command again with --not-patient-data"

    @Test func aScriptIsRefusedWithoutTheFlagAndStoresWithIt() async throws {
        let (cluster, a) = try await DaemonCluster.single("piicli")
        defer { cluster.shutdown() }
        let before = try a.digest()

        let submit = ["submit", "--title", "Night falls", "--problem", "NHS 943 476 5919 fell twice", "--solution", "Bed rails"]
        let refused = try await CLI.run(submit, socket: a.controlSocket)
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.hasPrefix(
            "Error: This looks like patient-identifiable information: NHS number 943 476 5919 (valid check digit) in the problem.\n"
                + "\(Self.told)"), "\(refused)")
        #expect(refused.stderr.contains("Nothing was stored.") && refused.stderr.contains(Self.hint), "\(refused)")
        #expect(refused.stdout.isEmpty)
        #expect(try a.digest() == before, "nothing was stored")

        let stored = try await CLI.run(submit + ["--not-patient-data", "--json"], socket: a.controlSocket)
        #expect(stored.succeeded, "\(stored)")
        let idea = try #require(try stored.json()["id"] as? String)
        #expect(try a.show(idea)["problem"] as? String == "NHS 943 476 5919 fell twice")

        // Several findings are listed, each with where it is.
        let both = try await CLI.run(
            ["submit", "--title", "Mrs O'Neill fell", "--problem", "DOB 12/03/1954", "--solution", "s"], socket: a.controlSocket)
        #expect(both.status == 1)
        #expect(both.stderr.contains("""
            This looks like patient-identifiable information:
              - name Mrs O'Neill (a title followed by a name) in the title
              - date of birth 12/03/1954 (next to “DOB”) in the problem
            """), "\(both)")

        // Every command that stores typed text, alike.
        let cycle = try #require(try a.call("pdsa.start", ["idea": idea, "plan": "Rails", "prediction": "Fewer falls"])["id"] as? String)
        let measure = try #require(try a.call("measure.define", ["idea": idea, "name": "Falls", "unit": "n", "better": "lower"])["id"] as? String)
        let commands: [([String], String)] = [
            (["comment", idea, "Seen with Mr Smith"], "name Mr Smith (a title followed by a name) in the comment"),
            (["comment", "add", idea, "born 1954-03-12"], "date of birth 1954-03-12 (next to “born”) in the comment"),
            (["edit", idea, "--solution", "Ask Miss Jones"], "name Miss Jones (a title followed by a name) in the solution"),
            (["status", idea, "testing", "--reason", "after Mx Taylor fell"], "in the reason"),
            (["pdsa", "start", idea, "--plan", "Ask Ms Khan", "--prediction", "p"], "in the plan"),
            (["pdsa", "do", cycle, "--notes", "4010232137 fell"], "NHS number 4010232137 (valid check digit) in the notes"),
            (["measure", "record", measure, "3", "--note", "Mrs Patel"], "in the note"),
        ]
        for (command, said) in commands {
            let held = try a.digest()
            let run = try await CLI.run(command, socket: a.controlSocket)
            #expect(run.status == 1 && run.stderr.contains(said) && run.stderr.contains(Self.hint), "\(run)")
            #expect(try a.digest() == held, "\(command): nothing was stored")
            let flagged = try await CLI.run(command + ["--not-patient-data"], socket: a.controlSocket)
            #expect(flagged.succeeded, "\(flagged)")
            #expect(try a.digest().ops == held.ops + 1, "\(command) --not-patient-data: stored")
        }

        // An import names the file's line.
        let file = "\(cluster.root)/ideas.csv"
        try "title,problem,solution\nClean,p,s\nSecond,\"DOB: 1/3/54\",s\n".write(toFile: file, atomically: true, encoding: .utf8)
        let held = try a.digest()
        let imported = try await CLI.run(["import", file], socket: a.controlSocket)
        #expect(imported.status == 1 && imported.stderr.contains("date of birth 1/3/54 (next to “DOB”) in the problem on line 3 of \(file)"), "\(imported)")
        #expect(imported.stderr.contains("Nothing was stored.") && imported.stderr.contains(Self.hint), "\(imported)")
        #expect(try a.digest() == held)
        #expect(try await CLI.run(["import", file, "--not-patient-data"], socket: a.controlSocket).succeeded)
        #expect(try a.digest().ops == held.ops + 2)
    }

    @Test(.enabled(if: Loopback.script != nil, "needs script(1) for a terminal"))
    func aPersonAtATerminalIsAskedAndDecides() async throws {
        let (cluster, a) = try await DaemonCluster.single("piitty")
        defer { cluster.shutdown() }
        let submit = ["submit", "--title", "Bay 3", "--problem", "Mr Smith fell", "--solution", "Rails"]
        let before = try a.digest()
        for answer in ["\n", "n\n", "no\n", ""] {
            let run = try await CLI.runOnTerminal(submit, socket: a.controlSocket, input: answer)
            #expect(run.status == 1, "\(answer.debugDescription): \(run)")
            #expect(run.stdout.contains("name Mr Smith (a title followed by a name) in the problem"), "\(run)")
            #expect(run.stdout.contains("Store it anyway? [y/N]") && run.stdout.contains("nothing was stored"), "\(run)")
            #expect(try a.digest() == before, "\(answer.debugDescription): nothing was stored")
        }
        let yes = try await CLI.runOnTerminal(submit, socket: a.controlSocket, input: "y\n")
        #expect(yes.succeeded && yes.stdout.contains("Store it anyway? [y/N]") && yes.stdout.contains("Submitted \(a.short)-1: Bay 3"), "\(yes)")
        #expect(try a.show("\(a.short)-1")["problem"] as? String == "Mr Smith fell")
    }
}
