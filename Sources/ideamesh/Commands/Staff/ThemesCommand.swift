import ArgumentParser
import MeshClient
import MeshCharts
import MeshControl

struct ThemesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "themes",
        abstract: "List the themes ideas can be filed under.")

    @Flag(help: "Include archived themes.")
    var archived = false

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh themes")
        let output = Output(json: client.json)
        let (list, raw) = try daemon.call(API.ThemesList.self, .init(archived: archived ? true : nil))
        output.emit(raw) { ThemesView.render(list, context: output.context) }
    }
}

struct ThemeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "theme",
        abstract: "Add or archive a theme (department leaders).",
        discussion: """
            Leaders are those this department made leaders or admins (`ideamesh roles`), and the \
            daemon's admins: root, its own user, and [control] admin_users and admin_groups.
            """,
        subcommands: [Add.self, Archive.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a theme, or rename one.")

        @Argument(help: ArgumentHelp("A short code: letters, digits, '-' and '_' (at most 32).", valueName: "code"))
        var code: String

        @Argument(help: ArgumentHelp("Its name, as people read it.", valueName: "name"))
        var name: String

        @Option(help: ArgumentHelp("What belongs under it.", valueName: "text"))
        var description: String?

        @OptionGroup var client: ClientOptions

        func run() throws {
            let daemon = try DaemonSession.open(client, command: "ideamesh theme add")
            let (_, raw) = try daemon.call(API.ThemeDefine.self, .init(code: code, name: name, description: description))
            Output(json: client.json).emit(raw) { "Theme \(code) (\(name)) is defined." }
        }
    }

    struct Archive: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Archive a theme: its ideas keep it; new ideas no longer use it.")

        @Argument(help: ArgumentHelp("The theme's code.", valueName: "code"))
        var code: String

        @OptionGroup var client: ClientOptions

        func run() throws {
            let daemon = try DaemonSession.open(client, command: "ideamesh theme archive")
            let (_, raw) = try daemon.call(API.ThemeArchive.self, .init(code: code))
            Output(json: client.json).emit(raw) { "Theme \(code) is archived." }
        }
    }
}
