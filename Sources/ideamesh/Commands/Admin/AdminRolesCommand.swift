import ArgumentParser
import MeshClient
import MeshControl

struct AdminRoleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "role",
        abstract: "Give a person a role at this department: staff, leader or admin.",
        discussion: """
            Staff submit, support and comment, and edit the ideas they wrote; leaders also edit any \
            of the department's ideas and move their status; admins also set roles and the status \
            workflow. Roles are replicated: every node checks them. Until a department gives anyone \
            a role, all its staff act as leaders; its first grant should make an admin, after which \
            only admins set roles.
            """)

    @Argument(help: ArgumentHelp("Their login at this department (the author of their ideas).", valueName: "login"))
    var login: String

    @Argument(help: ArgumentHelp("staff, leader or admin.", valueName: "role"))
    var role: String

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh admin role")
        let (_, raw) = try daemon.call(API.AdminRole.self, .init(login: login, role: role))
        Output(json: client.json).emit(raw) { "\(login) is \(["admin": "an admin", "leader": "a leader"][role] ?? role) at this department, on every node.\n" }
    }
}

struct AdminRolesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roles",
        abstract: "List the roles given at every department, and this department's status workflow.")

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh admin roles")
        let output = Output(json: client.json)
        let (report, raw) = try daemon.call(API.RolesList.self, .init())
        output.emit(raw) { AdminViews.roles(report, context: output.context) }
    }
}

struct AdminWorkflowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow",
        abstract: "Show a department's status workflow, or set this department's.",
        subcommands: [Show.self, Set.self],
        defaultSubcommand: Show.self)

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the moves an idea's status may make.")

        @Option(name: .customLong("dept"), help: ArgumentHelp("Another department: its name or node id.", valueName: "department"))
        var department: String?

        @OptionGroup var client: ClientOptions

        func run() throws {
            let daemon = try DaemonSession.open(client, command: "ideamesh admin workflow")
            let output = Output(json: client.json)
            let (report, raw) = try daemon.call(API.RolesList.self, .init(origin: department))
            output.emit(raw) { AdminViews.workflow(report, context: output.context) }
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the moves this department's ideas' status may make (admins), replacing the workflow.",
            discussion: """
                Each move is FROM>TO, e.g. proposed>under-review (quote it: > redirects in a shell). \
                Setting the status an idea already has, with a new reason, is always allowed. \
                Statuses: proposed, under-review, testing, adopted, spread, declined, closed.
                """)

        @Argument(help: ArgumentHelp("The moves, each FROM>TO.", valueName: "move"))
        var moves: [String]

        @OptionGroup var client: ClientOptions

        func run() throws {
            let daemon = try DaemonSession.open(client, command: "ideamesh admin workflow set")
            let (_, raw) = try daemon.call(API.AdminWorkflow.self, .init(moves: moves))
            Output(json: client.json).emit(raw) { "This department's workflow is now \(moves.count) moves, on every node.\n" }
        }
    }
}
