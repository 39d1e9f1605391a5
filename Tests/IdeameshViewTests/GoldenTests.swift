import Foundation
import MeshClient
import MeshControl
import MeshModel
import Testing
@testable import ideamesh
@testable import MeshCharts

/// Golden tests: the help of every command, from the real binary, and the human output of every
/// view, from fixed replies (Support/Fixtures.swift) at a fixed time, time zone and width.
struct GoldenTests {
    /// Every command path, as typed after `ideamesh` (the demo's own help is its tests' business).
    static let commands: [[String]] = [
        [], ["submit"], ["list"], ["show"], ["search"], ["support"], ["unsupport"],
        ["comment"], ["comment", "add"], ["comment", "edit"], ["comment", "retract"],
        ["status"], ["link"], ["adopt"], ["edit"], ["mine"], ["name"], ["people"], ["roles"], ["role"], ["workflow"], ["workflow", "set"], ["themes"], ["theme"], ["theme", "add"], ["theme", "archive"],
        ["digest"], ["export"], ["import"],
        ["pdsa"], ["pdsa", "start"], ["pdsa", "do"], ["pdsa", "study"], ["pdsa", "act"],
        ["measure"], ["measure", "define"], ["measure", "record"], ["measure", "retract"], ["measure", "list"],
        ["measure", "show"], ["measure", "chart"], ["spread"],
        ["admin"], ["admin", "status"], ["admin", "peers"], ["admin", "replication"], ["admin", "where"],
        ["admin", "conflicts"], ["admin", "forks"], ["admin", "forks", "list"], ["admin", "forks", "resolve"],
        ["admin", "trust"], ["admin", "trust", "list"], ["admin", "trust", "add"], ["admin", "trust", "remove"],
        ["admin", "verify"], ["admin", "digest"], ["admin", "metrics"], ["admin", "backup"], ["admin", "resume-writes"],
    ]

    @Test(arguments: commands)
    func help(_ command: [String]) async throws {
        let run = try await HelpRun.run(command + ["--help"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
        Golden.check(run.stdout, "help/\((["ideamesh"] + command).joined(separator: "-")).txt")
    }

    static let utc = TimeZone(identifier: "UTC")!

    static func context(width: Int = 80, color: Bool = false) -> RenderContext {
        RenderContext(width: width, style: TextStyle(enabled: color), nowMs: Fixtures.nowMs, timeZone: utc)
    }

    @Test func staffViews() throws {
        let list = try Fixtures.decode(IdeaList.self, Fixtures.list)
        Golden.check(IdeaListView.render(list, context: Self.context(), filtered: false), "views/list-80.txt")
        Golden.check(IdeaListView.render(list, context: Self.context(width: 56), filtered: false), "views/list-56.txt")
        Golden.check(IdeaListView.render(list, context: Self.context(width: 140), filtered: false), "views/list-140.txt")
        Golden.check(IdeaListView.render(list, context: Self.context(color: true), filtered: false), "views/list-80-color.txt")
        Golden.check(IdeaListView.render(try Fixtures.decode(IdeaList.self, #"{"total": 0, "ideas": []}"#), context: Self.context(), filtered: true), "views/list-empty.txt")

        let show = try Fixtures.decode(IdeaDetail.self, Fixtures.show)
        Golden.check(IdeaDetailView.render(show, context: Self.context()), "views/show-80.txt")
        Golden.check(IdeaDetailView.render(show, context: Self.context(width: 50)), "views/show-50.txt")
        Golden.check(IdeaDetailView.render(try Fixtures.decode(IdeaDetail.self, Fixtures.showAnonymous), context: Self.context()), "views/show-anonymous.txt")

        let search = try Fixtures.decode(SearchResults.self, Fixtures.search)
        Golden.check(SearchView.render(search, query: "insulin", context: Self.context()), "views/search-80.txt")
        Golden.check(SearchView.render(search, query: "insulin", context: Self.context(color: true)), "views/search-80-color.txt")

        let digest = try Fixtures.decode(DigestReport.self, Fixtures.digest)
        Golden.check(DigestView.render(digest, since: "2026-11-17 12:00", context: Self.context()), "views/digest-80.txt")

        Golden.check(ThemesView.render(try Fixtures.decode(ThemeList.self, Fixtures.themes), context: Self.context()), "views/themes-80.txt")

        let measures = try Fixtures.decode(MeasureList.self, Fixtures.measures).measures
        Golden.check(MeasureViews.list(measures, context: Self.context()), "views/measure-list-80.txt")
        Golden.check(MeasureViews.list(measures, context: Self.context(width: 120, color: true)), "views/measure-list-120-color.txt")
        Golden.check(MeasureViews.list([], context: Self.context()), "views/measure-list-empty.txt")
        let spread = try Fixtures.decode(SpreadReport.self, Fixtures.spread)
        Golden.check(MeasureViews.spread(spread, context: Self.context()), "views/spread-80.txt")
        Golden.check(MeasureViews.spread(spread, context: Self.context(width: 50)), "views/spread-50.txt")
    }

    @Test func adminViews() throws {
        let context = Self.context()
        Golden.check(AdminViews.status(try Fixtures.decode(AdminStatus.self, Fixtures.adminStatus), context: context), "views/admin-status.txt")
        Golden.check(
            AdminViews.status(try Fixtures.decode(AdminStatus.self, Fixtures.adminStatusPaused), context: context), "views/admin-status-paused.txt")
        Golden.check(
            AdminViews.status(try Fixtures.decode(AdminStatus.self, Fixtures.adminStatusHeld), context: context), "views/admin-status-held.txt")
        Golden.check(AdminViews.peers(try Fixtures.decode(PeersReport.self, Fixtures.peers), context: context), "views/admin-peers-80.txt")
        Golden.check(AdminViews.peers(try Fixtures.decode(PeersReport.self, Fixtures.peers), context: Self.context(width: 140)), "views/admin-peers-140.txt")
        Golden.check(AdminViews.replication(try Fixtures.decode(ReplicationReport.self, Fixtures.replication), context: context), "views/admin-replication.txt")
        Golden.check(AdminViews.whereIs(try Fixtures.decode(WhereReport.self, Fixtures.whereIs), context: context), "views/admin-where.txt")
        Golden.check(AdminViews.conflicts(try Fixtures.decode(ConflictsReport.self, Fixtures.conflicts), context: context), "views/admin-conflicts.txt")
        Golden.check(AdminViews.forks(try Fixtures.decode(ForksReport.self, Fixtures.forks), context: context), "views/admin-forks.txt")
        Golden.check(AdminViews.trust(try Fixtures.decode(TrustList.self, Fixtures.trust), context: context), "views/admin-trust.txt")
        Golden.check(
            AdminViews.verify(try Fixtures.decode(VerifyResult.self, Fixtures.verifyEqual), context: context)
                + AdminViews.verify(try Fixtures.decode(VerifyResult.self, Fixtures.verifyDifferent), context: context),
            "views/admin-verify.txt")
        Golden.check(AdminViews.digest(try Fixtures.decode(StateDigest.self, Fixtures.stateDigest), context: context), "views/admin-digest.txt")
    }

    /// What a nurse reads when the daemon finds text that looks like patient data: one finding
    /// in the sentence, several as a list, each with where it is.
    @Test func patientDataView() throws {
        struct Refusal: Decodable { let findings: [FlaggedText] }
        let findings = try Fixtures.decode(Refusal.self, Fixtures.patientData).findings
        Golden.check(PatientDataView.render(Array(findings.prefix(1))) + "\n", "views/patient-data-one.txt")
        Golden.check(
            PatientDataView.render(findings) + "\n\(PatientDataView.askNote)\n\(PatientDataView.question)\n", "views/patient-data-several.txt")
        let content = IdeaContent(title: "t", problem: "p", solution: "s", theme: "")
        let rows = [IdeaCSV.Row(line: 2, content: content), IdeaCSV.Row(line: 5, content: content)]
        let imported = Array(findings.suffix(1))
        Golden.check(
            PatientDataView.render(imported, place: { ImportCommand.place($0, rows: rows, file: "ideas.csv") }) + "\n"
                + PatientDataView.render(imported, place: { ImportCommand.place($0, rows: [], file: "ideas.csv") }) + "\n",
            "views/patient-data-import.txt")
    }

    /// Every line of every view fits the width it was given (the tables' contract).
    @Test(arguments: [50, 60, 80, 120])
    func viewsFitTheirWidth(width: Int) throws {
        let context = Self.context(width: width)
        let texts = [
            IdeaListView.render(try Fixtures.decode(IdeaList.self, Fixtures.list), context: context, filtered: false),
            IdeaDetailView.render(try Fixtures.decode(IdeaDetail.self, Fixtures.show), context: context),
            SearchView.render(try Fixtures.decode(SearchResults.self, Fixtures.search), query: "insulin", context: context),
            DigestView.render(try Fixtures.decode(DigestReport.self, Fixtures.digest), since: "x", context: context),
            ThemesView.render(try Fixtures.decode(ThemeList.self, Fixtures.themes), context: context),
            AdminViews.whereIs(try Fixtures.decode(WhereReport.self, Fixtures.whereIs), context: context),
            AdminViews.conflicts(try Fixtures.decode(ConflictsReport.self, Fixtures.conflicts), context: context),
            IdeaDetailView.render(try Fixtures.decode(IdeaDetail.self, Fixtures.showAnonymous), context: context),
            MeasureViews.list(try Fixtures.decode(MeasureList.self, Fixtures.measures).measures, context: context),
            MeasureViews.spread(try Fixtures.decode(SpreadReport.self, Fixtures.spread), context: context),
        ]
        for text in texts {
            for line in text.split(separator: "\n") {
                #expect(TextWidth.of(String(line)) <= width, "\(width): \(line)")
            }
        }
    }
}
