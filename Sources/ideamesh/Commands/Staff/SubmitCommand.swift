import ArgumentParser
import Foundation
import MeshClient
import MeshModel

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit an improvement idea: a problem and a proposed solution.",
        discussion: """
            On a terminal, ideamesh asks for the fields the flags leave out; a script gives them \
            as flags (with no terminal, a missing field is an error). With --anonymous the idea \
            carries no author at all, in this department's store or any other.
            """)

    @Option(help: ArgumentHelp("A short title (at most 200 characters).", valueName: "text"))
    var title: String?

    @Option(help: ArgumentHelp("What goes wrong today, and for whom.", valueName: "text"))
    var problem: String?

    @Option(help: ArgumentHelp("What you propose to change.", valueName: "text"))
    var solution: String?

    @Option(help: ArgumentHelp("A theme code (see `ideamesh themes`).", valueName: "code"))
    var theme: String?

    @Option(help: ArgumentHelp("Tags, comma-separated; may be repeated.", valueName: "tags"))
    var tags: [String] = []

    @Flag(help: "Store no author: not here, not anywhere the idea travels.")
    var anonymous = false

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh submit")
        let terminal = Terminal.current()
        var fields = Fields(title: title, problem: problem, solution: solution, theme: theme, tags: Self.splitTags(tags))
        let missing = fields.missing
        if !missing.isEmpty {
            guard terminal.stdinIsTTY else {
                throw CLIError(
                    "missing \(missing.map { "--\($0)" }.joined(separator: ", ")) (there is no terminal to ask on)",
                    hint: "Give every field as a flag: ideamesh submit --title TEXT --problem TEXT --solution TEXT [--theme CODE] [--tags A,B].")
            }
            try fields.ask()
        }
        let content = IdeaContent(
            title: fields.title ?? "", problem: fields.problem ?? "", solution: fields.solution ?? "",
            theme: fields.theme ?? "", tags: fields.tags)
        do { try content.validate() } catch {
            throw CLIError("\(error)", hint: "Fix it and submit again; see `ideamesh submit --help`.")
        }
        var params: [String: Any] = ["title": content.title, "problem": content.problem, "solution": content.solution]
        if !content.theme.isEmpty { params["theme"] = content.theme }
        if !content.tags.isEmpty { params["tags"] = content.tags }
        if anonymous { params["anonymous"] = true }
        let (written, raw) = try daemon.call("idea.submit", params, as: WrittenOp.self)
        Output(json: client.json, terminal: terminal).emit(raw) {
            "Submitted \(written.shortId): \(TextWidth.singleLine(content.title))" + (anonymous ? " (anonymous: no author stored)" : "")
        }
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
                .filter { ($0.1 ?? "").trimmingCharacters(in: .whitespaces).isEmpty }.map(\.0)
        }

        /// Asks for each missing required field (again while the answer is empty), then for the
        /// optional ones not given.
        mutating func ask() throws(CLIError) {
            func required(_ current: String?, _ question: String) throws(CLIError) -> String {
                if let current, !current.trimmingCharacters(in: .whitespaces).isEmpty { return current }
                for _ in 0..<3 {
                    guard let answer = Terminal.ask(question) else { throw CLIError("cancelled: nothing was submitted") }
                    if !answer.trimmingCharacters(in: .whitespaces).isEmpty { return answer }
                    Terminal.writeError("  (this one is required)\n")
                }
                throw CLIError("cancelled: nothing was submitted", hint: "A title, a problem and a solution are required.")
            }
            title = try required(title, "Title: ")
            problem = try required(problem, "Problem (what goes wrong today): ")
            solution = try required(solution, "Proposed solution: ")
            if theme == nil, let answer = Terminal.ask("Theme code (optional, Enter to skip; see `ideamesh themes`): ") {
                theme = answer.trimmingCharacters(in: .whitespaces)
            }
            if tags.isEmpty, let answer = Terminal.ask("Tags, comma-separated (optional): ") {
                tags = SubmitCommand.splitTags([answer])
            }
        }
    }
}
