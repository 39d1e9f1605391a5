import ArgumentParser
import Foundation
import MeshClient

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search ideas and comments, best matches first.",
        discussion: """
            Plain words find ideas and comments holding all of them. Quotes search for a phrase, \
            OR and NOT combine words, and word* matches a prefix (SQLite FTS5 syntax).
            """)

    @Argument(help: ArgumentHelp("What to search for.", valueName: "text"))
    var words: [String]

    @Option(help: ArgumentHelp("At most this many hits (1-500).", valueName: "n"))
    var limit: Int = 20

    @OptionGroup var client: ClientOptions

    var text: String { words.joined(separator: " ") }

    func validate() throws {
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("give some text to search for") }
        guard (1...500).contains(limit) else { throw ValidationError("--limit must be between 1 and 500") }
    }

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh search")
        let output = Output(json: client.json)
        let (results, raw) = try daemon.call("idea.search", ["text": text, "limit": limit], as: SearchResults.self)
        output.emit(raw) { SearchView.render(results, query: text, context: output.context) }
    }
}
