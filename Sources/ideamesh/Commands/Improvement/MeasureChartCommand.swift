import ArgumentParser
import Foundation
import MeshClient
import MeshCharts
import MeshControl
import MeshModel

/// `ideamesh measure chart`: the XmR (or run) chart of a measure, in the terminal or as SVG, alone
/// or beside the same measure in every department that runs the idea.
struct MeasureChartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chart",
        abstract: "Draw a measure's XmR chart (or run chart) with its signals, in the terminal or as SVG.",
        discussion: """
            The XmR chart shows the mean and process limits (mean ± 2.66 × mean moving range) and \
            marks special causes by the NHS Making Data Count rules: a point outside the limits, \
            a trend of 7 points, 2 of 3 points beyond 2σ, a run of 7 points on one side of the mean. \
            Its icons say whether the latest point is common or special cause and whether the \
            target is met reliably. --run draws the run chart instead (median; shifts of 6, trends \
            of 5, runs against the Swed–Eisenhart table, or the Anhøj rules with --rules anhoej).

            --compare draws the measure of the same name in every department that runs the idea \
            (the original and its adoptions), each split at the date the idea started there.
            """)

    @Argument(help: ArgumentHelp("The measure's id.", valueName: "measure"))
    var measure: String

    @Flag(name: .customLong("run"), help: "Draw the run chart (median) instead of the XmR chart.")
    var runChart = false

    @Option(help: ArgumentHelp("Run chart rules: ihi or anhoej (default: ihi); implies --run.", valueName: "rules"))
    var rules: String?

    @Option(help: ArgumentHelp("Fix the limits on the first N points of each segment.", valueName: "N"))
    var baseline: Int?

    @Option(help: ArgumentHelp("Recalculate the limits from this day (\(DaySpec.help)); repeat for several.", valueName: "date"))
    var rebase: [String] = []

    @Flag(help: "Draw the same measure for every department that adopted the idea, side by side.")
    var compare = false

    @Option(help: ArgumentHelp("Write a standalone SVG chart to this file (-: standard output) instead of drawing in the terminal.", valueName: "file"))
    var svg: String?

    @Option(help: ArgumentHelp("Rows of the plot in the terminal.", valueName: "rows"))
    var height: Int = 12

    @OptionGroup var client: ClientOptions

    func validate() throws {
        if let rules, !["ihi", "anhoej"].contains(rules) { throw ValidationError("--rules takes ihi or anhoej") }
        if let baseline, baseline < 2 { throw ValidationError("--baseline needs at least 2 points") }
        for date in rebase { _ = try DayArgument.parse(date) }
        if !(4...60).contains(height) { throw ValidationError("--height takes 4 to 60 rows") }
        if client.json && svg != nil { throw ValidationError("--json and --svg cannot be used together") }
    }

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh measure chart")
        let output = Output(json: client.json)
        let params = API.MeasureChart.Params(
            measure: measure, rules: rules, baseline: baseline,
            rebase: rebase.isEmpty ? nil : try rebase.map { try DayArgument.parse($0).description })
        // Rules are the run chart's: asking for them asks for it.
        let kind: ChartKind = runChart || rules != nil ? .run : .xmr

        let text: String, raw: [String: Any], svgText: () -> String
        if compare {
            let (comparison, result) = try daemon.call(API.MeasureCompare.self, params)
            raw = result
            text = ChartView.compare(comparison, kind: kind, context: output.context, height: height)
            svgText = { ChartSVG.compare(comparison, kind: kind) }
        } else {
            let (chart, result) = try daemon.call(API.MeasureChart.self, params)
            raw = result
            text = ChartView.render(chart, kind: kind, context: output.context, height: height)
            svgText = { ChartSVG.render(chart, kind: kind) }
        }
        guard let svg else { return output.emit(raw) { text } }
        try OutputFile.write(svgText(), to: svg)
        if svg != "-" { output.text("Wrote \(svg).") }
    }
}
