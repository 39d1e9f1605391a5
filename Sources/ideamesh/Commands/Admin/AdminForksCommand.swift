import ArgumentParser
import MeshClient
import MeshCharts
import MeshControl

struct AdminForksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forks",
        abstract: "List forked origins, or resolve one.",
        discussion: """
            A fork is a second, different op at an origin and seq this node already holds (a \
            restored backup of a node, or a copied identity). The op is quarantined and that \
            origin's further ops wait until an admin resolves it.
            """,
        subcommands: [List.self, Resolve.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the forks held in quarantine.")

        @OptionGroup var client: ClientOptions

        func run() throws {
            let daemon = try DaemonSession.open(client, command: "ideamesh admin forks")
            let output = Output(json: client.json)
            let (report, raw) = try daemon.call(API.AdminForks.self)
            output.emit(raw) { AdminViews.forks(report, context: output.context) }
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keep the chain held here, drop the origin's quarantined op(s), and unblock it.")

        @Argument(help: ArgumentHelp("The forked origin: its department's name, its node id, or a prefix of it.", valueName: "origin"))
        var origin: String

        @Flag(help: "Do not ask for confirmation.")
        var yes = false

        @OptionGroup var client: ClientOptions

        func run() throws {
            let daemon = try DaemonSession.open(client, command: "ideamesh admin forks resolve")
            let terminal = Terminal.current()
            // Nothing to confirm when there is nothing to resolve.
            if try daemon.call(API.AdminForks.self).value.forks.isEmpty {
                throw CLIError("there is no fork here to resolve; nothing changed", hint: "`ideamesh admin forks` lists the forks this node holds.")
            }
            if !yes {
                guard terminal.stdinIsTTY else {
                    throw CLIError("resolving a fork drops ops: confirm with --yes", hint: "ideamesh admin forks resolve \(origin) --yes")
                }
                let answer = try Terminal.ask("Drop the quarantined op(s) of \(origin) and keep the chain held here? [y/N] ")
                guard let answer, ["y", "yes"].contains(answer.lowercased()) else { throw CLIError("cancelled: nothing changed") }
            }
            let (resolved, raw) = try daemon.call(API.AdminForkResolve.self, .init(origin: origin))
            Output(json: client.json, terminal: terminal).emit(raw) {
                "Resolved the fork of \(resolved.origin): dropped \(resolved.dropped.map(String.init) ?? "its") quarantined op(s); the origin is unblocked."
            }
        }
    }
}
