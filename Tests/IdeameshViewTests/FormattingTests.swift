import Foundation
import MeshControl
import MeshModel
import Testing
@testable import ideamesh
@testable import MeshCharts

/// The pure pieces of the CLI: widths, tables, times, CSV, progress, and how errors map to what
/// a person sees and to exit statuses.
struct FormattingTests {
    // MARK: Text width and tables

    @Test func textWidthCountsWideAndCombiningCharacters() {
        #expect(TextWidth.of("abc") == 3)
        #expect(TextWidth.of("病棟") == 4, "CJK takes two columns each")
        #expect(TextWidth.of("e\u{301}") == 1, "a combining accent takes none")
        #expect(TextWidth.truncate("Double-check insulin", to: 10) == "Double-ch…")
        #expect(TextWidth.of(TextWidth.truncate("病棟の改善アイデア", to: 7)) <= 7)
        #expect(TextWidth.truncate("short", to: 10) == "short")
        #expect(TextWidth.singleLine("a\nb\tc\u{1B}[31m") == "a b c [31m", "no newline or escape gets into a table")
    }

    @Test func aTableFitsTheWidthByCuttingItsFlexibleColumns() {
        var table = Table([.fixed("ID"), .flexible("TITLE", min: 8), .fixed("N", .right)])
        table.append(["k3v9x2b7qa-12", "A very long title that cannot possibly fit in a narrow terminal", "4"])
        table.append(["k3v9x2b7qa-3", "Short", "12"])
        let wide = table.render(width: 200, style: .plain)
        #expect(wide.contains("A very long title that cannot possibly fit in a narrow terminal"))
        for width in [40, 30, 27] {
            let text = table.render(width: width, style: .plain)
            for line in text.split(separator: "\n") {
                #expect(TextWidth.of(String(line)) <= width, "width \(width): \(line)")
            }
            #expect(text.contains("k3v9x2b7qa-12"), "ids are never cut")
            #expect(text.contains("…"))
        }
        // Below the flexible columns' minimum, the table overflows rather than cut an id.
        let narrow = table.render(width: 10, style: .plain)
        #expect(narrow.contains("k3v9x2b7qa-12"))
        // Right-aligned numbers, no trailing spaces.
        let lines = table.render(width: 200, style: .plain).split(separator: "\n")
        #expect(lines[1].hasSuffix(" 4") && lines[2].hasSuffix("12"))
        #expect(lines.allSatisfy { !$0.hasSuffix(" ") })
    }

    @Test func colourIsOnlyAddedWhenEnabledAndNeverCountsTowardsWidth() {
        var table = Table([.fixed("STATUS"), .flexible("TITLE")])
        table.append([Table.Cell("testing", .cyan), "Title"])
        let plain = table.render(width: 80, style: .plain)
        let painted = table.render(width: 80, style: .color)
        #expect(!plain.contains("\u{1B}"))
        #expect(painted.contains("\u{1B}[36mtesting\u{1B}[0m"))
        let stripped = painted.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(stripped == plain)
    }

    @Test func terminalWidthAndColourFollowTheEnvironment() {
        #expect(Terminal.width(environment: ["COLUMNS": "120"], ioctlWidth: 90) == 120)
        #expect(Terminal.width(environment: [:], ioctlWidth: 90) == 90)
        #expect(Terminal.width(environment: ["COLUMNS": "x"], ioctlWidth: nil) == 80)
        #expect(Terminal.colorAllowed(stdoutIsTTY: true, environment: [:]))
        #expect(!Terminal.colorAllowed(stdoutIsTTY: false, environment: [:]))
        #expect(!Terminal.colorAllowed(stdoutIsTTY: true, environment: ["NO_COLOR": "1"]))
        #expect(Terminal.colorAllowed(stdoutIsTTY: true, environment: ["NO_COLOR": ""]), "an empty NO_COLOR does not count (no-color.org)")
        #expect(!Terminal.colorAllowed(stdoutIsTTY: true, environment: ["TERM": "dumb"]))
    }

    @Test func wrappingKeepsParagraphsAndCutsLongWords() {
        let lines = TextWrap.lines("one two three four five six\n\nseven " + String(repeating: "x", count: 25), width: 14, indent: "  ")
        #expect(lines == ["  one two", "  three four", "  five six", "", "  seven", "  xxxxxxxxxxxx", "  xxxxxxxxxxxx", "  x"])
    }

    // MARK: Times

    @Test func sinceAcceptsSpansAndDates() throws {
        let now = 1_800_000_000_000
        let utc = TimeZone(identifier: "UTC")!
        #expect(TimeSpec.parse("7d")?.resolve(nowMs: now, timeZone: utc) == now - 7 * 86_400_000)
        #expect(TimeSpec.parse("24h")?.resolve(nowMs: now, timeZone: utc) == now - 86_400_000)
        #expect(TimeSpec.parse("30m")?.resolve(nowMs: now, timeZone: utc) == now - 1_800_000)
        #expect(TimeSpec.parse("2w")?.resolve(nowMs: now, timeZone: utc) == now - 14 * 86_400_000)
        #expect(TimeSpec.parse("2026-11-01")?.resolve(nowMs: now, timeZone: utc) == 1_793_491_200_000)
        let paris = TimeZone(identifier: "Europe/Paris")!
        #expect(TimeSpec.parse("2026-11-01")?.resolve(nowMs: now, timeZone: paris) == 1_793_491_200_000 - 3_600_000, "a date is local midnight")
        #expect(TimeSpec.parse("2026-11-01T08:30")?.resolve(nowMs: now, timeZone: utc) == 1_793_491_200_000 + 30_600_000)
        // One parser of days for --since and --date: today and yesterday are local midnights.
        #expect(TimeSpec.parse("today")?.resolve(nowMs: now, timeZone: utc) == 1_799_971_200_000)
        #expect(TimeSpec.parse("Yesterday")?.resolve(nowMs: now, timeZone: utc) == 1_799_884_800_000)
        let nowDate = Date(timeIntervalSince1970: Double(now) / 1000)
        #expect(try DayArgument.parse("yesterday", now: nowDate, timeZone: utc).description == "2027-01-14")
        #expect(try DayArgument.parse("today", now: nowDate, timeZone: utc).description == "2027-01-15")
        for bad in ["", "7", "d", "7y", "-3d", "2026-02-30", "2026-13-01", "tomorrow", "todayT08:00", "2026-11-01T25:00"] {
            #expect(TimeSpec.parse(bad) == nil, "\(bad)")
        }
        #expect(throws: (any Error).self) { try TimeSpec.argument("soon") }
    }

    @Test func relativeTimesReadNaturally() {
        let now = 1_800_000_000_000
        let utc = TimeZone(identifier: "UTC")!
        #expect(TimeText.relative(now + 5_000, nowMs: now, timeZone: utc) == "just now")
        #expect(TimeText.relative(now - 5 * 60_000, nowMs: now, timeZone: utc) == "5m ago")
        #expect(TimeText.relative(now - 3 * 3_600_000, nowMs: now, timeZone: utc) == "3h ago")
        #expect(TimeText.relative(now - 2 * 86_400_000, nowMs: now, timeZone: utc) == "2d ago")
        #expect(TimeText.relative(now - 21 * 86_400_000, nowMs: now, timeZone: utc) == "3w ago")
        #expect(TimeText.relative(now - 100 * 86_400_000, nowMs: now, timeZone: utc) == "2026-10-07")
        #expect(TimeText.absolute(1_793_491_200_000, timeZone: utc) == "2026-11-01 00:00")
        #expect(TimeText.bytes(512) == "512 B" && TimeText.bytes(3 << 20) == "3.0 MiB")
        #expect(TimeText.duration(seconds: 3 * 86_400 + 7200) == "3d 2h")
    }

    // MARK: CSV

    @Test func csvFollowsRFC4180() throws {
        let text = "title,problem\r\nplain,\"with, comma\"\r\n\"with \"\"quotes\"\"\",\"two\nlines\"\n\nlast,\"\"\n"
        let records = try CSV.parse(text)
        #expect(records == [
            CSV.Record(fields: ["title", "problem"], line: 1),
            CSV.Record(fields: ["plain", "with, comma"], line: 2),
            CSV.Record(fields: ["with \"quotes\"", "two\nlines"], line: 3),
            CSV.Record(fields: ["last", ""], line: 6),
        ])
        // What the writer writes, the reader reads back.
        let rows = [["a", "b,c", "say \"hi\"", "x\r\ny", " padded ", ""], ["é", "病棟", "", "", "", "z"]]
        let written = rows.map(CSV.record).joined()
        #expect(try CSV.parse(written).map(\.fields) == rows)
        #expect(CSV.record(["plain", "a,b"]) == "plain,\"a,b\"\r\n")
        #expect(try CSV.parse("\u{FEFF}title\nx").map(\.fields) == [["title"], ["x"]], "a byte-order mark is ignored")
    }

    @Test func malformedCSVNamesTheLine() {
        #expect(throws: CSV.ParseError(line: 3, message: "a quoted field is never closed (a \" is missing)")) {
            try CSV.parse("a,b\nc,d\ne,\"never closed\nf,g\n")
        }
        #expect(throws: CSV.ParseError(line: 2, message: "text after a closing quote; inside quotes, write a quote as \"\"")) {
            try CSV.parse("a,b\n\"x\"y,z\n")
        }
        #expect(throws: CSV.ParseError(line: 2, message: "a quote inside an unquoted field; put the field in quotes and write the quote as \"\"")) {
            try CSV.parse("a,b\nx\"y,z\n")
        }
    }

    @Test func importRowsAreCheckedWithTheirLines() throws {
        let good = "title,problem,solution,theme,tags\nT1,P1,S1,meds,a; b\n\"T2\",\"P2\nstill P2\",S2,,\nT3,P3,S3,,\n"
        let rows = try IdeaCSV.rows(good)
        #expect(rows.map(\.line) == [2, 3, 5])
        #expect(rows[0].content == IdeaContent(title: "T1", problem: "P1", solution: "S1", theme: "meds", tags: ["a", "b"]))
        #expect(rows[1].content.problem == "P2\nstill P2")
        // Columns in another order, theme and tags left out.
        #expect(try IdeaCSV.rows("solution,title,problem\nS,T,P\n").map(\.content) == [IdeaContent(title: "T", problem: "P", solution: "S")])

        let bad = "title,problem,solution,theme,tags\nT1,P1,S1,,\n,P2,S2,,\nT3,P3\nT4,P4,S4,,\"\(Array(repeating: "t", count: 21).enumerated().map { "t\($0.offset)" }.joined(separator: ";"))\"\n"
        #expect(throws: IdeaCSV.Problems(items: [
            (3, "title: must not be empty"),
            (4, "2 fields where the header has 5"),
            (5, "tags: more than 20 tags"),
        ])) { try IdeaCSV.rows(bad) }
        #expect(throws: IdeaCSV.Problems(items: [(1, "unknown column \"colour\" in the header; the columns are title,problem,solution,theme,tags")])) {
            try IdeaCSV.rows("title,problem,solution,colour\nT,P,S,red\n")
        }
        #expect(throws: IdeaCSV.Problems(items: [(1, "no ideas after the header")])) { try IdeaCSV.rows("title,problem,solution\n") }
        #expect(throws: IdeaCSV.Problems.self) { try IdeaCSV.rows("") }
        let problems = IdeaCSV.Problems(items: (1...25).map { ($0, "bad") })
        #expect(problems.report(file: "f.csv").split(separator: "\n").count == 21)
        #expect(problems.report(file: "f.csv").hasSuffix("… and 5 more"))
    }

    @Test func theDaemonsRowNumberBecomesTheFilesLine() {
        let rows = [
            IdeaCSV.Row(line: 2, content: IdeaContent(title: "a", problem: "p", solution: "s")),
            IdeaCSV.Row(line: 5, content: IdeaContent(title: "b", problem: "p", solution: "s")),
        ]
        let refused = CLIError.refusal(method: "import", code: .invalid, message: "row 2: theme: unknown theme \"x\"", command: "ideamesh import")
        let mapped = ImportCommand.mapRowError(refused, rows: rows, file: "ideas.csv")
        #expect(mapped.message == "ideas.csv:5: theme: unknown theme \"x\"")
        #expect(mapped.exitCode == 1)
        #expect(mapped.hint?.hasPrefix("Nothing was imported.") == true)
    }

    // MARK: Progress

    @Test func theProgressBarFitsAndCounts() {
        let line = ProgressBar.line(label: "Importing", done: 50, total: 200, width: 60)
        #expect(line.count <= 60)
        #expect(line.hasSuffix(" 25%  50/200"))
        #expect(line.contains("[#"))
        #expect(ProgressBar.line(label: "x", done: 0, total: 0, width: 40).contains("100%"))
    }

    // MARK: Errors and exit statuses

    @Test func errorsMapToExitStatusesWithWhatToDo() {
        let unreachable = CLIError.from(.unreachable(path: "/run/x.sock", reason: .noSocket), command: "ideamesh list")
        #expect(unreachable.exitCode == 2)
        #expect(unreachable.description == """
            Error: cannot reach ideameshd at /run/x.sock: there is no socket there. Is it running? Start it with \
            `ideameshd run --data DIR` (or `systemctl start ideameshd`), or point --socket / IDEAMESH_SOCKET at its control socket.
            """)
        let stale = CLIError.from(.unreachable(path: "/run/x.sock", reason: .refused), command: "ideamesh list")
        #expect(stale.exitCode == 2 && stale.message.contains("connection refused") && !stale.description.contains("Is it running?"))
        let denied = CLIError.from(.unreachable(path: "/run/x.sock", reason: .permissionDenied(group: "ward-staff")), command: "ideamesh list")
        #expect(denied.exitCode == 2 && denied.message.contains("permission denied (you are not in group ward-staff"))
        #expect(denied.hint?.contains("staff_group") == true && !denied.description.contains("Is it running?"))
        let hidden = CLIError.from(.unreachable(path: "/var/lib/x/control.sock", reason: .permissionDenied(group: nil)), command: "ideamesh list")
        #expect(hidden.exitCode == 2 && hidden.message.contains("lets no other user in") && hidden.hint?.contains("/run/ideamesh") == true)
        for code in [ControlErrorCode.forbidden, .invalid, .notFound, .badRequest, .unavailable, .unknownMethod] {
            let error = CLIError.from(.refused(method: "admin.status", code: code, message: "the daemon's words"), command: "ideamesh admin status")
            #expect(error.exitCode == 1, "\(code)")
            #expect(error.message.contains("the daemon's words"), "\(code)")
            #expect(error.hint != nil, "\(code) comes with a hint")
        }
        #expect(CLIError.from(.refused(method: "admin.peers", code: .forbidden, message: "m"), command: "c").hint?.contains("admin_users") == true)
        #expect(CLIError.from(.timedOut(path: "p"), command: "c").exitCode == 2)
        #expect(CLIError.from(.connectionLost(path: "p", reason: "r"), command: "c").exitCode == 2)
    }

    @Test func theSocketComesFromTheFlagThenTheEnvironment() throws {
        let none = try ClientOptions.parse([])
        #expect(none.socketPath(environment: [:]) == "/run/ideamesh/control.sock")
        #expect(none.socketPath(environment: ["IDEAMESH_SOCKET": "/tmp/e.sock"]) == "/tmp/e.sock")
        let flag = try ClientOptions.parse(["--socket", "/tmp/f.sock"])
        #expect(flag.socketPath(environment: ["IDEAMESH_SOCKET": "/tmp/e.sock"]) == "/tmp/f.sock")
    }

    /// `adopt` copies the idea's measures when the flag says so, asks when there is a terminal to
    /// ask on and no flag, and otherwise copies nothing; with no measures there is nothing to ask.
    @Test func adoptionCopiesMeasuresByFlagElseAsksOnATerminal() throws {
        #expect(MeasureCopy.decide(flag: true, measures: 2, canAsk: false) == .copy)
        #expect(MeasureCopy.decide(flag: false, measures: 2, canAsk: true) == .skip)
        #expect(MeasureCopy.decide(flag: nil, measures: 2, canAsk: true) == .ask)
        #expect(MeasureCopy.decide(flag: nil, measures: 2, canAsk: false) == .skip)
        #expect(MeasureCopy.decide(flag: true, measures: 0, canAsk: true) == .skip)
        #expect(try AdoptCommand.parse(["k3v9-1", "--copy-measures"]).copyMeasures == true)
        #expect(try AdoptCommand.parse(["k3v9-1", "--no-copy-measures"]).copyMeasures == false)
        #expect(try AdoptCommand.parse(["k3v9-1"]).copyMeasures == nil)
    }
}
