import Foundation
import MeshClient
import Testing
import MeshLoopback

/// The staff commands, run as the real `ideamesh` binary against a real `ideameshd`: what they
/// print, what they change in the daemon, and their refusals.
@Suite(.timeLimit(.minutes(3)))
struct StaffEndToEndTests {
    @Test func submitWithFlagsThenListAndShow() async throws {
        let (cluster, a) = try await DaemonCluster.single("submit")
        defer { cluster.shutdown() }
        try a.defineThemes("meds")

        let submitted = try await CLI.run(
            ["submit", "--title", "Double-check insulin at handover", "--problem", "Doses are missed when shifts change",
             "--solution", "Two nurses read the chart together", "--theme", "meds", "--tags", "insulin, handover", "--tags", "safety", "--json"],
            socket: a.controlSocket)
        #expect(submitted.succeeded, "\(submitted)")
        let id = try #require(try submitted.json()["id"] as? String)
        let shown = try a.show(id)
        #expect(shown["title"] as? String == "Double-check insulin at handover")
        #expect(shown["theme"] as? String == "meds")
        #expect(shown["tags"] as? [String] == ["handover", "insulin", "safety"])
        #expect(shown["author"] as? String == "root" || geteuid() != 0)

        let human = try await CLI.run(["submit", "--title", "Quiet hours", "--problem", "Noise at night", "--solution", "Dim lights at 22:00"], socket: a.controlSocket)
        #expect(human.succeeded, "\(human)")
        #expect(human.stdout.hasPrefix("Submitted \(a.short)-3: Quiet hours"), "\(human)")  // seq 1 is the theme

        let list = try await CLI.run(["list"], socket: a.controlSocket)
        #expect(list.succeeded, "\(list)")
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("ID") == true && lines.first?.contains("TITLE") == true, "\(list)")
        #expect(lines.count == 3 && lines[1].hasPrefix("\(a.short)-3") && lines[2].hasPrefix("\(a.short)-2"), "newest first: \(list)")
        #expect(lines[2].contains("Renal Ward") && lines[2].contains("proposed"), "\(list)")
        #expect(!list.stdout.contains("\u{1B}["), "no colour when stdout is not a terminal")

        let show = try await CLI.run(["show", "\(a.short)-2"], socket: a.controlSocket)
        #expect(show.succeeded, "\(show)")
        for text in ["Double-check insulin at handover", "Doses are missed when shifts change", "Two nurses read the chart together",
                     "Theme:", "meds", "handover, insulin, safety", "Supporters:  0", "History", "submitted \"Double-check", "Renal Ward (\(a.short))"] {
            #expect(show.stdout.contains(text), "show has \(text): \(show)")
        }
        let json = try await CLI.run(["show", id, "--json"], socket: a.controlSocket)
        #expect(try json.json()["title"] as? String == "Double-check insulin at handover", "\(json)")
    }

    /// `--anonymous` stores no author anywhere: not on the idea, not in its history, not in an
    /// export.
    @Test func anAnonymousIdeaHasNoAuthorAnywhere() async throws {
        let (cluster, a) = try await DaemonCluster.single("anon")
        defer { cluster.shutdown() }
        let run = try await CLI.run(
            ["submit", "--anonymous", "--title", "Staffing on nights", "--problem", "Too few nurses", "--solution", "A float nurse", "--json"],
            socket: a.controlSocket)
        #expect(run.succeeded, "\(run)")
        let id = try #require(try run.json()["id"] as? String)
        let shown = try a.show(id)
        #expect(shown["author"] as? String == "")
        for entry in shown["history"] as? [[String: Any]] ?? [] {
            #expect((entry["author"] as? String ?? "").isEmpty, "history: \(entry)")
        }
        let exported = try a.call("export")["ideas"] as? [[String: Any]] ?? []
        #expect(exported.count == 1 && (exported[0]["author"] as? String ?? "").isEmpty)
        let show = try await CLI.run(["show", id], socket: a.controlSocket)
        #expect(show.stdout.contains("Author:      anonymous"), "\(show)")
        let mine = try await CLI.run(["list", "--mine", "--json"], socket: a.controlSocket)
        #expect(jsonInt(try mine.json()["total"]) == 0, "an anonymous idea is nobody's: \(mine)")
    }

    @Test func submitWithoutATerminalNamesWhatIsMissingAndWritesNothing() async throws {
        let (cluster, a) = try await DaemonCluster.single("missing")
        defer { cluster.shutdown() }
        let run = try await CLI.run(["submit", "--title", "Only a title"], socket: a.controlSocket)
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("missing --problem, --solution"), "\(run)")
        #expect(run.stderr.contains("Hint: Give every field as a flag"), "\(run)")
        let tooLong = try await CLI.run(
            ["submit", "--title", String(repeating: "x", count: 201), "--problem", "p", "--solution", "s"], socket: a.controlSocket)
        #expect(tooLong.status == 1 && tooLong.stderr.contains("title: longer than 200 characters"), "\(tooLong)")
        #expect(try a.opCount() == 0)
    }

    @Test(.enabled(if: Loopback.script != nil, "needs script(1) for a terminal"))
    func submitAsksForMissingFieldsOnATerminal() async throws {
        let (cluster, a) = try await DaemonCluster.single("prompt")
        defer { cluster.shutdown() }
        try a.defineThemes("flow")
        let run = try await CLI.runOnTerminal(
            ["submit", "--theme", "flow"], socket: a.controlSocket,
            input: "Fewer handover forms\n.\nBeds wait for paperwork\n.\nOne form instead of three\n.\nforms, flow\n")
        #expect(run.succeeded, "\(run)")
        for prompt in ["Title: ", "(this one is required)", "Problem (what goes wrong today", "Proposed solution (", "Tags, comma-separated", "Submitted \(a.short)-2"] {
            #expect(run.stdout.contains(prompt), "the terminal shows \(prompt): \(run)")
        }
        #expect(!run.stdout.contains("Theme code"), "a field given as a flag is not asked for")
        let shown = try a.show("\(a.short)-2")
        #expect(shown["title"] as? String == "Fewer handover forms")
        #expect(shown["problem"] as? String == "Beds wait for paperwork")
        #expect(shown["solution"] as? String == "One form instead of three")
        #expect(shown["theme"] as? String == "flow")
        #expect(shown["tags"] as? [String] == ["flow", "forms"])
    }

    /// On a terminal, tables are painted; NO_COLOR turns that off; a pipe never gets colour.
    @Test(.enabled(if: Loopback.script != nil, "needs script(1) for a terminal"))
    func colourOnlyOnATerminalWithoutNoColor() async throws {
        let (cluster, a) = try await DaemonCluster.single("colour")
        defer { cluster.shutdown() }
        let idea = try a.submit("Insulin double-check")
        _ = try a.call("idea.status", ["id": idea, "status": "testing", "reason": "pilot"])
        let painted = try await CLI.runOnTerminal(["list"], socket: a.controlSocket, input: "")
        #expect(painted.succeeded, "\(painted)")
        #expect(painted.stdout.contains("\u{1B}[1mID\u{1B}[0m") && painted.stdout.contains("\u{1B}[36mtesting\u{1B}[0m"), "\(painted)")
        let plain = try await CLI.runOnTerminal(["list"], socket: a.controlSocket, input: "", env: ["NO_COLOR": "1"])
        #expect(plain.succeeded && plain.stdout.contains("testing") && !plain.stdout.contains("\u{1B}["), "\(plain)")
        let narrow = try await CLI.runOnTerminal(["list"], socket: a.controlSocket, input: "", env: ["COLUMNS": "40", "NO_COLOR": "1"])
        let widest = narrow.stdout.split(whereSeparator: \.isNewline).map { TextWidthProbe.columns(String($0)) }.max() ?? 0
        #expect(widest <= 40, "the table fits COLUMNS: \(narrow)")
    }

    @Test func listFiltersAndSorts() async throws {
        let (cluster, a) = try await DaemonCluster.single("list")
        defer { cluster.shutdown() }
        try a.defineThemes("meds", "flow")
        let meds = try a.submit("Insulin double-check", theme: "meds")
        let flow = try a.submit("Discharge before noon", theme: "flow")
        let quiet = try a.submit("Quiet hours", theme: "flow")
        _ = try a.call("idea.submit", ["title": "Anonymous one", "problem": "p", "solution": "s", "anonymous": true])
        _ = try a.call("idea.support", ["id": flow])
        _ = try a.call("idea.status", ["id": meds, "status": "testing", "reason": "pilot"])
        func ids(_ arguments: [String]) async throws -> [String] {
            let run = try await CLI.run(["list", "--json"] + arguments, socket: a.controlSocket)
            #expect(run.succeeded, "\(run)")
            return (try run.json()["ideas"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }
        #expect(try await ids(["--theme", "meds"]) == [meds])
        #expect(try await ids(["--theme", "flow"]) == [quiet, flow])
        #expect(try await ids(["--status", "testing"]) == [meds])
        #expect(try await ids(["--mine"]).count == 3, "the anonymous idea is not mine")
        #expect(try await ids(["--since", "1h"]).count == 4)
        #expect(try await ids(["--since", "2000-01-01"]).count == 4)
        #expect(try await ids(["--dept", "Renal Ward"]).count == 4)
        #expect(try await ids(["--dept", String(a.nodeID.prefix(6))]).count == 4)
        #expect(try await ids(["--sort", "support"]).first == flow)
        #expect(try await ids(["--sort", "quiet"]).count == 4)

        let nowhere = try await CLI.run(["list", "--dept", "Nowhere"], socket: a.controlSocket)
        #expect(nowhere.status == 1 && nowhere.stderr.contains("department's name"), "\(nowhere)")
        try a.defineThemes("nothing-here")
        let none = try await CLI.run(["list", "--theme", "nothing-here"], socket: a.controlSocket)
        #expect(none.succeeded && none.stdout == "No ideas match.\n", "a theme with no ideas yet: \(none)")
        let typo = try await CLI.run(["list", "--theme", "flwo"], socket: a.controlSocket)
        #expect(typo.status == 1 && typo.stderr.contains("no theme \"flwo\" is defined; the themes are: flow, meds, nothing-here"), "\(typo)")
        let limited = try await CLI.run(["list", "--limit", "1"], socket: a.controlSocket)
        #expect(limited.stdout.contains("Showing 1 of 4 ideas; use --limit N to see more."), "\(limited)")

        let badStatus = try await CLI.run(["list", "--status", "done"], socket: a.controlSocket)
        #expect(badStatus.status == 1 && badStatus.stderr.contains("under-review"), "the refusal lists the statuses: \(badStatus)")
        let badSince = try await CLI.run(["list", "--since", "soon"], socket: a.controlSocket)
        #expect(badSince.status == 1 && badSince.stderr.contains("7d, 24h"), "\(badSince)")
    }

    @Test func searchRanksWithSnippets() async throws {
        let (cluster, a) = try await DaemonCluster.single("search")
        defer { cluster.shutdown() }
        let insulin = try a.submit("Insulin double-check at handover")
        try a.submit("Quiet hours at night")
        _ = try a.call("idea.comment", ["id": insulin, "text": "the insulin chart is hard to read"])
        let run = try await CLI.run(["search", "insulin"], socket: a.controlSocket)
        #expect(run.succeeded, "\(run)")
        #expect(run.stdout.hasPrefix("1. \(a.short)-1  Insulin double-check at handover"), "\(run)")
        #expect(run.stdout.contains("[insulin]") || run.stdout.contains("[Insulin]"), "matches are marked: \(run)")
        #expect(!run.stdout.contains("Quiet hours"))
        let json = try await CLI.run(["search", "insulin", "chart", "--json"], socket: a.controlSocket)
        let hits = try json.json()["hits"] as? [[String: Any]] ?? []
        #expect(hits.count == 1 && hits[0]["kind"] as? String == "comment", "both words, in the comment: \(json)")
        let nothing = try await CLI.run(["search", "zebra"], socket: a.controlSocket)
        #expect(nothing.succeeded && nothing.stdout == "Nothing matches \"zebra\".\n", "\(nothing)")
        let unclosed = try await CLI.run(["search", "\"unbalanced"], socket: a.controlSocket)
        #expect(unclosed.succeeded && unclosed.stdout == "Nothing matches \"\"unbalanced\".\n", "an unclosed quote runs to the end: \(unclosed)")
    }

    @Test func supportCommentStatusAndLink() async throws {
        let (cluster, a) = try await DaemonCluster.single("writes")
        defer { cluster.shutdown() }
        let first = try a.submit("Insulin double-check")
        let second = try a.submit("Insulin chart redesign")
        let s1 = "\(a.short)-1", s2 = "\(a.short)-2"
        func expectRun(_ arguments: [String], prints text: String) async throws {
            let run = try await CLI.run(arguments, socket: a.controlSocket)
            #expect(run.succeeded && run.stdout.contains(text), "\(run)")
        }

        try await expectRun(["support", s1], prints: "Supported \(s1).")
        #expect(jsonInt(try a.show(first)["supporters"]) == 1)
        try await expectRun(["unsupport", s1], prints: "Took back your support of \(s1).")
        #expect(jsonInt(try a.show(first)["supporters"]) == 0)

        let comment = try await CLI.run(["comment", s1, "Tried it on nights", "--json"], socket: a.controlSocket)
        let commentID = try #require(try comment.json()["id"] as? String)
        try await expectRun(["comment", "add", s1, "A second comment"], prints: "Commented on \(s1)")
        try await expectRun(["comment", "edit", commentID, "Tried it on nights: it works"], prints: "Edited comment")
        try await expectRun(["comment", "retract", "\(a.short)-\(commentID.split(separator: "-").last!)", "--reason", "wrong idea"], prints: "Retracted comment")
        let comments = try a.show(first)["comments"] as? [[String: Any]] ?? []
        #expect(comments.count == 2)
        #expect(comments.first { $0["id"] as? String == commentID }?["retracted"] as? Bool == true, "\(comments)")

        try await expectRun(["status", s1, "testing", "--reason", "pilot on ward 3"], prints: "\(s1) is now testing.")
        #expect(try a.show(first)["status"] as? String == "testing")
        try await expectRun(["link", s2, s1, "--kind", "builds-on"], prints: "Linked: \(s2) builds-on \(s1).")
        let links = try a.show(first)["links"] as? [[String: Any]] ?? []
        #expect(links.count == 1 && links[0]["kind"] as? String == "builds-on" && links[0]["from"] as? String == second, "\(links)")
        try await expectRun(["edit", s2, "--title", "Insulin chart, redesigned", "--tags", "charts"], prints: "Edited \(s2).")
        #expect(try a.show(second)["title"] as? String == "Insulin chart, redesigned")

        let show = try await CLI.run(["show", s1], socket: a.controlSocket)
        for text in ["Comments (2)", "(retracted)", "A second comment", "moved to testing", "pilot on ward 3", "Links", "builds-on this"] {
            #expect(show.stdout.contains(text), "show has \(text): \(show)")
        }
        let ops = try a.opCount()

        // Refusals: exit 1, what to do, nothing written.
        let badStatus = try await CLI.run(["status", s1, "finished", "--reason", "x"], socket: a.controlSocket)
        #expect(badStatus.status == 1 && badStatus.stderr.contains("- under-review"), "the refusal lists the statuses: \(badStatus)")
        let noReason = try await CLI.run(["status", s1, "closed"], socket: a.controlSocket)
        #expect(noReason.status == 1 && noReason.stderr.contains("--reason"), "\(noReason)")
        let badKind = try await CLI.run(["link", s1, s2, "--kind", "likes"], socket: a.controlSocket)
        #expect(badKind.status == 1 && badKind.stderr.contains("duplicate-of"), "\(badKind)")
        let selfLink = try await CLI.run(["link", s1, s1, "--kind", "affects"], socket: a.controlSocket)
        #expect(selfLink.status == 1 && selfLink.stderr.contains("Error:"), "\(selfLink)")
        let unknown = try await CLI.run(["support", "\(a.short)-99"], socket: a.controlSocket)
        #expect(unknown.status == 1 && unknown.stderr.contains("Hint: Check the id with `ideamesh list`"), "\(unknown)")
        let malformed = try await CLI.run(["show", "not-an-id"], socket: a.controlSocket)
        #expect(malformed.status == 1 && malformed.stderr.contains("is not an idea id"), "\(malformed)")
        let ownAdoption = try await CLI.run(["adopt", s1], socket: a.controlSocket)
        #expect(ownAdoption.status == 1, "a department cannot adopt its own idea: \(ownAdoption)")
        #expect(try a.opCount() == ops)
    }

    @Test(.enabled(if: Harness.canRunAsNobody, "needs root and setpriv to run the CLI as user nobody"))
    func themesAreListedByAllAndChangedByLeaders() async throws {
        let (cluster, a) = try await DaemonCluster.single("themes")
        defer { cluster.shutdown() }
        let added = try await CLI.run(["theme", "add", "meds", "Medication safety", "--description", "The right dose"], socket: a.controlSocket)
        #expect(added.succeeded && added.stdout == "Theme meds (Medication safety) is defined.\n", "\(added)")
        try await CLI.run(["theme", "add", "flow", "Patient flow"], socket: a.controlSocket).expectSuccess()
        let list = try await CLI.run(["themes"], socket: a.controlSocket, asNobody: true)
        #expect(list.succeeded, "\(list)")
        #expect(list.stdout.contains("meds") && list.stdout.contains("Medication safety") && list.stdout.contains("The right dose"), "\(list)")
        try await CLI.run(["theme", "archive", "flow"], socket: a.controlSocket).expectSuccess()
        let active = try await CLI.run(["themes", "--json"], socket: a.controlSocket)
        #expect((try active.json()["themes"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String } == ["meds"], "\(active)")
        let all = try await CLI.run(["themes", "--archived"], socket: a.controlSocket)
        #expect(all.stdout.contains("flow") && all.stdout.contains("ARCHIVED"), "\(all)")

        let ops = try a.opCount()
        for arguments in [["theme", "add", "paper", "Less paper"], ["theme", "archive", "meds"]] {
            let refused = try await CLI.run(arguments, socket: a.controlSocket, asNobody: true)
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.stderr.hasPrefix("Error: refused:") && refused.stderr.contains("is for the department's leaders and admins"), "\(refused)")
        }
        #expect(try a.opCount() == ops)
    }

    @Test func digestShowsWhatHappened() async throws {
        let (cluster, a) = try await DaemonCluster.single("digest")
        defer { cluster.shutdown() }
        let moved = try a.submit("Insulin double-check")
        try a.submit("Quiet hours")
        _ = try a.call("idea.status", ["id": moved, "status": "testing", "reason": "pilot"])
        let run = try await CLI.run(["digest", "--since", "7d"], socket: a.controlSocket)
        #expect(run.succeeded, "\(run)")
        for text in ["Digest since", "New ideas (2)", "Quiet hours", "Moved to testing, adopted or spread (1)", "testing",
                     "This department's ideas adopted elsewhere (0)"] {
            #expect(run.stdout.contains(text), "digest has \(text): \(run)")
        }
        let json = try await CLI.run(["digest", "--json"], socket: a.controlSocket)
        let object = try json.json()
        #expect((object["new_ideas"] as? [Any])?.count == 2 && (object["moved"] as? [Any])?.count == 1 && object["adopted_elsewhere"] is [Any], "\(json)")
        let future = try await CLI.run(["digest", "--since", "2099-01-01", "--json"], socket: a.controlSocket)
        #expect((try future.json()["new_ideas"] as? [Any])?.count == 0, "\(future)")
        let bad = try await CLI.run(["digest", "--since", "last week"], socket: a.controlSocket)
        #expect(bad.status == 1, "\(bad)")
    }
}

extension CLI.Run {
    func expectSuccess(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status == 0, "\(self)", sourceLocation: sourceLocation)
    }
}
