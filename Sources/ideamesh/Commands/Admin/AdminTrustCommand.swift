import ArgumentParser
import MeshClient
import MeshCharts
import MeshControl

struct AdminTrustCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust",
        abstract: "The nodes allowed to connect: list, add, remove.",
        discussion: """
            Nodes added here are kept in the data dir (trusted-nodes) and take effect at once; \
            nodes listed under [trust] in the config are changed by editing it (then SIGHUP).
            """,
        subcommands: [List.self, Add.self, Remove.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the trusted nodes and where each comes from.")

        @OptionGroup var client: ClientOptions

        func run() throws {
            let daemon = try DaemonSession.open(client, command: "ideamesh admin trust list")
            let output = Output(json: client.json)
            let (list, raw) = try daemon.call(API.AdminTrustList.self)
            output.emit(raw) { AdminViews.trust(list, context: output.context) }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Trust a node: it may connect from now on.")

        @Argument(help: ArgumentHelp("The node's id (52 characters, as `ideameshd init` printed it), or the name of a department a trusted peer told of.", valueName: "node"))
        var node: String

        @OptionGroup var client: ClientOptions

        func run() throws {
            let daemon = try DaemonSession.open(client, command: "ideamesh admin trust add")
            let (change, raw) = try daemon.call(API.AdminTrustAdd.self, .init(nodeId: node))
            Output(json: client.json).emit(raw) { change.changed == false ? "\(change.nodeId) was trusted already." : "Trusted \(change.nodeId): it may connect from now on." }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop trusting a node added with `trust add`.")

        @Argument(help: ArgumentHelp("The node: its department's name, its id, or a prefix of at least 4 characters.", valueName: "node"))
        var node: String

        @OptionGroup var client: ClientOptions

        func run() throws {
            let daemon = try DaemonSession.open(client, command: "ideamesh admin trust remove")
            let (change, raw) = try daemon.call(API.AdminTrustRemove.self, .init(nodeId: node))
            Output(json: client.json).emit(raw) { "No longer trusted: \(change.nodeId); its connections are closed." }
        }
    }
}
