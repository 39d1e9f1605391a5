import Foundation
import MeshClient
import Testing
import MeshLoopback

/// `export` and `import` with real files and real daemons: a round trip, and a bad file
/// refused with its line numbers and nothing imported.
@Suite(.timeLimit(.minutes(3)))
struct ExportImportEndToEndTests {
    @Test func exportedCSVImportsIntoAnotherDepartment() async throws {
        let cluster = try DaemonCluster("export")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a", department: "Renal Ward")
        let b = try cluster.addNode("b", department: "Cardiology")
        try a.configure()
        try b.configure()
        try await cluster.start(a, b)
        try a.defineThemes("meds")
        try b.defineThemes("meds")  // not linked: each department's leaders define it
        _ = try a.call("idea.submit", [
            "title": "Commas, \"quotes\" and\nnewlines", "problem": "A problem, with a comma", "solution": "Line one\nLine two",
            "theme": "meds", "tags": ["insulin", "handover"],
        ])
        try a.submit("Plain idea")

        let file = "\(cluster.root)/ideas.csv"
        let export = try await CLI.run(["export", "--format", "csv", "-o", file], socket: a.controlSocket)
        #expect(export.succeeded && export.stdout == "Exported 2 ideas to \(file).\n", "\(export)")
        let csv = try String(contentsOfFile: file, encoding: .utf8)
        #expect(csv.hasPrefix("title,problem,solution,theme,tags\r\n"), "\(csv)")
        #expect(csv.contains("\"Commas, \"\"quotes\"\" and\nnewlines\""), "RFC 4180 quoting: \(csv)")
        #expect(csv.contains("handover;insulin"), "\(csv)")
        let stdout = try await CLI.run(["export"], socket: a.controlSocket)
        #expect(stdout.stdout == csv, "without -o, the same CSV on stdout")

        let dry = try await CLI.run(["import", file, "--dry-run"], socket: b.controlSocket)
        #expect(dry.succeeded && dry.stdout.contains("2 ideas, all good. Nothing was imported"), "\(dry)")
        #expect(try b.opCount() == 1, "only the theme")
        let imported = try await CLI.run(["import", file], socket: b.controlSocket)
        #expect(imported.succeeded && imported.stdout == "Imported 2 ideas from \(file).\n", "\(imported)")
        let ideas = try b.call("export")["ideas"] as? [[String: Any]] ?? []
        let tricky = try #require(ideas.first { ($0["title"] as? String)?.hasPrefix("Commas") == true })
        #expect(tricky["title"] as? String == "Commas, \"quotes\" and\nnewlines")
        #expect(tricky["solution"] as? String == "Line one\nLine two")
        #expect(tricky["theme"] as? String == "meds")
        #expect(tricky["tags"] as? [String] == ["handover", "insulin"])
        #expect(tricky["origin"] as? String == b.nodeID, "imported ideas are this department's")

        let json = try await CLI.run(["export", "--format", "json"], socket: a.controlSocket)
        #expect((try json.json()["ideas"] as? [Any])?.count == 2, "\(json)")
        let alsoJSON = try await CLI.run(["export", "--json"], socket: a.controlSocket)
        #expect(alsoJSON.stdout == json.stdout)
        let both = try await CLI.run(["export", "--json", "--format", "csv"], socket: a.controlSocket)
        #expect(both.status == 1, "\(both)")
    }

    @Test func aBadFileIsRefusedWithItsLinesAndNothingIsImported() async throws {
        let (cluster, a) = try await DaemonCluster.single("import")
        defer { cluster.shutdown() }
        try a.submit("Already here")
        let ops = try a.opCount()
        let file = "\(cluster.root)/bad.csv"
        try """
            title,problem,solution,theme,tags
            Good one,p,s,meds,a;b
            "Spans
            two lines",p,s,,
            ,no title,s,,
            Too few,fields
            Fine again,p,s,,

            """.write(toFile: file, atomically: true, encoding: .utf8)
        let run = try await CLI.run(["import", file], socket: a.controlSocket)
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("\(file):5: title: must not be empty"), "\(run)")
        #expect(run.stderr.contains("\(file):6: 2 fields where the header has 5"), "\(run)")
        #expect(run.stderr.contains("Nothing was imported"), "\(run)")
        #expect(try a.opCount() == ops, "nothing of the file is imported")

        try "title,problem,solution\n\"never closed,p,s\n".write(toFile: file, atomically: true, encoding: .utf8)
        let unclosed = try await CLI.run(["import", file], socket: a.controlSocket)
        #expect(unclosed.status == 1 && unclosed.stderr.contains("\(file):2: a quoted field is never closed"), "\(unclosed)")

        try "name,text\nx,y\n".write(toFile: file, atomically: true, encoding: .utf8)
        let header = try await CLI.run(["import", file], socket: a.controlSocket)
        #expect(header.status == 1 && header.stderr.contains("\(file):1: unknown column \"name\""), "\(header)")

        let missing = try await CLI.run(["import", "\(cluster.root)/nope.csv"], socket: a.controlSocket)
        #expect(missing.status == 1 && missing.stderr.contains("cannot read"), "\(missing)")

        // Over the daemon's 1 MiB request limit: refused before anything is sent.
        let big = "title,problem,solution\n" + (1...300).map { "Idea \($0),\(String(repeating: "p", count: 4000)),s\n" }.joined()
        try big.write(toFile: file, atomically: true, encoding: .utf8)
        let tooBig = try await CLI.run(["import", file], socket: a.controlSocket)
        #expect(tooBig.status == 1 && tooBig.stderr.contains("too large to import at once"), "\(tooBig)")
        #expect(try a.opCount() == ops)

        // On a terminal, a progress bar on stderr (script(1) shows both streams).
        if Loopback.script != nil {
            try "title,problem,solution\nOne,p,s\nTwo,p,s\n".write(toFile: file, atomically: true, encoding: .utf8)
            let shown = try await CLI.runOnTerminal(["import", file], socket: a.controlSocket, input: "", env: ["NO_COLOR": "1"])
            #expect(shown.succeeded && shown.stdout.contains("Imported 2 ideas"), "\(shown)")
            #expect(shown.stdout.contains("Importing 2 ideas [") && shown.stdout.contains("100%  2/2"), "a progress bar: \(shown)")
        }

        // From stdin, anonymously.
        let piped = try await CLI.run(["import", "-", "--anonymous", "--json"], socket: a.controlSocket, input: "title,problem,solution\nFrom stdin,p,s\n")
        #expect(piped.succeeded, "\(piped)")
        let ids = try piped.json()["ids"] as? [String] ?? []
        #expect(!piped.stderr.contains("["), "no progress bar when stderr is not a terminal: \(piped)")
        #expect(ids.count == 1)
        #expect(try a.show(ids[0])["author"] as? String == "")
    }
}
