import ArgumentParser
import MeshClient

struct AdoptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adopt",
        abstract: "Adopt another department's idea here: a copy that remembers where it came from.")

    @Argument(help: ArgumentHelp("The idea to adopt.", valueName: "id"))
    var id: String

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh adopt")
        let (written, raw) = try daemon.call("idea.adopt", ["id": id], as: WrittenOp.self)
        Output(json: client.json).emit(raw) { "Adopted \(IdeaIDs.short(id)) here as \(written.shortId)." }
    }
}
