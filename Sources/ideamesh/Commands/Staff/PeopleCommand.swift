import ArgumentParser
import MeshClient
import MeshCharts
import MeshControl

struct NameCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "name",
        abstract: "Give your name, shown on every department's node instead of your login.",
        discussion: """
            Your name is replicated with your department's ideas: every node shows it wherever you are \
            the author (ideas, comments, PDSA steps, measures). Run it again to change it. Anonymous \
            ideas stay anonymous.
            """)

    @Argument(help: ArgumentHelp("Your name as colleagues know it, e.g. \"Ana Lopez, ward sister\" (at most 100 characters).", valueName: "name"))
    var name: String

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh name")
        let (_, raw) = try daemon.call(API.PersonName.self, .init(name: name))
        Output(json: client.json).emit(raw) {
            "Your name is now \"\(name)\": every node that has your department's ideas shows it instead of your login.\n"
        }
    }
}

struct PeopleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "people",
        abstract: "List the people who gave their name (`ideamesh name`), at every department.")

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh people")
        let output = Output(json: client.json)
        let (list, raw) = try daemon.call(API.PeopleList.self)
        output.emit(raw) { PeopleView.render(list, context: output.context) }
    }
}
