import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MeshClient
import Testing
import MeshLoopback

/// Tests of change through the real CLI and daemons: PDSA cycles, measures and observations,
/// charts, comparison and spread, and the same chart signals in another department after sync.
/// The chart rules themselves are checked against hand-computed cases in MeshModelTests.
@Suite(.timeLimit(.minutes(3)))
struct ImprovementEndToEndTests {
    /// 12 baseline points around 9, then 10 around 5: a run of 7 below the mean (a special-cause
    /// improvement for lower-is-better, by the Making Data Count run rule) ending the chart.
    static let interruptions: [(String, Double)] = zip(
        (1...22).map { String(format: "2026-10-%02d", $0) },
        [9, 8, 10, 9, 11, 8, 9, 10, 9, 8, 10, 9, 6, 5, 5, 4, 6, 5, 4, 5, 4, 3]
    ).map { ($0, $1) }

    /// The calendar day `offset` days from today, UTC (as the CLI and daemons here run), YYYY-MM-DD.
    static func day(_ offset: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date().addingTimeInterval(Double(offset) * 86_400))
    }

    @discardableResult
    static func cli(_ arguments: [String], _ node: DaemonNode, sourceLocation: SourceLocation = #_sourceLocation) async throws -> CLI.Run {
        let run = try await CLI.run(arguments, socket: node.controlSocket)
        #expect(run.succeeded, "\(run)", sourceLocation: sourceLocation)
        return run
    }

    /// The id a write printed with --json.
    static func written(_ run: CLI.Run) throws -> String {
        guard let id = try run.json()["short_id"] as? String else { throw HarnessError("no short_id in \(run)") }
        return id
    }

    @Test func aCycleRunsPlanToActAndIsClosedAfterwards() async throws {
        let (cluster, a) = try await DaemonCluster.single("pdsa")
        defer { cluster.shutdown() }
        try a.submit("Red tabards on the medication round")
        let idea = "\(a.short)-1"

        let cycle = try Self.written(try await Self.cli(
            ["pdsa", "start", idea, "--plan", "Bay 1 wears tabards for two weeks", "--prediction", "Interruptions halve", "--json"], a))
        try await Self.cli(["pdsa", "do", cycle, "--notes", "Worn on 12 of 14 rounds"], a)
        try await Self.cli(["pdsa", "study", cycle, "--notes", "Interruptions fell from 9 to 5"], a)
        let act = try await Self.cli(["pdsa", "act", cycle, "adapt", "--notes", "Try it on nights too"], a)
        #expect(act.stdout.contains("Act (adapt)"), "\(act)")

        let ops = try a.opCount()
        let late = try await CLI.run(["pdsa", "study", cycle, "--notes", "second thoughts"], socket: a.controlSocket)
        #expect(late.status == 1 && late.stderr.contains("closed by its Act step") && late.stderr.contains("new cycle"), "\(late)")
        let badDecision = try await CLI.run(["pdsa", "act", cycle, "maybe"], socket: a.controlSocket)
        #expect(badDecision.status == 1 && badDecision.stderr.contains("adopt"), "\(badDecision)")
        let noPrediction = try await CLI.run(["pdsa", "start", idea, "--plan", "x", "--prediction", " "], socket: a.controlSocket)
        #expect(noPrediction.status == 1 && noPrediction.stderr.contains("--prediction"), "\(noPrediction)")
        let noIdea = try await CLI.run(["pdsa", "start", "\(a.short)-99", "--plan", "x", "--prediction", "y"], socket: a.controlSocket)
        #expect(noIdea.status == 1 && noIdea.stderr.contains("no idea"), "\(noIdea)")
        #expect(try a.opCount() == ops, "refused writes change nothing")

        let show = try await Self.cli(["show", idea], a)
        for text in ["PDSA cycles (1)", "Plan: Bay 1 wears tabards for two weeks", "Prediction: Interruptions halve",
                     "Do ·", "Worn on 12 of 14 rounds", "Study ·", "Act (adapt) ·", "Try it on nights too", "now at act (adapt: closed)"] {
            #expect(show.stdout.contains(text), "show lacks \"\(text)\": \(show)")
        }
        let json = try await Self.cli(["show", idea, "--json"], a)
        let cycles = try json.json()["cycles"] as? [[String: Any]] ?? []
        #expect(cycles.count == 1 && cycles.first?["decision"] as? String == "adapt")
        #expect((cycles.first?["steps"] as? [[String: Any]])?.map { $0["phase"] as? String } == ["do", "study", "act"])
    }

    @Test func measuresRecordListRetractAndRefuseBadInput() async throws {
        let (cluster, a) = try await DaemonCluster.single("measure")
        defer { cluster.shutdown() }
        try a.submit("Red tabards on the medication round")
        let idea = "\(a.short)-1"
        let measure = try Self.written(try await Self.cli(
            ["measure", "define", idea, "--name", "Interruptions per round", "--unit", "count", "--better", "lower", "--target", "3", "--json"], a))
        var observations = [String]()
        for (date, value) in Self.interruptions.prefix(3) {
            observations.append(try Self.written(try await Self.cli(["measure", "record", measure, String(value), "--date", date, "--json"], a)))
        }

        let ops = try a.opCount()
        let future = try await CLI.run(["measure", "record", measure, "4", "--date", "2999-01-01"], socket: a.controlSocket)
        #expect(future.status == 1 && future.stderr.contains("in the future"), "\(future)")
        let notADate = try await CLI.run(["measure", "record", measure, "4", "--date", "2026-02-30"], socket: a.controlSocket)
        #expect(notADate.status == 1 && notADate.stderr.contains("not a date"), "\(notADate)")
        let notANumber = try await CLI.run(["measure", "record", measure, "many"], socket: a.controlSocket)
        #expect(notANumber.status == 1, "\(notANumber)")
        let badDirection = try await CLI.run(["measure", "define", idea, "--name", "x", "--unit", "y", "--better", "sideways"], socket: a.controlSocket)
        #expect(badDirection.status == 1 && badDirection.stderr.contains("lower"), "\(badDirection)")
        let onAnIdea = try await CLI.run(["measure", "record", idea, "4"], socket: a.controlSocket)
        #expect(onAnIdea.status == 1 && onAnIdea.stderr.contains("no measure"), "an idea is not a measure: \(onAnIdea)")
        let unknownChart = try await CLI.run(["measure", "chart", "\(a.short)-999"], socket: a.controlSocket)
        #expect(unknownChart.status == 1 && unknownChart.stderr.contains("no measure"), "\(unknownChart)")
        #expect(try a.opCount() == ops, "refused writes change nothing")

        let list = try await Self.cli(["measure", "list", "--json"], a)
        let listed = try list.json()["measures"] as? [[String: Any]] ?? []
        #expect(listed.count == 1 && listed.first?["observations"] as? Int == 3 && listed.first?["latest_value"] as? Double == 10)
        let shown = try await Self.cli(["measure", "show", measure], a)
        #expect(shown.stdout.contains("2026-10-03") && shown.stdout.contains(observations[2]), "\(shown)")

        try await Self.cli(["measure", "retract", observations[2], "--reason", "typed into the wrong row"], a)
        let after = try await Self.cli(["measure", "chart", measure, "--json"], a)
        let points = try after.json()["points"] as? [[String: Any]] ?? []
        #expect(points.map { $0["value"] as? Double } == [9, 8], "the retracted point is left out: \(after)")
        let again = try await CLI.run(["measure", "retract", observations[2]], socket: a.controlSocket)
        #expect(again.status == 1, "a retracted observation cannot be retracted again: \(again)")
    }

    /// The issue's end-to-end case: cycles and observations made in one department show the same
    /// chart signals in another after sync; the adopter's measure joins the comparison, the spread
    /// tree and the other department's digest results.
    @Test func chartSignalsAreTheSameInAnotherDepartmentAfterSync() async throws {
        let (cluster, a, b) = try await MeshEndToEndTests.pair("charts")
        defer { cluster.shutdown() }
        try a.submit("Red tabards on the medication round")
        let idea = "\(a.short)-1"
        let cycle = try Self.written(try await Self.cli(
            ["pdsa", "start", idea, "--plan", "Tabards on bay 1", "--prediction", "Interruptions halve", "--json"], a))
        try await Self.cli(["pdsa", "do", cycle, "--notes", "Worn on every round"], a)
        let measure = try Self.written(try await Self.cli(
            ["measure", "define", idea, "--name", "Interruptions per round", "--unit", "count", "--better", "lower", "--target", "3", "--kind", "count", "--json"], a))
        for (date, value) in Self.interruptions {
            try await Self.cli(["measure", "record", measure, String(value), "--date", date], a)
        }
        try await cluster.eventually("a and b hold the same state") { try MeshEndToEndTests.sameState(a, b) }

        func signals(_ node: DaemonNode) async throws -> [[String]] {
            let run = try await Self.cli(["measure", "chart", measure, "--json"], node)
            let points = try run.json()["points"] as? [[String: Any]] ?? []
            return points.map { p in ["date", "variation", "rule", "side"].map { "\(p[$0] ?? "-")" } }
        }
        let atA = try await signals(a), atB = try await signals(b)
        #expect(atA.count == Self.interruptions.count)
        #expect(atA == atB, "the same points and signals in both departments")
        #expect(atA.last == ["2026-10-22", "special_cause_improvement", "outside_limits", "below"], "\(atA.last ?? [])")
        #expect(atA.filter { $0[1] == "special_cause_improvement" }.count >= 7, "the last ten points are a run below the mean")

        let text = try await Self.cli(["measure", "chart", measure], b)
        #expect(text.stdout.contains("Interruptions per round"), "\(text)")
        let show = try await Self.cli(["show", idea], b)
        #expect(show.stdout.contains("PDSA cycles (1)") && show.stdout.contains("Worn on every round"), "b sees a's cycle: \(show)")

        // b adopts the idea with its measures (issue 11: adoption offers to copy the definitions) and
        // records its own, six days before its adoption and two from it.
        let adopted = try await Self.cli(["adopt", idea, "--copy-measures", "--json"], b)
        let copy = try Self.written(adopted)
        let copiedMeasures = try adopted.json()["measures"] as? [[String: Any]] ?? []
        #expect(copiedMeasures.count == 1 && copiedMeasures.first?["name"] as? String == "Interruptions per round", "\(adopted)")
        let theirs = try #require(copiedMeasures.first?["short_id"] as? String)
        let theirList = try await Self.cli(["measure", "list", copy, "--json"], b)
        let theirDefinition = (try theirList.json()["measures"] as? [[String: Any]])?.first ?? [:]
        #expect(theirDefinition["unit"] as? String == "count" && theirDefinition["better"] as? String == "lower", "\(theirList)")
        #expect(theirDefinition["target"] as? Double == 3 && theirDefinition["kind"] as? String == "count", "\(theirList)")
        let today = Self.day(0)
        for (i, value) in [12.0, 11, 13, 12, 8, 7, 7, 6].enumerated() {
            try await Self.cli(["measure", "record", theirs, String(value), "--date", Self.day(i - 6)], b)
        }
        try await cluster.eventually("a and b hold the same state") { try MeshEndToEndTests.sameState(a, b) }

        let compare = try await Self.cli(["measure", "chart", measure, "--compare", "--json"], a)
        let series = try compare.json()["series"] as? [[String: Any]] ?? []
        #expect(series.count == 2, "\(compare)")
        #expect(series.compactMap { ($0["measure"] as? [String: Any])?["department"] as? String } == ["Renal Ward", "Cardiology"], "\(compare)")
        #expect(series.allSatisfy { $0["split_date"] is String }, "each series is split at its start date")
        #expect(series.last?["split_date"] as? String == today, "the adopter's series is split at its adoption: \(compare)")
        let adopterWarnings = series.last?["warnings"] as? [String] ?? []
        #expect(!adopterWarnings.contains { $0.contains("not split") }, "\(adopterWarnings)")
        let adopterSegments = ((series.last?["xmr"] as? [String: Any])?["segments"] as? [[String: Any]]) ?? []
        #expect(adopterSegments.compactMap { $0["from_date"] as? String } == [Self.day(-6), today], "\(compare)")
        let compareText = try await Self.cli(["measure", "chart", measure, "--compare"], a)
        #expect(compareText.stdout.contains("Renal Ward") && compareText.stdout.contains("Cardiology"), "\(compareText)")

        let svgPath = cluster.root + "/chart.svg"
        let svg = try await Self.cli(["measure", "chart", measure, "--svg", svgPath], b)
        #expect(svg.stdout.contains("Wrote \(svgPath)"), "\(svg)")
        let document = try String(contentsOfFile: svgPath, encoding: .utf8)
        #expect(document.contains("<svg") && document.contains("Interruptions per round"))
        let parser = XMLParser(data: Data(document.utf8))
        #expect(parser.parse(), "the SVG is well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")

        let spread = try await Self.cli(["spread", copy], a)
        #expect(spread.stdout.contains("Renal Ward") && spread.stdout.contains("└─ Cardiology"), "\(spread)")
        #expect(spread.stdout.contains("improvement"), "the original's measure shows its signal: \(spread)")
        let spreadJSON = try await Self.cli(["spread", idea, "--json"], b)
        let root = try spreadJSON.json()["root"] as? [String: Any] ?? [:]
        #expect((root["adoptions"] as? [[String: Any]])?.first?["department"] as? String == "Cardiology", "\(spreadJSON)")
        #expect(((root["measures"] as? [[String: Any]])?.first?["signal"] as? String) == "special_cause_improvement")

        let digest = try await Self.cli(["digest", "--since", "1h", "--json"], b)
        let results = try digest.json()["results"] as? [[String: Any]] ?? []
        #expect(results.contains { $0["short_id"] as? String == measure }, "b's digest reports a's improvement: \(digest)")
    }

    /// Issue 11: "A negative value was accepted for a count". The daemon refuses what a measure's
    /// kind cannot take (through the CLI and straight over the socket), says which values it
    /// takes, and changes nothing; limits below a count's zero are drawn at zero and say so.
    @Test func aMeasuresKindBoundsItsValuesAndLimits() async throws {
        let (cluster, a) = try await DaemonCluster.single("kinds")
        defer { cluster.shutdown() }
        try a.submit("Protected lunch breaks")
        let idea = "\(a.short)-1"
        let lunches = try Self.written(try await Self.cli(
            ["measure", "define", idea, "--name", "Interrupted lunches per week", "--unit", "lunches", "--better", "lower", "--kind", "count", "--json"], a))
        for (i, value) in [1.0, 0, 2, 0, 1, 0].enumerated() {
            try await Self.cli(["measure", "record", lunches, String(value), "--date", String(format: "2026-10-%02d", i + 1)], a)
        }

        let ops = try a.opCount()
        let negative = try await CLI.run(["measure", "record", lunches, "--socket", a.controlSocket, "--", "-2"], socket: nil)
        #expect(negative.status == 1, "\(negative)")
        #expect(negative.stderr.contains("-2 is not allowed for \"Interrupted lunches per week\", a count measure: it takes whole numbers 0 or more"), "\(negative)")
        let fraction = try await CLI.run(["measure", "record", lunches, "2.5"], socket: a.controlSocket)
        #expect(fraction.status == 1 && fraction.stderr.contains("whole numbers"), "\(fraction)")
        // Not only the CLI: the daemon itself refuses.
        #expect(throws: (any Error).self) { try a.call("measure.record", ["measure": lunches, "value": -1]) }
        let badKind = try await CLI.run(["measure", "define", idea, "--name", "x", "--unit", "y", "--better", "lower", "--kind", "ratio"], socket: a.controlSocket)
        #expect(badKind.status == 1 && badKind.stderr.contains("proportion"), "\(badKind)")
        let badTarget = try await CLI.run(
            ["measure", "define", idea, "--name", "Screened", "--unit", "%", "--better", "higher", "--kind", "proportion", "--target", "120"], socket: a.controlSocket)
        #expect(badTarget.status == 1 && badTarget.stderr.contains("0 to 100"), "\(badTarget)")
        #expect(throws: (any Error).self) {
            try a.call("measure.define", ["idea": idea, "name": "Screened", "unit": "%", "better": "higher", "kind": "proportion", "target": 120])
        }
        #expect(try a.opCount() == ops, "refused writes change nothing")

        let screened = try Self.written(try await Self.cli(
            ["measure", "define", idea, "--name", "Screened", "--unit", "%", "--better", "higher", "--kind", "proportion", "--json"], a))
        let over = try await CLI.run(["measure", "record", screened, "100.5"], socket: a.controlSocket)
        #expect(over.status == 1 && over.stderr.contains("a proportion measure: it takes percentages from 0 to 100"), "\(over)")
        try await Self.cli(["measure", "record", screened, "100"], a)

        let list = try await Self.cli(["measure", "list", idea, "--json"], a)
        let kinds = (try list.json()["measures"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        #expect(kinds == ["count", "proportion"], "\(list)")
        let shown = try await Self.cli(["measure", "show", lunches], a)
        #expect(shown.stdout.contains("count (whole numbers 0 or more)"), "\(shown)")
        let detail = try await Self.cli(["show", idea, "--json"], a)
        #expect((try detail.json()["measures"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["count", "proportion"], "\(detail)")

        // 1, 0, 2, 0, 1, 0: mean 0.667, mean MR 1.4, lower limit −3.06: drawn at 0 (issue 11: "Lower
        // limits below zero for counts").
        let chart = try await Self.cli(["measure", "chart", lunches, "--json"], a)
        let segment = ((try chart.json()["xmr"] as? [String: Any])?["segments"] as? [[String: Any]])?.first ?? [:]
        #expect(segment["lower"] as? Double == 0 && segment["lower_two_sigma"] as? Double == 0, "\(chart)")
        #expect(((segment["lower_computed"] as? Double) ?? 0) < -3, "\(chart)")
        let text = try await Self.cli(["measure", "chart", lunches], a)
        #expect(text.stdout.contains("floored at 0") && text.stdout.contains("the least a count can be"), "\(text)")
        #expect(!text.stdout.contains("-3.06 to") && !text.stdout.contains("−3.06 to"), "\(text)")
    }

    /// Issue 11: "An unknown measure id says 'is not an idea id'". Every measure command names what
    /// it expected and where the ids are listed.
    @Test func unknownMeasureIdsSayWhatToDo() async throws {
        let (cluster, a) = try await DaemonCluster.single("ids")
        defer { cluster.shutdown() }
        try a.submit("Protected lunch breaks")
        let ops = try a.opCount()
        for arguments in [["measure", "record", "lunches", "3"], ["measure", "show", "lunches"], ["measure", "chart", "lunches"],
                          ["measure", "chart", "lunches", "--compare"]] {
            let run = try await CLI.run(arguments, socket: a.controlSocket)
            #expect(run.status == 1 && run.stderr.contains("\"lunches\" is not a measure id"), "\(run)")
            #expect(run.stderr.contains("ideamesh measure list IDEA"), "\(run)")
            #expect(!run.stderr.contains("idea id"), "\(run)")
        }
        for arguments in [["measure", "record", "\(a.short)-99", "3"], ["measure", "show", "\(a.short)-99"],
                          ["measure", "chart", "\(a.short)-99"], ["measure", "chart", "\(a.short)-99", "--compare"],
                          ["measure", "record", "zzzz-3", "3"]] {
            let run = try await CLI.run(arguments, socket: a.controlSocket)
            #expect(run.status == 1 && run.stderr.contains("no measure") && run.stderr.contains("ideamesh measure list IDEA"), "\(run)")
            #expect(!run.stderr.contains("ideamesh search"), "the hint is about measures, not ideas: \(run)")
        }
        let retract = try await CLI.run(["measure", "retract", "oops"], socket: a.controlSocket)
        #expect(retract.status == 1 && retract.stderr.contains("not an observation id") && retract.stderr.contains("measure show"), "\(retract)")
        #expect(try a.opCount() == ops, "nothing written")
    }

    /// The new idea's id from "Adopted X here as Y." (the first line).
    static func adoptedID(_ run: CLI.Run) throws -> String {
        let words = run.stdout.split(separator: "\n").first?.split(separator: " ") ?? []
        guard words.count == 5, words[0] == "Adopted" else { throw HarnessError("not an adoption: \(run)") }
        return String(words[4].dropLast())
    }

    /// Adoption copies the measure definitions only when asked: --no-copy-measures, or no flag and no
    /// terminal, copy nothing and say so.
    @Test func adoptionCopiesMeasuresOnlyWhenAsked() async throws {
        let (cluster, a, b) = try await MeshEndToEndTests.pair("adoptcopy")
        defer { cluster.shutdown() }
        // Three ideas with the same two measures: one adoption of each (a department adopts an idea once).
        var ideas = [String]()
        for title in ["Protected lunch breaks", "Quiet hour after lunch", "Lunch cover rota", "Lunch rota board", "Lunch bleep holder"] {
            let idea = try a.submit(title)
            ideas.append(idea)
            try await Self.cli(["measure", "define", idea, "--name", "Interrupted lunches", "--unit", "lunches", "--better", "lower", "--kind", "count"], a)
            try await Self.cli(["measure", "define", idea, "--name", "Minutes of break", "--unit", "min", "--better", "higher", "--target", "30", "--kind", "time"], a)
        }
        try await cluster.eventually("a and b hold the same state") { try MeshEndToEndTests.sameState(a, b) }

        let plain = try await Self.cli(["adopt", ideas[0]], b)
        #expect(plain.stdout.contains("2 measures were not copied") && plain.stdout.contains("--copy-measures"), "\(plain)")
        let none = try await Self.cli(["adopt", ideas[1], "--no-copy-measures", "--json"], b)
        #expect((try none.json()["measures"] as? [Any])?.isEmpty == true, "\(none)")
        for copy in [plain, none] {
            let id = try copy.stdout.contains("{") ? Self.written(copy) : Self.adoptedID(copy)
            let listed = try await Self.cli(["measure", "list", id, "--json"], b)
            #expect((try listed.json()["measures"] as? [Any])?.isEmpty == true, "\(listed)")
        }

        let copied = try await Self.cli(["adopt", ideas[2], "--copy-measures"], b)
        #expect(copied.stdout.contains("(Interrupted lunches)") && copied.stdout.contains("(Minutes of break)"), "\(copied)")
        let copyID = try Self.adoptedID(copied)
        let listed = try await Self.cli(["measure", "list", copyID, "--json"], b)
        let measures = try listed.json()["measures"] as? [[String: Any]] ?? []
        #expect(measures.map { "\($0["name"] ?? "") \($0["unit"] ?? "") \($0["better"] ?? "") \($0["kind"] ?? "") \($0["target"] ?? "-")" }
            == ["Interrupted lunches lunches lower count -", "Minutes of break min higher time 30"], "\(listed)")

        // On a terminal, with no flag, adopt asks: Enter copies, "n" does not.
        for (idea, answer, copies) in [(ideas[3], "\n", 2), (ideas[4], "n\n", 0)] {
            let asked = try await CLI.runOnTerminal(["adopt", idea], socket: b.controlSocket, input: answer)
            #expect(asked.status == 0 && asked.stdout.contains("Define the same on your copy"), "\(asked)")
            #expect(asked.stdout.contains("Interrupted lunches (lunches, lower is better, count)"), "\(asked)")
            // The terminal shows the prompt, then (on its line) "Adopted X here as Y."
            let copyOf = asked.stdout.components(separatedBy: " here as ").dropFirst().first?
                .prefix { $0 != "." && !$0.isWhitespace }.description ?? ""
            let copied = try await Self.cli(["measure", "list", copyOf, "--json"], b)
            #expect((try copied.json()["measures"] as? [Any])?.count == copies, "\(answer.debugDescription): \(asked) \(copied)")
        }
    }

    /// Issue 11, through the daemon and the CLI: six points signal nothing on the run chart and say
    /// why; `--rules anhoej` applies Anhøj's two rules only, with no IHI shift beside them.
    @Test func runChartRulesAreHonestThroughTheCLI() async throws {
        let (cluster, a) = try await DaemonCluster.single("runrules")
        defer { cluster.shutdown() }
        try a.submit("Red tabards on the medication round")
        let idea = "\(a.short)-1"
        let rising = try Self.written(try await Self.cli(
            ["measure", "define", idea, "--name", "Rounds on time", "--unit", "%", "--better", "higher", "--kind", "proportion", "--json"], a))
        for (i, value) in [50.0, 55, 60, 65, 70, 75].enumerated() {
            try await Self.cli(["measure", "record", rising, String(value), "--date", String(format: "2026-10-%02d", i + 1)], a)
        }
        for rules in ["ihi", "anhoej"] {
            let json = try await Self.cli(["measure", "chart", rising, "--run", "--rules", rules, "--json"], a)
            let run = try json.json()["run"] as? [String: Any] ?? [:]
            #expect(run["signal"] as? Bool == false && run["too_few_points"] as? Bool == true, "\(json)")
            #expect((run["trends"] as? [Any])?.isEmpty == true && (run["shifts"] as? [Any])?.isEmpty == true, "\(json)")
            let text = try await Self.cli(["measure", "chart", rising, "--run", "--rules", rules], a)
            #expect(text.stdout.contains("Too few points") && !text.stdout.contains("Non-random"), "\(text)")
            // A run chart has no limits: no note about trial limits, nor about limits drawn at a bound.
            #expect(!text.stdout.contains("trial limits") && !text.stdout.contains("drawn at"), "\(text)")
        }
        // The XmR chart of the same six points has trial limits, and says so.
        let xmr = try await Self.cli(["measure", "chart", rising], a)
        #expect(xmr.stdout.contains("trial limits"), "\(xmr)")

        // The 22 interruptions: median 8, three points on it dropped, n = 19: nine above, then ten below.
        // Anhøj: longest run 10 > round(log2 19) + 3 = 7, 1 crossing < qbinom(0.05, 18, ½) = 6: a signal
        // by both rules, and no shift or trend reported.
        let measure = try Self.written(try await Self.cli(
            ["measure", "define", idea, "--name", "Interruptions per round", "--unit", "count", "--better", "lower", "--kind", "count", "--json"], a))
        for (date, value) in Self.interruptions {
            try await Self.cli(["measure", "record", measure, String(value), "--date", date], a)
        }
        let json = try await Self.cli(["measure", "chart", measure, "--run", "--rules", "anhoej", "--json"], a)
        let run = try json.json()["run"] as? [String: Any] ?? [:]
        #expect(run["longest_run_limit"] as? Int == 7 && run["crossings_limit"] as? Int == 6, "\(json)")
        #expect(run["useful_observations"] as? Int == 19, "\(json)")
        #expect(run["longest_run"] as? Int == 10 && run["crossings"] as? Int == 1 && run["signal"] as? Bool == true, "\(json)")
        #expect((run["shifts"] as? [Any])?.isEmpty == true && (run["trends"] as? [Any])?.isEmpty == true && run["runs_lower"] == nil, "\(json)")
        let text = try await Self.cli(["measure", "chart", measure, "--run", "--rules", "anhoej"], a)
        #expect(!text.stdout.lowercased().contains("shift") && text.stdout.contains("Longest run: 10 (a signal if longer than 7: it is)"), "\(text)")
        let ihi = try await Self.cli(["measure", "chart", measure, "--run", "--json"], a)
        #expect(((try ihi.json()["run"] as? [String: Any])?["shifts"] as? [Any])?.count == 2, "IHI sees the two shifts: \(ihi)")
    }
}
