import ArgumentParser
import MeshClient
import MeshCharts
import MeshControl

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show an idea: its history, supporters, comments, conflicts, links and adoptions.")

    @Argument(help: ArgumentHelp("The idea's id, e.g. 25njqamcwe-12 (as `ideamesh list` shows it).", valueName: "id"))
    var id: String

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh show")
        let output = Output(json: client.json)
        let (idea, raw) = try daemon.call(API.IdeaShow.self, .init(id: id))
        output.emit(raw) { IdeaDetailView.render(idea, context: output.context) }
    }
}
