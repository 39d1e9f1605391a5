import ArgumentParser
import Foundation
import MeshClient
import MeshCharts
import MeshControl

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search ideas and comments, best matches first.",
        discussion: """
            Finds ideas and comments holding all the words given, in any order. What you type is \
            read as words, whatever it holds: punctuation joins the words around it into a phrase \
            (hand-gel finds "hand gel" and "hand-gel", O'Brien finds "O'Brien"), and text in \
            double quotes is one phrase. Text with no letter or digit in it (only spaces, \
            punctuation or symbols) is refused: there is nothing to search for.
            """)

    @Argument(help: ArgumentHelp("What to search for.", valueName: "text"))
    var words: [String]

    @Option(help: ArgumentHelp("At most this many hits (1-500).", valueName: "n"))
    var limit: Int = 20

    @OptionGroup var client: ClientOptions

    var text: String { words.joined(separator: " ") }

    func validate() throws {
        guard (1...500).contains(limit) else { throw ValidationError("--limit must be between 1 and 500") }
    }

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh search")
        let output = Output(json: client.json)
        let (results, raw) = try daemon.call(API.IdeaSearch.self, .init(text: text, limit: limit))
        output.emit(raw) { SearchView.render(results, query: text, context: output.context) }
    }
}
