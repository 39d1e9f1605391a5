import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MeshClient
import MeshControl
import Testing
@testable import ideamesh
@testable import MeshCharts

/// The chart views of `measure chart`: golden output, and properties that hold for any reply
/// (never wider than the terminal, one mark per point with the right signal, valid and escaped SVG).
struct ChartViewTests {
    static func context(width: Int = 80, color: Bool = false) -> RenderContext {
        RenderContext(width: width, style: TextStyle(enabled: color), nowMs: Fixtures.nowMs, timeZone: GoldenTests.utc)
    }

    // MARK: Golden output

    @Test func terminalGoldens() throws {
        let xmr = try ChartFixtures.chart(ChartFixtures.xmr)
        Golden.check(ChartView.render(xmr, kind: .xmr, context: Self.context()), "views/chart-xmr-80.txt")
        Golden.check(ChartView.render(xmr, kind: .xmr, context: Self.context(width: 40)), "views/chart-xmr-40.txt")
        Golden.check(ChartView.render(xmr, kind: .xmr, context: Self.context(color: true)), "views/chart-xmr-80-color.txt")
        Golden.check(ChartView.render(xmr, kind: .run, context: Self.context()), "views/chart-xmr-as-run-80.txt")

        let run = try ChartFixtures.chart(ChartFixtures.runAnhoej)
        Golden.check(ChartView.render(run, kind: .run, context: Self.context()), "views/chart-run-80.txt")
        Golden.check(ChartView.render(run, kind: .run, context: Self.context(width: 40)), "views/chart-run-40.txt")

        Golden.check(ChartView.render(try ChartFixtures.chart(ChartFixtures.onePoint), kind: .xmr, context: Self.context()), "views/chart-one-point.txt")
        Golden.check(ChartView.render(try ChartFixtures.chart(ChartFixtures.noPoints), kind: .xmr, context: Self.context()), "views/chart-no-points.txt")
        Golden.check(ChartView.render(try ChartFixtures.chart(ChartFixtures.allEqual), kind: .xmr, context: Self.context()), "views/chart-all-equal.txt")

        let negative = try ChartFixtures.chart(ChartFixtures.synthetic([-5, -3.25, -8, -40, -4.5, -6, -2, -7], target: -3))
        Golden.check(ChartView.render(negative, kind: .xmr, context: Self.context(width: 60), height: 8), "views/chart-negative-60.txt")
        let huge = try ChartFixtures.chart(ChartFixtures.synthetic([1.2e12, 3.4e12, 2.2e12, 9.9e12, 1.1e12, 2.5e12], target: 5e12))
        Golden.check(ChartView.render(huge, kind: .xmr, context: Self.context(width: 60), height: 8), "views/chart-huge-60.txt")
        let many = try ChartFixtures.chart(ChartFixtures.synthetic((0..<60).map { 20 + 4 * sin(Double($0) / 4) }))
        Golden.check(ChartView.render(many, kind: .xmr, context: Self.context(width: 50), height: 6), "views/chart-many-50.txt")

        let comparison = try ChartFixtures.comparison(ChartFixtures.comparison)
        Golden.check(ChartView.compare(comparison, kind: .xmr, context: Self.context()), "views/chart-compare-80.txt")
        Golden.check(ChartView.compare(comparison, kind: .xmr, context: Self.context(width: 140)), "views/chart-compare-140.txt")
        Golden.check(ChartView.compare(comparison, kind: .xmr, context: Self.context(width: 140, color: true)), "views/chart-compare-140-color.txt")
    }

    @Test func svgGoldens() throws {
        Golden.check(ChartSVG.render(try ChartFixtures.chart(ChartFixtures.xmr), kind: .xmr), "views/chart-xmr.svg")
        Golden.check(ChartSVG.render(try ChartFixtures.chart(ChartFixtures.runAnhoej), kind: .run), "views/chart-run.svg")
        Golden.check(ChartSVG.compare(try ChartFixtures.comparison(ChartFixtures.comparison), kind: .xmr), "views/chart-compare.svg")
        // Issue 11: "The --compare SVG for one department is 490 px wide with its title and footnote
        // cut": every panel count is legible (rendered to PNG and looked at when these change).
        for departments in [1, 2, 6] {
            Golden.check(
                ChartSVG.compare(try ChartFixtures.comparison(departments: departments), kind: .xmr),
                "views/chart-compare-\(departments).svg")
        }
    }

    // MARK: Properties

    /// Every fixture, with awkward numbers among them.
    static func allCharts() throws -> [(name: String, chart: MeasureChart)] {
        let wave = (0..<200).map { 50 + 10 * sin(Double($0) / 3) + Double($0 % 7) }
        return try [
            ("xmr", ChartFixtures.chart(ChartFixtures.xmr)),
            ("run", ChartFixtures.chart(ChartFixtures.runAnhoej)),
            ("one", ChartFixtures.chart(ChartFixtures.onePoint)),
            ("none", ChartFixtures.chart(ChartFixtures.noPoints)),
            ("equal", ChartFixtures.chart(ChartFixtures.allEqual)),
            ("negative", ChartFixtures.chart(ChartFixtures.synthetic([-5, -3.25, -8, -40, -4.5, -6, -2, -7], target: -3))),
            ("mixed", ChartFixtures.chart(ChartFixtures.synthetic([-0.5, 0.25, 0, 1.75, -1.5, 0.5, -0.25], better: "higher"))),
            ("huge", ChartFixtures.chart(ChartFixtures.synthetic([1.2e12, 3.4e12, 2.2e12, 9.9e12, 1.1e12, 2.5e12], target: 5e12))),
            ("tiny", ChartFixtures.chart(ChartFixtures.synthetic([1.5e-7, 3e-7, 2.25e-7, 9e-7, 1e-7, 2e-7]))),
            ("near-equal", ChartFixtures.chart(ChartFixtures.synthetic([1e9, 1e9 + 1, 1e9, 1e9 + 2]))),
            ("equal-negative", ChartFixtures.chart(ChartFixtures.synthetic([-7, -7, -7, -7]))),
            ("many", ChartFixtures.chart(ChartFixtures.synthetic(wave, target: 55))),
            ("wide title", ChartFixtures.chart(ChartFixtures.synthetic([1, 2, 3], title: "救急外来の待ち時間表示 " + String(repeating: "very long measure name ", count: 12)))),
        ]
    }

    /// Every width where lines are most often cut (30–80), then every 7th up to 200: the whole
    /// range took 10 s of CPU in a debug build, which starved the end-to-end tests running beside it.
    static let widths = Array(30...80) + Array(stride(from: 87, through: 200, by: 7)) + [200]

    @Test func noLineIsWiderThanTheTerminal() async throws {
        let charts = try Self.allCharts()
        let comparison = try ChartFixtures.comparison(ChartFixtures.comparison)
        // Seconds of rendering in a debug build: on a thread of its own, not on the cooperative
        // pool (as wide as the cores) that the end-to-end tests beside it need.
        let problems = await Self.offThePool { () -> [String] in
            var problems = [String]()
            for width in Self.widths {
                for color in [false, true] {
                    let context = Self.context(width: width, color: color)
                    var outputs = charts.flatMap { name, chart in
                        [("\(name) xmr", ChartView.render(chart, kind: .xmr, context: context)),
                         ("\(name) run", ChartView.render(chart, kind: .run, context: context, height: 5))]
                    }
                    outputs.append(("compare", ChartView.compare(comparison, kind: .xmr, context: context)))
                    outputs.append(("compare run", ChartView.compare(comparison, kind: .run, context: context, height: 4)))
                    for (name, text) in outputs {
                        for line in text.split(separator: "\n") where ChartView.visibleWidth(String(line)) > width {
                            problems.append("\(name) at width \(width)\(color ? " in colour" : ""): \(ChartView.visibleWidth(String(line))) columns: \(line)")
                        }
                        if text.contains("nan") || text.contains("inf") { problems.append("\(name) at width \(width): nan or inf") }
                    }
                }
            }
            return problems
        }
        for problem in problems { Issue.record(Comment(rawValue: problem)) }
    }

    /// Runs `body` on a thread of its own and returns what it returns.
    static func offThePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    /// The marks in the plot area (the rows above the axis corner, up to the blank line under
    /// the header), by kind.
    static func marks(_ text: String) -> [Character: Int] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let bottom = lines.firstIndex(where: { $0.contains("└") }),
              let blank = lines[..<bottom].lastIndex(where: { $0.isEmpty }) else { return [:] }
        let top = blank + 1
        var counts: [Character: Int] = [:]
        for line in lines[top..<bottom] {
            for character in ChartView.stripANSI(line) where "●▲▼◆".contains(character) { counts[character, default: 0] += 1 }
        }
        return counts
    }

    /// How many of the oldest points the view says it left out.
    static func hidden(_ text: String) -> Int {
        guard let line = ChartView.stripANSI(text).split(separator: "\n").first(where: { $0.contains("not shown") }) else { return 0 }
        return Int(line.split(separator: " ").first { Int($0) != nil } ?? "") ?? 0
    }

    @Test(arguments: [30, 40, 60, 80, 120])
    func everyShownPointHasTheMarkOfItsSignal(width: Int) throws {
        for (name, chart) in try Self.allCharts() where chart.points.count >= 2 {
            for color in [false, true] {
                let text = ChartView.render(chart, kind: .xmr, context: Self.context(width: width, color: color))
                let shown = chart.points.dropFirst(Self.hidden(text))
                func count(_ variation: String) -> Int { shown.filter { $0.variation == variation }.count }
                let marks = Self.marks(text)
                #expect(marks["●", default: 0] == count("common_cause"), "\(name) at \(width)")
                #expect(marks["▲", default: 0] == count("special_cause_improvement"), "\(name) at \(width)")
                #expect(marks["▼", default: 0] == count("special_cause_concern"), "\(name) at \(width)")
                #expect(marks["◆", default: 0] == count("special_cause_neutral"), "\(name) at \(width)")
                #expect(marks.values.reduce(0, +) == shown.count, "\(name) at \(width)")
            }
        }
    }

    /// The text with its lines joined, so a check does not depend on where words wrap.
    static func flat(_ text: String) -> String {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    @Test func theXmRFixtureShowsItsSignals() throws {
        let chart = try ChartFixtures.chart(ChartFixtures.xmr)
        let text = ChartView.render(chart, kind: .xmr, context: Self.context())
        #expect(Self.marks(text) == ["●": 12, "▲": 7, "▼": 1])
        #expect(text.contains("Variation: special cause — improvement (low)"))
        #expect(text.contains("Assurance: hit and miss — the target lies within the limits"))
        #expect(text.contains("┆"), "the rebase is drawn")
        #expect(Self.flat(text).contains("2026-02-23 19.5 concern: outside the process limits (above)"))
        #expect(Self.flat(text).contains("2026-04-06 … 2026-05-18 (7 points) improvement: a run of 7 or more points below the mean"))
    }

    @Test func theRunChartMarksItsLongRunsByDirection() throws {
        let chart = try ChartFixtures.chart(ChartFixtures.runAnhoej)
        let text = ChartView.render(chart, kind: .run, context: Self.context(width: 100))
        // Higher is better: the 12 points below the median are a concern, the 12 above an improvement.
        #expect(Self.marks(text) == ["▼": 12, "▲": 12])
        #expect(text.contains("Longest run: 12 (a signal if longer than 8: it is)"))
        #expect(text.contains("Crossings: 1 (a signal if fewer than 8: there are)"))
        #expect(text.contains("Median 73.5"))
        // Anhøj's rules are two: nothing of IHI's shifts, trends or runs table (issue 11).
        #expect(!text.lowercased().contains("shift") && !text.contains("Swed") && !text.lowercased().contains("trend"), "\(text)")
    }

    /// Below the Swed–Eisenhart table (10 useful points) the runs rule is not applied, and the chart
    /// says so rather than leaving it out silently: 12 points, 4 on the median 5.
    @Test func anUntabulatedRunsCountSaysItIsNotTested() throws {
        let chart = try ChartFixtures.chart(ChartFixtures.synthetic([5, 5, 5, 5, 1, 9, 1, 9, 1, 9, 1, 9]))
        let text = Self.flat(ChartView.render(chart, kind: .run, context: Self.context(width: 120)))
        #expect(text.contains("(not tested: the Swed–Eisenhart table covers 10 to 60 useful points, here 8)"), "\(text)")
    }

    /// Issue 11: six points, a trend by the rule alone, but the chart must neither signal it nor
    /// call it non-random beside its "at least 10" warning.
    @Test func tooFewPointsSayNothingSignals() throws {
        var json = ChartFixtures.synthetic([1, 2, 3, 4, 5, 6], better: "higher")
        json = json.replacingOccurrences(of: #""warnings": []"#, with: #""warnings": ["6 observations: the run chart rules need at least 10, so the run chart signals nothing yet"]"#)
        let text = ChartView.render(try ChartFixtures.chart(json), kind: .run, context: Self.context(width: 100))
        #expect(text.contains("Too few points for the IHI run chart rules: 6 of the 10 they need"), "\(text)")
        #expect(!text.contains("non-random variation") || text.contains("no sign of non-random variation"), "\(text)")
        #expect(!text.contains("Non-random"), "\(text)")
    }

    @Test func fewPointsSayWhatIsMissing() throws {
        let none = ChartView.render(try ChartFixtures.chart(ChartFixtures.noPoints), kind: .xmr, context: Self.context())
        #expect(Self.flat(none).contains("No observations yet: record some with `ideamesh measure record k3v9x2b7qa-60 VALUE`."))
        #expect(!none.contains("└"))
        let one = ChartView.render(try ChartFixtures.chart(ChartFixtures.onePoint), kind: .xmr, context: Self.context())
        #expect(Self.marks(one) == ["●": 1])
        #expect(one.contains("a chart needs at least 2"))
    }

    @Test func compareShowsEveryDepartmentAndItsSplit() throws {
        let comparison = try ChartFixtures.comparison(ChartFixtures.comparison)
        let names = ["Renal Ward", "Cardiology", "Emergency Department"]
        for width in [80, 140, 200] {
            let text = ChartView.compare(comparison, kind: .xmr, context: Self.context(width: width))
            for name in names { #expect(text.contains(name), "\(name) at \(width)") }
            let lines = text.split(separator: "\n")
            #expect(lines.filter { $0.contains("before │ after") }.count == (width >= 120 ? 1 : 3), "at \(width)")
            #expect(text.contains("before: mean 8.65 (6 points)") && text.contains("after: mean 4.45 (10 points)"), "at \(width)")
            let sideBySide = lines.contains { line in names.filter { line.contains($0) }.count == 3 }
            #expect(sideBySide == (width >= 120), "at \(width)")
        }
    }

    @Test func numbersForPeople() {
        #expect(ChartView.number(4.949999999999999) == "4.95")
        #expect(ChartView.number(18.60488888888889) == "18.6")
        #expect(ChartView.number(-0.0) == "0")
        #expect(ChartView.number(12) == "12")
        #expect(ChartView.number(-0.1520) == "-0.152")
        #expect(ChartView.number(1.5e9) == "1.5e9")
        #expect(ChartView.number(2.5e-5) == "2.5e-5")
        #expect(ChartView.number(9.999e6) == "1e7")
        let scale = ChartView.Scale(covering: [3, 3, 3], ticks: 5)
        #expect(scale.low < 3 && scale.high > 3)
        let zero = ChartView.Scale(covering: [0, 0], ticks: 5)
        #expect(zero.ticks.map(zero.label).contains("0"))
    }

    // MARK: SVG

    /// Collects the elements of an SVG document.
    final class Elements: NSObject, XMLParserDelegate {
        var names: [String] = []
        var points: [[String: String]] = []
        var text = ""

        /// Each `<text>` element's content, in document order.
        var texts: [String] = []
        var width = 0.0

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            names.append(name)
            if attributes["class"] == "point" { points.append(attributes) }
            if name == "svg" { width = Double(attributes["width"] ?? "") ?? 0 }
            if name == "text" { texts.append(""); inText = true }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "text" { inText = false }
        }

        private var inText = false

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            text += string
            if inText { texts[texts.count - 1] += string }
        }
    }

    /// Date labels never crowd: 22 weekly points in a compare panel (a label every other point)
    /// still end on the last date, and the one before it gives way rather than overlap it (seen in
    /// the demo's PNG: "2026-11-20" written over "2026-11-27").
    @Test func svgDateLabelsDoNotOverlap() throws {
        let series = ChartFixtures.synthetic((0..<22).map { Double($0 % 5) })
        let json = #"{"idea": "x-1", "idea_title": "t", "name": "Synthetic", "series": [\#(series), \#(series)]}"#
        let svg = ChartSVG.compare(try ChartFixtures.comparison(json), kind: .xmr)
        let pattern = /<text x="([0-9.]+)" y="[0-9.]+" text-anchor="end" transform="rotate\(-45/
        let xs = svg.matches(of: pattern).compactMap { Double($0.output.1) }
        #expect(xs.count >= 12, "\(xs)")
        let gaps = zip(xs, xs.dropFirst()).map { $1 - $0 }.filter { $0 > 0 }  // within a panel
        #expect(gaps.allSatisfy { $0 >= 18 }, "\(gaps)")
        #expect(svg.contains(">2026-06-01</text>"), "the last date is labelled")
    }

    /// Issue 11: "The --compare SVG for one department is 490 px wide with its title and footnote
    /// cut". At 1, 2 and 6 departments (long ward names among them) the document is at least as
    /// wide as a single chart, nothing is cut short, and every department's name and every note
    /// is there in full (wrapped lines read in order).
    @Test func compareSVGIsLegibleAtEveryPanelCount() throws {
        for departments in [1, 2, 6] {
            let comparison = try ChartFixtures.comparison(departments: departments)
            let svg = ChartSVG.compare(comparison, kind: .xmr)
            let parsed = Self.parse(svg)
            #expect(parsed.ok, "\(departments): \(parsed.error)")
            #expect(parsed.elements.width >= 900, "\(departments) departments: \(parsed.elements.width) px")
            #expect(!parsed.elements.texts.contains { $0.contains("…") }, "\(departments): cut: \(parsed.elements.texts.filter { $0.contains("…") })")
            let reading = parsed.elements.texts.joined(separator: " ")
            #expect(reading.contains("Insulin doses missed (per 100 doses) in \(departments) department"))
            for series in comparison.series {
                #expect(reading.contains(series.measure.department ?? "?"), "\(departments): \(series.measure.department ?? "?")")
                for warning in series.warnings { #expect(reading.contains("Note: " + warning), "\(departments): \(warning)") }
            }
        }
    }

    static func parse(_ svg: String) -> (ok: Bool, elements: Elements, error: String) {
        let parser = XMLParser(data: Data(svg.utf8))
        let elements = Elements()
        parser.delegate = elements
        let ok = parser.parse()
        return (ok, elements, parser.parserError.map { "\($0)" } ?? "")
    }

    static let fills = [
        "common_cause": "#7B7D7D", "special_cause_improvement": "#289DE0",
        "special_cause_concern": "#ED8B00", "special_cause_neutral": "#5B3F92",
    ]

    @Test func svgParsesWithOnePointPerObservationColouredByItsVariation() throws {
        for (name, chart) in try Self.allCharts() {
            let svg = ChartSVG.render(chart, kind: .xmr)
            #expect(svg.hasPrefix("<?xml version=\"1.0\""), "\(name)")
            let parsed = Self.parse(svg)
            #expect(parsed.ok, "\(name): \(parsed.error)")
            #expect(parsed.elements.names.first == "svg", "\(name)")
            #expect(parsed.elements.points.count == chart.points.count, "\(name)")
            for (point, element) in zip(chart.points, parsed.elements.points) {
                #expect(element["fill"] == Self.fills[point.variation ?? "common_cause"], "\(name) \(point.date)")
            }
            #expect(!svg.contains("nan") && !svg.contains("inf"), "\(name)")
            #expect(ChartSVG.render(chart, kind: .xmr) == svg, "deterministic")
        }
        let comparison = try ChartFixtures.comparison(ChartFixtures.comparison)
        let svg = ChartSVG.compare(comparison, kind: .xmr)
        let parsed = Self.parse(svg)
        #expect(parsed.ok, "\(parsed.error)")
        let all = comparison.series.flatMap(\.points)
        #expect(parsed.elements.points.map { $0["fill"] } == all.map { Self.fills[$0.variation ?? "common_cause"] })
        for name in ["Renal Ward", "Cardiology", "Emergency Department"] { #expect(parsed.elements.text.contains(name)) }
        #expect(svg.components(separatedBy: "class=\"split\"").count - 1 == 3)
    }

    @Test func svgRunChartColoursShiftsByDirection() throws {
        let chart = try ChartFixtures.chart(ChartFixtures.runAnhoej)
        let parsed = Self.parse(ChartSVG.render(chart, kind: .run))
        #expect(parsed.ok, "\(parsed.error)")
        let fills = parsed.elements.points.map { $0["fill"] ?? "" }
        #expect(fills == Array(repeating: "#ED8B00", count: 12) + Array(repeating: "#289DE0", count: 12))
    }

    @Test func userTextIsEscaped() throws {
        let hostile = #"<script>alert(1)</script> & \"quoted\" 'single'"#
        let json = ChartFixtures.xmr
            .replacingOccurrences(of: #""name": "Insulin doses missed""#, with: #""name": "\#(hostile)""#)
            .replacingOccurrences(of: #""department": "Renal Ward""#, with: #""department": "Ward <b>&amp;""#)
        let chart = try ChartFixtures.chart(json)
        #expect(chart.measure.name.contains("<script>"))
        for svg in [ChartSVG.render(chart, kind: .xmr), ChartSVG.render(chart, kind: .run)] {
            #expect(!svg.contains("<script"))
            #expect(!svg.contains("<b>"))
            #expect(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; &apos;single&apos;"))
            let parsed = Self.parse(svg)
            #expect(parsed.ok, "\(parsed.error)")
            #expect(parsed.elements.text.contains(#"<script>alert(1)</script> & "quoted" 'single'"#))
            #expect(!parsed.elements.names.contains("script"))
        }
        let terminal = ChartView.render(chart, kind: .xmr, context: Self.context(width: 120))
        #expect(terminal.contains(#"<script>alert(1)</script> & "quoted" 'single'"#), "the terminal shows the name as it is")
    }
}
