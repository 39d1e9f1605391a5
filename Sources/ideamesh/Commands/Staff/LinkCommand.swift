import ArgumentParser
import MeshClient
import MeshCharts
import MeshControl
import MeshModel

struct LinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "link",
        abstract: "Link two ideas: A duplicate-of, builds-on or affects B.")

    @Argument(help: ArgumentHelp("The idea the link starts from.", valueName: "a"))
    var from: String

    @Argument(help: ArgumentHelp("The idea it points to.", valueName: "b"))
    var to: String

    @Option(help: ArgumentHelp("How A relates to B.", valueName: "kind"))
    var kind: LinkKind

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh link")
        let (_, raw) = try daemon.call(API.IdeaLink.self, .init(from: from, to: to, kind: kind.rawValue))
        Output(json: client.json).emit(raw) { "Linked: \(IdeaIDs.short(from)) \(kind.rawValue) \(IdeaIDs.short(to))." }
    }
}

