import ArgumentParser
import MeshClient
import MeshCharts
import MeshControl

struct RolesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roles",
        abstract: "List who leads and who administers at each department.",
        discussion: """
            Staff submit, support and comment, and edit the ideas they wrote; leaders also edit any \
            of their department's ideas, move their status and define themes; admins also give roles \
            and set the status workflow. A department that has given no one a role lets all its staff \
            edit its ideas and move their status. Every node checks these rules on every op.
            """)

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh roles")
        let output = Output(json: client.json)
        let (report, raw) = try daemon.call(API.RolesList.self, .init())
        output.emit(raw) { GovernanceViews.roles(report, context: output.context) }
    }
}

struct RoleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "role",
        abstract: "Give a person a role at this department: staff, leader or admin (admins).",
        discussion: """
            For this department's admins, and the node's admins (root, the daemon's user, and \
            [control] admin_users and admin_groups of the daemon's config), who can always mend \
            the roles. The role is replicated: every node checks it. `staff` takes a role back.
            """)

    @Argument(help: ArgumentHelp("Their login on this machine (the author of their ideas).", valueName: "login"))
    var login: String

    @Argument(help: ArgumentHelp("staff, leader or admin.", valueName: "role"))
    var role: String

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh role")
        let (_, raw) = try daemon.call(API.RoleSet.self, .init(login: login, role: role))
        let what = ["admin": "an admin", "leader": "a leader"][role.lowercased()] ?? role.lowercased()
        // Once a department has roles, whoever has none is staff there: say so to a node admin
        // who has not given themselves one.
        let (report, _) = try daemon.call(API.RolesList.self, .init())
        let me = try daemon.call(API.Ping.self).value.user
        let mine = report.roles.first { $0.origin == report.workflow.origin && $0.login == me }
        Output(json: client.json).emit(raw) {
            "\(login) is \(what) of this department now, on every node.\n"
                + (mine == nil && me != login
                    ? "Note: you (\(me)) have no role here, so you are staff now: `ideamesh role \(me) admin` gives you one.\n" : "")
        }
    }
}

struct WorkflowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow",
        abstract: "Show a department's status workflow, or set this department's (admins).",
        subcommands: [Show.self, Set.self],
        defaultSubcommand: Show.self)

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the moves an idea's status may make.")

        @Option(name: .customLong("dept"), help: ArgumentHelp("Another department: its name or node id.", valueName: "department"))
        var department: String?

        @OptionGroup var client: ClientOptions

        func run() throws {
            let daemon = try DaemonSession.open(client, command: "ideamesh workflow")
            let output = Output(json: client.json)
            let (report, raw) = try daemon.call(API.RolesList.self, .init(origin: department))
            output.emit(raw["workflow"] ?? raw) { GovernanceViews.workflow(report.workflow, context: output.context) }
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the moves this department's ideas' status may make, replacing the workflow (admins).",
            discussion: """
                Each move is FROM>TO, e.g. 'proposed>under-review' (quote it: > redirects in a shell). \
                Setting the status an idea already has, with a new reason, is always allowed. \
                Statuses: proposed, under-review, testing, adopted, spread, declined, closed. \
                `--standard` goes back to the standard workflow.
                """)

        @Argument(help: ArgumentHelp("The moves, each FROM>TO.", valueName: "move"))
        var moves: [String] = []

        @Flag(help: "Go back to the standard workflow.")
        var standard = false

        @OptionGroup var client: ClientOptions

        func validate() throws {
            guard moves.isEmpty != !standard else {
                throw ValidationError(standard ? "give either moves or --standard, not both" : "give the moves, each FROM>TO, or --standard")
            }
        }

        func run() throws {
            let daemon = try DaemonSession.open(client, command: "ideamesh workflow set")
            let output = Output(json: client.json)
            let (_, raw) = try daemon.call(API.WorkflowSet.self, standard ? .init(standard: true) : .init(moves: moves))
            let (report, _) = try daemon.call(API.RolesList.self, .init())
            output.emit(raw) {
                "This department's workflow is set, on every node:\n" + GovernanceViews.workflow(report.workflow, context: output.context)
            }
        }
    }
}
