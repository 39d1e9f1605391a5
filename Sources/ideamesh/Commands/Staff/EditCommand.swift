import ArgumentParser
import Foundation
import MeshClient
import MeshCharts
import MeshControl
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

    @OptionGroup var patientData: PatientDataOptions

    @OptionGroup var client: ClientOptions

    func validate() throws {
        if title == nil && problem == nil && solution == nil && theme == nil && tags.isEmpty {
            throw ValidationError("nothing to change: give --title, --problem, --solution, --theme or --tags")
        }
    }

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh edit")
        let params = API.IdeaEdit.Params(
            id: id, title: title, problem: problem, solution: solution, theme: theme,
            tags: tags.isEmpty ? nil : SubmitCommand.splitTags(tags))
        let (_, raw) = try daemon.call(API.IdeaEdit.self, params, patientData: patientData)
        Output(json: client.json).emit(raw) { "Edited \(IdeaIDs.short(id))." }
    }
}
