import Foundation
import MeshClient
import Testing
import MeshLoopback

/// What a ward nurse, a QI lead and an admin meet in their first hour (issue 11): themes that
/// must exist, one way of typing days, refusals that say what to do, whole names in a pipe,
/// department names wherever a node is named, history in words, conflicts with the command
/// that settles them. Each through the real CLI against real daemons.
@Suite(.timeLimit(.minutes(3)))
struct FirstHourEndToEndTests {
    @Test func anIdeaIsFiledOnlyUnderAThemeTheLeadersDefined() async throws {
        let (cluster, a) = try await DaemonCluster.single("themes")
        defer { cluster.shutdown() }
        let none = try await CLI.run(["submit", "--title", "t", "--problem", "p", "--solution", "s", "--theme", "patient-safety"], socket: a.controlSocket)
        #expect(none.status == 1 && none.stderr.contains("no themes are defined yet"), "\(none)")
        try a.defineThemes("patient-safety", "flow", "paper")
        try await CLI.run(["theme", "archive", "paper"], socket: a.controlSocket).expectSuccess()
        let ops = try a.opCount()

        let typo = try await CLI.run(["submit", "--title", "t", "--problem", "p", "--solution", "s", "--theme", "patient-saftey"], socket: a.controlSocket)
        #expect(typo.status == 1, "\(typo)")
        #expect(typo.stderr.contains("no theme \"patient-saftey\" is defined; the themes are: flow, patient-safety"), "\(typo)")
        let archived = try await CLI.run(["submit", "--title", "t", "--problem", "p", "--solution", "s", "--theme", "paper"], socket: a.controlSocket)
        #expect(archived.status == 1 && archived.stderr.contains("\"paper\" was archived"), "\(archived)")
        #expect(try a.opCount() == ops, "refusals wrote nothing")

        let filed = try a.submit("Falls at night", theme: "patient-safety")
        let edit = try await CLI.run(["edit", filed, "--theme", "paper"], socket: a.controlSocket)
        #expect(edit.status == 1 && edit.stderr.contains("\"paper\" was archived"), "\(edit)")
        #expect(try a.opCount() == ops + 1)

        // `themes` says how many ideas each holds: never "no themes" beside ideas that carry them.
        let themes = try await CLI.run(["themes"], socket: a.controlSocket)
        #expect(themes.succeeded, "\(themes)")
        let row = themes.stdout.split(separator: "\n").first { $0.hasPrefix("patient-safety") }
        #expect(row.map { $0.split(separator: " ").contains("1") } == true, "patient-safety holds 1 idea: \(themes)")
    }

    @Test func sinceTakesTheDaysThatDateTakes() async throws {
        let (cluster, a) = try await DaemonCluster.single("since")
        defer { cluster.shutdown() }
        try a.submit("Quiet hours")
        for since in ["yesterday", "today", "Yesterday"] {
            let run = try await CLI.run(["list", "--since", since, "--json"], socket: a.controlSocket)
            #expect(try run.succeeded && jsonInt(run.json()["total"]) == 1, "--since \(since): \(run)")
        }
        let bad = try await CLI.run(["list", "--since", "tomorrow"], socket: a.controlSocket)
        #expect(bad.status == 1 && bad.stderr.contains("\"tomorrow\" is not a time") && bad.stderr.contains("yesterday"), "\(bad)")
    }

    /// A refusal where nothing in the request is wrong says what to do instead, never "Fix the
    /// value".
    @Test func refusalsOfTheStateSayWhatToDoInstead() async throws {
        let (cluster, a) = try await DaemonCluster.single("refusals")
        defer { cluster.shutdown() }
        let idea = try a.submit("Quiet hours")
        try await CLI.run(["support", idea], socket: a.controlSocket).expectSuccess()
        let comment = try #require(try a.call("idea.comment", ["id": idea, "text": "yes"])["id"] as? String)
        _ = try a.call("comment.retract", ["id": comment])
        let cycle = try #require(try a.call("pdsa.start", ["idea": idea, "plan": "p", "prediction": "q"])["id"] as? String)
        _ = try a.call("pdsa.act", ["cycle": cycle, "decision": "adapt"])
        let ops = try a.opCount()

        let cases: [([String], String, String)] = [
            (["support", idea], "already supports", "`ideamesh unsupport ID` takes it back"),
            (["adopt", idea], "this department's own idea", "Nothing to do"),
            (["comment", "retract", comment], "is already retracted: nothing to do", "Only its author retracts a comment"),
            (["comment", "edit", comment, "new text"], "was retracted and cannot change", "Add a comment of your own"),
            (["pdsa", "do", cycle, "--notes", "more"], "closed by its Act step", "ideamesh pdsa start IDEA"),
        ]
        for (arguments, message, hint) in cases {
            let run = try await CLI.run(arguments, socket: a.controlSocket)
            #expect(run.status == 1, "\(run)")
            #expect(run.stderr.contains(message) && run.stderr.contains(hint), "\(run)")
            #expect(!run.stderr.contains("Fix the value"), "nothing to fix in \(arguments): \(run)")
        }
        // An idea's id where a cycle's is wanted: which id to give, and where to find it.
        let notACycle = try await CLI.run(["pdsa", "do", idea, "--notes", "x"], socket: a.controlSocket)
        #expect(notACycle.status == 1 && notACycle.stderr.contains("no PDSA cycle \(a.short)-1 of this department here"), "\(notACycle)")
        #expect(notACycle.stderr.contains("Give the cycle's id, not the idea's"), "\(notACycle)")
        #expect(try a.opCount() == ops, "refusals wrote nothing")
        // A wrong value still says to fix it.
        let wrong = try await CLI.run(["edit", idea, "--title", String(repeating: "x", count: 201)], socket: a.controlSocket)
        #expect(wrong.status == 1 && wrong.stderr.contains("Fix the value"), "\(wrong)")
    }

    /// Piped to a file or a script, names stay whole; on a terminal (or with COLUMNS) they fit.
    @Test func pipedOutputKeepsNamesWhole() async throws {
        let (cluster, a) = try await DaemonCluster.single("pipe", department: "Cardiothoracic Critical Care and Surgical Recovery")
        defer { cluster.shutdown() }
        let title = "Protected mealtimes on every ward so that patients who need help to eat get it at the table"
        try a.submit(title)
        let piped = try await CLI.run(["list"], socket: a.controlSocket, env: ["COLUMNS": ""])
        #expect(piped.succeeded && piped.stdout.contains(title) && piped.stdout.contains("Cardiothoracic Critical Care and Surgical Recovery"), "\(piped)")
        #expect(!piped.stdout.contains("…"), "\(piped)")
        let narrow = try await CLI.run(["list"], socket: a.controlSocket, env: ["COLUMNS": "60"])
        #expect(narrow.stdout.contains("…") && narrow.stdout.split(separator: "\n").allSatisfy { $0.count <= 60 }, "\(narrow)")
        let terminal = try await CLI.runOnTerminal(["list"], socket: a.controlSocket, input: "", env: ["COLUMNS": "70"])
        #expect(terminal.stdout.contains("…"), "a terminal's width is kept: \(terminal)")
    }

    /// `show`'s history says what people did, in their words; `--json` keeps the op kinds.
    @Test func historySpeaksTheUsersLanguage() async throws {
        let (cluster, a) = try await DaemonCluster.single("history")
        defer { cluster.shutdown() }
        let idea = try a.submit("Falls at night")
        _ = try a.call("idea.status", ["id": idea, "status": "testing", "reason": "pilot"])
        let measure = try #require(try a.call("measure.define", ["idea": idea, "name": "Falls", "unit": "falls", "better": "lower"])["id"] as? String)
        _ = try a.call("measure.record", ["measure": measure, "value": 4, "date": "2026-05-12"])
        let show = try await CLI.run(["show", idea], socket: a.controlSocket, env: ["COLUMNS": "120"])
        #expect(show.succeeded, "\(show)")
        for words in ["submitted \"Falls at night\"", "moved to testing: pilot", "began measuring \"Falls\"", "recorded 4 on 12 May 2026"] {
            #expect(show.stdout.contains(words), "show says \(words): \(show)")
        }
        for kind in ["idea-create", "status-set", "measure-define", "observation-record"] {
            #expect(!show.stdout.contains(kind), "no op kind \(kind) for people: \(show)")
        }
        let json = try await CLI.run(["show", idea, "--json"], socket: a.controlSocket)
        let kinds = (try json.json()["history"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        #expect(kinds == ["idea-create", "status-set", "measure-define", "observation-record"], "\(json)")
    }

    /// Siblings a newcomer found while trying the fixes above: each says what is wrong in words.
    @Test func whatANewcomerTripsOverSaysWhatIsWrong() async throws {
        let (cluster, a) = try await DaemonCluster.single("newcomer")
        defer { cluster.shutdown() }
        let idea = try a.submit("Falls at night")
        let measure = try #require(try a.call("measure.define", ["idea": idea, "name": "Falls", "unit": "falls", "better": "lower"])["id"] as? String)
        for (day, value) in [("2026-10-01", 3), ("2026-10-08", 4), ("2026-10-15", 2), ("2026-10-22", 3)] {
            _ = try a.call("measure.record", ["measure": measure, "value": value, "date": day])
        }
        let ops = try a.opCount()

        // Not a socket, or a path no socket address holds: said so, not "Is it running?".
        let directory = try await CLI.run(["list"], socket: cluster.root)
        #expect(directory.status == 2 && directory.stderr.contains("that is a directory") && !directory.stderr.contains("Is it running"), "\(directory)")
        let store = try await CLI.run(["list"], socket: a.storePath)
        #expect(store.status == 2 && store.stderr.contains("a file, not a socket"), "\(store)")
        let long = try await CLI.run(["list"], socket: "/tmp/" + String(repeating: "x", count: 120) + ".sock")
        #expect(long.status == 2 && long.stderr.contains("at most 107") && !long.stderr.contains("Is it running"), "\(long)")

        // A field given empty is empty, not missing; a directory is not a text file.
        let empty = try await CLI.run(["submit", "--title", "t", "--problem", "", "--solution", "s"], socket: a.controlSocket)
        #expect(empty.status == 1 && empty.stderr.contains("--problem is empty") && !empty.stderr.contains("missing"), "\(empty)")
        let folder = try await CLI.run(["submit", "--title", "t", "--problem-file", cluster.root, "--solution", "s"], socket: a.controlSocket)
        #expect(folder.status == 1 && folder.stderr.contains("it is a directory") && !folder.stderr.contains("NSCocoaErrorDomain"), "\(folder)")

        // Where an SVG goes: a directory, a missing directory, or standard output.
        let svgDirectory = try await CLI.run(["measure", "chart", measure, "--svg", cluster.root], socket: a.controlSocket)
        #expect(svgDirectory.status == 1 && svgDirectory.stderr.contains("it is a directory"), "\(svgDirectory)")
        let svgNowhere = try await CLI.run(["measure", "chart", measure, "--svg", "/nonexistent-dir/falls.svg"], socket: a.controlSocket)
        #expect(svgNowhere.status == 1 && svgNowhere.stderr.contains("there is no directory /nonexistent-dir"), "\(svgNowhere)")
        let svgOut = try await CLI.run(["measure", "chart", measure, "--svg", "-"], socket: a.controlSocket)
        #expect(svgOut.succeeded && svgOut.stdout.hasPrefix("<?xml") && svgOut.stdout.contains("<svg") && !FileManager.default.fileExists(atPath: "-"), "\(svgOut)")

        // --rebase reads days as --date does.
        let rebase = try await CLI.run(["measure", "chart", measure, "--rebase", "2026-10-15"], socket: a.controlSocket)
        #expect(rebase.succeeded, "\(rebase)")
        let word = try await CLI.run(["measure", "chart", measure, "--rebase", "yesterday"], socket: a.controlSocket)
        #expect(!word.stderr.contains("YYYY-MM-DD (got"), "a day word is a day: \(word)")

        // This node named as a peer; an unknown theme to archive.
        let itself = try await CLI.run(["admin", "verify", "renal ward"], socket: a.controlSocket)
        #expect(itself.status == 1 && itself.stderr.contains("\"renal ward\" is this node"), "\(itself)")
        let theme = try await CLI.run(["theme", "archive", "nigth-shift"], socket: a.controlSocket)
        #expect(theme.status == 1 && theme.stderr.contains("ideamesh themes"), "\(theme)")
        #expect(try a.opCount() == ops, "nothing above wrote anything")

        // A negative number is a value, not an option: refused for a count, taken by another kind.
        let count = try #require(try a.call("measure.define", ["idea": idea, "name": "Lunches missed", "unit": "lunches", "better": "lower", "kind": "count"])["id"] as? String)
        let negativeCount = try await CLI.run(["measure", "record", count, "-2"], socket: a.controlSocket)
        #expect(negativeCount.status == 1 && negativeCount.stderr.contains("-2 is not allowed") && !negativeCount.stderr.contains("Missing expected argument"), "\(negativeCount)")
        let change = try #require(try a.call("measure.define", ["idea": idea, "name": "Change in wait", "unit": "min", "better": "lower"])["id"] as? String)
        let negative = try await CLI.run(["measure", "record", change, "-2.5", "--date", "2026-10-01"], socket: a.controlSocket)
        #expect(negative.succeeded && negative.stdout.contains("Recorded -2.5"), "\(negative)")
        let target = try await CLI.run(["measure", "define", idea, "--name", "Net change", "--unit", "beds", "--better", "higher", "--target", "-1"], socket: a.controlSocket)
        #expect(target.succeeded, "\(target)")

        // Text saved on Windows (CR LF) is read as lines; a stray control character is named.
        let windows = "\(cluster.root)/problem.txt"
        try "Patients wait\r\nfor beds\r\n".write(toFile: windows, atomically: true, encoding: .utf8)
        let crlf = try await CLI.run(["submit", "--title", "Beds", "--problem-file", windows, "--solution", "s", "--json"], socket: a.controlSocket)
        #expect(crlf.succeeded, "\(crlf)")
        let crlfID = try #require(try crlf.json()["id"] as? String)
        let stored = try #require(try a.show(crlfID)["problem"] as? String)
        #expect(stored.hasPrefix("Patients wait\nfor beds") && !stored.contains("\r"), "\(stored)")
        let bell = try await CLI.run(["submit", "--title", "t", "--problem", "a\u{7}b", "--solution", "s"], socket: a.controlSocket)
        #expect(bell.status == 1 && bell.stderr.contains("a control character (U+0007) at character 2"), "\(bell)")

        // --rules is the run chart's: it draws the run chart.
        let rules = try await CLI.run(["measure", "chart", measure, "--rules", "anhoej"], socket: a.controlSocket)
        #expect(rules.succeeded && rules.stdout.contains("Anhøj") && !rules.stdout.contains("Variation:"), "\(rules)")

        let version = try CLI.runSync(Loopback.ideameshd, ["--version"], in: cluster.root)
        #expect(version.status == 0 && version.stdout.contains("0.1.0"), "\(version)")
    }
}
