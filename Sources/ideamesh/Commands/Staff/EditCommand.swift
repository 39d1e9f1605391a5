import ArgumentParser
import Foundation
import MeshClient
import MeshModel

struct EditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Change an idea's title, problem, solution, theme or tags.")

    @Argument(help: ArgumentHelp("The idea's id.", valueName: "id"))
    var id: String

    @Option(help: ArgumentHelp("A new title.", valueName: "text"))
    var title: String?

    @Option(help: ArgumentHelp("A new problem text.", valueName: "text"))
    var problem: String?

    @Option(help: ArgumentHelp("A new solution text.", valueName: "text"))
    var solution: String?

    @Option(help: ArgumentHelp("A new theme code (empty: none).", valueName: "code"))
    var theme: String?

    @Option(help: ArgumentHelp("New tags, comma-separated; replaces the old ones.", valueName: "tags"))
    var tags: [String] = []

    @OptionGroup var client: ClientOptions

    func validate() throws {
        if title == nil && problem == nil && solution == nil && theme == nil && tags.isEmpty {
            throw ValidationError("nothing to change: give --title, --problem, --solution, --theme or --tags")
        }
    }

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh edit")
        var params: [String: Any] = ["id": id]
        if let title { params["title"] = title }
        if let problem { params["problem"] = problem }
        if let solution { params["solution"] = solution }
        if let theme { params["theme"] = theme }
        if !tags.isEmpty { params["tags"] = SubmitCommand.splitTags(tags) }
        let (_, raw) = try daemon.call("idea.edit", params, as: WrittenOp.self)
        Output(json: client.json).emit(raw) { "Edited \(IdeaIDs.short(id))." }
    }
}
