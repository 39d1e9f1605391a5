import ArgumentParser
import Foundation
import MeshClient
import MeshCharts
import MeshControl
import MeshModel

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Move an idea to a new status, saying why.",
        discussion: """
            Only the idea's own department moves its status: its leaders and admins once it has \
            given roles (`ideamesh roles`), and only along its status workflow (`ideamesh \
            workflow`). The person who submitted the idea sees every move and its reason \
            (`ideamesh mine`).
            """)

    @Argument(help: ArgumentHelp("The idea's id.", valueName: "id"))
    var id: String

    @Argument(help: ArgumentHelp("The new status.", valueName: "status"))
    var status: IdeaStatus

    @Option(help: ArgumentHelp("Why: people in every department will read it.", valueName: "text"))
    var reason: String

    @OptionGroup var patientData: PatientDataOptions

    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--reason must say why (it is shown with the change)")
        }
    }

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh status")
        let (_, raw) = try daemon.call(API.IdeaSetStatus.self, .init(id: id, status: status.rawValue, reason: reason), patientData: patientData)
        Output(json: client.json).emit(raw) { "\(IdeaIDs.short(id)) is now \(status.rawValue)." }
    }
}
