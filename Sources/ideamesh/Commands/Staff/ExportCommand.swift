import ArgumentParser
import Foundation
import MeshClient
import MeshCharts
import MeshControl

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export every idea this department's node holds, as CSV or JSON.",
        discussion: """
            CSV has a header row title,problem,solution,theme,tags (tags separated by ';'), the \
            form `ideamesh import` reads; quoting follows RFC 4180. JSON has every field of every \
            idea, comments included (--json is the same as --format json).
            """)

    enum Format: String, CaseIterable, ExpressibleByArgument {
        case csv, json
    }

    @Option(help: ArgumentHelp("The file format (default: csv).", valueName: "format"))
    var format: Format?

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file"))
    var output: String?

    @OptionGroup var client: ClientOptions

    func validate() throws {
        if client.json && format == .csv { throw ValidationError("--json asks for JSON and --format csv for CSV: give one") }
    }

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh export")
        let terminal = Terminal.current()
        let (result, raw) = try daemon.call(API.Export.self)
        let text: String
        if (format ?? (client.json ? .json : .csv)) == .json {
            text = JSONText.encode(raw)
        } else {
            let progress = Progress(label: "Exporting", terminal: terminal)
            text = IdeaCSV.export(result.ideas) { progress.update($0, of: result.ideas.count) }
            progress.finish()
        }
        guard let output, output != "-" else {
            Terminal.write(text)
            return
        }
        try OutputFile.write(text, to: output)
        Terminal.write("Exported \(result.ideas.count) idea\(result.ideas.count == 1 ? "" : "s") to \(output).\n")
    }
}
