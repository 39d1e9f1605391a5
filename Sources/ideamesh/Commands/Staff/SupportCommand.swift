import ArgumentParser
import MeshClient
import MeshCharts
import MeshControl

struct SupportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "support",
        abstract: "Support an idea (once per person; `ideamesh unsupport` takes it back).")

    @Argument(help: ArgumentHelp("The idea's id.", valueName: "id"))
    var id: String

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh support")
        let (_, raw) = try daemon.call(API.IdeaSupport.self, .init(id: id))
        Output(json: client.json).emit(raw) { "Supported \(IdeaIDs.short(id))." }
    }
}

struct UnsupportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unsupport",
        abstract: "Take back your support of an idea.")

    @Argument(help: ArgumentHelp("The idea's id.", valueName: "id"))
    var id: String

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh unsupport")
        let (_, raw) = try daemon.call(API.IdeaUnsupport.self, .init(id: id))
        Output(json: client.json).emit(raw) { "Took back your support of \(IdeaIDs.short(id))." }
    }
}
