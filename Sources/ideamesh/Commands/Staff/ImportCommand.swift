import ArgumentParser
import Foundation
import MeshClient
import MeshCharts
import MeshControl

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import ideas from a CSV file: all of them, or none.",
        discussion: """
            The file's first line is the header: title,problem,solution,theme,tags (theme and \
            tags may be left out; tags separated by ';'); quoting follows RFC 4180, the form \
            `ideamesh export` writes. Every row is checked before anything is sent, and the \
            daemon writes them all in one transaction: a bad row is reported with its line \
            number, and nothing of that file is imported.
            """)

    @Argument(help: ArgumentHelp("The CSV file ('-' for stdin).", valueName: "file"))
    var file: String

    @Flag(help: "Store no author for these ideas.")
    var anonymous = false

    @Flag(help: "Check the file only (no daemon needed); import nothing.")
    var dryRun = false

    @OptionGroup var patientData: PatientDataOptions

    @OptionGroup var client: ClientOptions

    /// CONTROL.md: a request line is at most 1 MiB; what the rest of the request takes.
    static let requestLimit = 1 << 20
    static let envelope = 256

    func run() throws {
        let terminal = Terminal.current()
        let text = try TextInput.readFile(file)
        let checking = Progress(label: "Checking \(file)", terminal: terminal)
        let rows: [IdeaCSV.Row]
        do {
            rows = try IdeaCSV.rows(text, progress: checking.update)
        } catch {
            checking.finish()
            throw CLIError(
                error.report(file: file),
                hint: "Nothing was imported. Fix \(error.items.count == 1 ? "this line" : "these lines") and import the file again (`ideamesh import --help` shows the format).")
        }
        checking.finish()

        let params = API.Import.Params(rows: rows.map(\.json), anonymous: anonymous ? true : nil)
        let size = (try? ControlCoding.encoder().encode(params).count) ?? 0
        guard size + Self.envelope <= Self.requestLimit else {
            throw CLIError(
                "\(file) is too large to import at once (\(TimeText.bytes(size)) as a request; the daemon takes at most 1 MiB)",
                hint: "Split it into smaller files (each is imported whole or not at all).")
        }
        if dryRun {
            Output(json: client.json, terminal: terminal).emit(["rows": rows.count, "dry_run": true]) {
                "\(file): \(rows.count) idea\(rows.count == 1 ? "" : "s"), all good. Nothing was imported (--dry-run)."
            }
            return
        }

        let daemon = try DaemonSession.open(client, command: "ideamesh import")
        let sending = Progress(label: "Importing \(rows.count) ideas", terminal: terminal)
        sending.update(0, of: rows.count)
        let result: ImportResult, raw: [String: Any]
        do {
            (result, raw) = try daemon.call(
                API.Import.self, params, patientData: patientData, terminal: terminal, place: { Self.place($0, rows: rows, file: file) },
                beforeAsking: sending.finish)
        } catch {
            sending.finish()
            throw Self.mapRowError(error, rows: rows, file: file)
        }
        sending.update(rows.count, of: rows.count)
        sending.finish()
        Output(json: client.json, terminal: terminal).emit(raw) {
            "Imported \(result.ids.count) idea\(result.ids.count == 1 ? "" : "s") from \(file)."
        }
    }

    /// Where a finding of the daemon's (in row N, counting the rows sent from 1) is in the file.
    static func place(_ finding: FlaggedText, rows: [IdeaCSV.Row], file: String) -> String {
        guard let row = finding.row, rows.indices.contains(row - 1) else { return PatientDataView.place(finding) }
        return "the \(finding.param) on line \(rows[row - 1].line) of \(file)"
    }

    /// The daemon's "row N: …" (N counts the rows sent, from 1) as the file's line.
    static func mapRowError(_ error: CLIError, rows: [IdeaCSV.Row], file: String) -> CLIError {
        var error = error
        let message = error.message
        if message.hasPrefix("row ") {
            let digits = message.dropFirst(4).prefix { $0.isNumber }
            if let n = Int(digits), (1...rows.count).contains(n) {
                let rest = message.dropFirst(4 + digits.count).drop { $0 == ":" || $0 == " " }
                error.message = "\(file):\(rows[n - 1].line): \(rest)"
            }
        }
        if error.exitCode == CLIError.userError, !message.hasSuffix("Nothing was stored.") {
            error.hint = "Nothing was imported. " + (error.hint ?? "")
        }
        return error
    }
}
