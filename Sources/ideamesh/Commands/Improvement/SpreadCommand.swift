import ArgumentParser
import MeshClient
import MeshCharts
import MeshControl

struct SpreadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spread",
        abstract: "Show how an idea spread: the departments that adopted it, their status, cycles and measures' signals.",
        discussion: "Any idea of the tree will do: the tree is drawn from the original idea.")

    @Argument(help: ArgumentHelp("The idea's id (the original or any adoption of it).", valueName: "id"))
    var id: String

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh spread")
        let output = Output(json: client.json)
        let (spread, raw) = try daemon.call(API.IdeaSpread.self, .init(id: id))
        output.emit(raw) { MeasureViews.spread(spread, context: output.context) }
    }
}
