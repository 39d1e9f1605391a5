import ArgumentParser
import Foundation
import MeshClient
import MeshCharts
import MeshControl
import MeshModel

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit an improvement idea: a problem and a proposed solution.",
        discussion: """
            On a terminal, ideamesh asks for the fields the flags leave out; a script gives them \
            as flags (with no terminal, a missing field is an error). The problem and the solution \
            may run over several lines and paragraphs: at the prompt, end each with a line holding \
            only a full stop (.); for long text, --problem-file and --solution-file read a file \
            (- for standard input). The title is at most \(Limits.title) characters, the problem \
            and the solution at most \(Limits.text) each; text must be UTF-8. The prompt lists the \
            department's themes to pick from. With --anonymous the idea carries no author at all, \
            in this department's store or any other.
            """)

    @Option(help: ArgumentHelp("A short title (at most \(Limits.title) characters).", valueName: "text"))
    var title: String?

    @Option(help: ArgumentHelp("What goes wrong today, and for whom (at most \(Limits.text) characters).", valueName: "text"))
    var problem: String?

    @Option(help: ArgumentHelp("Read the problem from this file (- for standard input).", valueName: "file"))
    var problemFile: String?

    @Option(help: ArgumentHelp("What you propose to change (at most \(Limits.text) characters).", valueName: "text"))
    var solution: String?

    @Option(help: ArgumentHelp("Read the solution from this file (- for standard input).", valueName: "file"))
    var solutionFile: String?

    @Option(help: ArgumentHelp("A theme code (see `ideamesh themes`).", valueName: "code"))
    var theme: String?

    @Option(help: ArgumentHelp("Tags, comma-separated; may be repeated.", valueName: "tags"))
    var tags: [String] = []

    @Flag(help: "Store no author: not here, not anywhere the idea travels.")
    var anonymous = false

    @OptionGroup var patientData: PatientDataOptions

    @OptionGroup var client: ClientOptions

    func validate() throws {
        if problem != nil && problemFile != nil { throw ValidationError("give --problem or --problem-file, not both") }
        if solution != nil && solutionFile != nil { throw ValidationError("give --solution or --solution-file, not both") }
        if problemFile == "-" && solutionFile == "-" { throw ValidationError("only one of --problem-file and --solution-file can be - (standard input)") }
    }

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh submit")
        let terminal = Terminal.current()
        var fields = Fields(
            title: title, problem: try problemFile.map { try Self.readText($0) } ?? problem,
            solution: try solutionFile.map { try Self.readText($0) } ?? solution,
            theme: theme, tags: Self.splitTags(tags))
        let missing = fields.missing
        let stdinTaken = problemFile == "-" || solutionFile == "-"
        if !missing.isEmpty {
            guard terminal.stdinIsTTY, !stdinTaken else {
                let why = stdinTaken ? "standard input is the file given as -, so there is nothing to ask on" : "there is no terminal to ask on"
                // A field given but blank is empty, not missing.
                let given = Set([("title", title), ("problem", problemFile ?? problem), ("solution", solutionFile ?? solution)]
                    .filter { $0.1 != nil }.map(\.0))
                let blank = missing.filter { given.contains($0) }, absent = missing.filter { !given.contains($0) }
                let parts = (absent.isEmpty ? [] : ["missing \(absent.map { "--\($0)" }.joined(separator: ", "))"])
                    + (blank.isEmpty ? [] : ["\(blank.map { "--\($0)" }.joined(separator: ", ")) \(blank.count == 1 ? "is" : "are") empty"])
                throw CLIError(
                    "\(parts.joined(separator: "; ")) (\(why))",
                    hint: "Give every field as a flag: ideamesh submit --title TEXT --problem TEXT --solution TEXT [--theme CODE] [--tags A,B].")
            }
            let themes = fields.theme == nil ? try daemon.call(API.ThemesList.self, .init()).value.themes : []
            try fields.ask(themes: themes)
        }
        let content = IdeaContent(
            title: fields.title ?? "", problem: fields.problem ?? "", solution: fields.solution ?? "",
            theme: fields.theme ?? "", tags: fields.tags)
        do { try content.validate() } catch {
            throw CLIError("\(error)", hint: "Fix it and submit again; see `ideamesh submit --help`.")
        }
        let params = API.IdeaSubmit.Params(
            title: content.title, problem: content.problem, solution: content.solution,
            theme: content.theme.isEmpty ? nil : content.theme, tags: content.tags.isEmpty ? nil : content.tags,
            anonymous: anonymous ? true : nil)
        let (written, raw) = try daemon.call(API.IdeaSubmit.self, params, patientData: patientData)
        Output(json: client.json, terminal: terminal).emit(raw) {
            "Submitted \(written.shortId): \(TextWidth.singleLine(content.title))" + (anonymous ? " (anonymous: no author stored)" : "")
        }
    }

    /// A field's text from a file or stdin, without the newlines it ends with.
    static func readText(_ path: String) throws(CLIError) -> String {
        var text = try TextInput.readFile(path)
        while text.last?.isNewline == true { text.removeLast() }
        return text
    }

    /// "a,b" and repeated flags, trimmed, empties dropped.
    static func splitTags(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The idea's fields, some perhaps still to ask for.
    struct Fields {
        var title: String?
        var problem: String?
        var solution: String?
        var theme: String?
        var tags: [String]

        /// The required fields not given (or given empty).
        var missing: [String] {
            [("title", title), ("problem", problem), ("solution", solution)]
                .filter { ($0.1 ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }.map(\.0)
        }

        /// Asks for each missing required field (again while the answer is empty), then for the
        /// optional ones not given. The problem and the solution take several lines, up to a
        /// line holding only ".". `themes`: the department's, to pick from.
        mutating func ask(themes: [ThemeList.Theme]) throws(CLIError) {
            func required(_ current: String?, _ question: String, lines: Bool) throws(CLIError) -> String {
                if let current, !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return current }
                for _ in 0..<3 {
                    guard let answer = lines ? try Terminal.askLines(question) : try Terminal.ask(question) else {
                        throw CLIError("cancelled: nothing was submitted")
                    }
                    if !answer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return answer }
                    Terminal.writeError("  (this one is required)\n")
                }
                throw CLIError("cancelled: nothing was submitted", hint: "A title, a problem and a solution are required.")
            }
            title = try required(title, "Title: ", lines: false)
            let end = "several lines are fine; end with a line holding only \".\""
            problem = try required(problem, "Problem (what goes wrong today; \(end)):\n", lines: true)
            solution = try required(solution, "Proposed solution (\(end)):\n", lines: true)
            if theme == nil {
                theme = try Self.askTheme(themes)
            }
            if tags.isEmpty, let answer = try Terminal.ask("Tags, comma-separated (optional): ") {
                tags = SubmitCommand.splitTags([answer])
            }
        }

        /// Lists the department's themes and asks for one of their codes (Enter: none).
        static func askTheme(_ themes: [ThemeList.Theme]) throws(CLIError) -> String? {
            let open = themes.filter { $0.archived != true }
            guard !open.isEmpty else { return nil }
            let width = open.map { TextWidth.of($0.code) }.max() ?? 0
            Terminal.writeError("Themes:\n" + open.map { "  \(TextWidth.pad($0.code, to: width))  \(TextWidth.singleLine($0.name))\n" }.joined())
            for _ in 0..<3 {
                guard let answer = try Terminal.ask("Theme code (optional, Enter to skip): ") else { return nil }
                let code = answer.trimmingCharacters(in: .whitespaces)
                if code.isEmpty { return nil }
                if let theme = open.first(where: { $0.code.caseInsensitiveCompare(code) == .orderedSame }) { return theme.code }
                Terminal.writeError("  (no theme \"\(code)\" here; type one of the codes above, or press Enter)\n")
            }
            throw CLIError("cancelled: nothing was submitted", hint: "Pick a theme from `ideamesh themes`, or leave it out.")
        }
    }
}
