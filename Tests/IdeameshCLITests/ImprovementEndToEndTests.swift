import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MeshClient
import Testing

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
            ["measure", "define", idea, "--name", "Interruptions per round", "--unit", "count", "--better", "lower", "--target", "3", "--json"], a))
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

        // b adopts the idea and measures it too, from its adoption on.
        let adopted = try await Self.cli(["adopt", idea, "--json"], b)
        let copy = try Self.written(adopted)
        let theirs = try Self.written(try await Self.cli(
            ["measure", "define", copy, "--name", "interruptions per round", "--unit", "count", "--better", "lower", "--json"], b))
        for (i, value) in [12.0, 11, 13, 12, 8, 7, 7, 6].enumerated() {
            try await Self.cli(["measure", "record", theirs, String(value), "--date", String(format: "2026-11-%02d", i + 1)], b)
        }
        try await cluster.eventually("a and b hold the same state") { try MeshEndToEndTests.sameState(a, b) }

        let compare = try await Self.cli(["measure", "chart", measure, "--compare", "--json"], a)
        let series = try compare.json()["series"] as? [[String: Any]] ?? []
        #expect(series.count == 2, "\(compare)")
        #expect(series.compactMap { ($0["measure"] as? [String: Any])?["department"] as? String } == ["Renal Ward", "Cardiology"], "\(compare)")
        #expect(series.allSatisfy { $0["split_date"] is String }, "each series is split at its start date")
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
}
