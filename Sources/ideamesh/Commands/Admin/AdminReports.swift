import ArgumentParser
import MeshClient
import MeshCharts
import MeshControl

// The read-only admin reports: one request each, a view for people, the result for --json.

struct AdminStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "This node: department, id, uptime, ops held, store size, peers.")

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh admin status")
        let output = Output(json: client.json)
        let (status, raw) = try daemon.call(API.AdminStatus.self)
        output.emit(raw) { AdminViews.status(status, context: output.context) }
    }
}

struct AdminPeersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "peers", abstract: "Open connections to other departments, and the addresses this node dials.")

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh admin peers")
        let output = Output(json: client.json)
        let (peers, raw) = try daemon.call(API.AdminPeers.self)
        output.emit(raw) { AdminViews.peers(peers, context: output.context) }
    }
}

struct AdminReplicationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replication",
        abstract: "Replication lag: for each origin, how many of its ops each connected peer lacks.")

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh admin replication")
        let output = Output(json: client.json)
        let (report, raw) = try daemon.call(API.AdminReplication.self)
        output.emit(raw) { AdminViews.replication(report, context: output.context) }
    }
}

struct AdminWhereCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "where",
        abstract: "Which peers hold an idea and its latest change.")

    @Argument(help: ArgumentHelp("The idea's id.", valueName: "id"))
    var id: String

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh admin where")
        let output = Output(json: client.json)
        let (report, raw) = try daemon.call(API.AdminWhere.self, .init(id: id))
        output.emit(raw) { AdminViews.whereIs(report, context: output.context) }
    }
}

struct AdminConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "Ideas whose fields hold concurrent values, with who wrote each.")

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh admin conflicts")
        let output = Output(json: client.json)
        let (report, raw) = try daemon.call(API.AdminConflicts.self)
        output.emit(raw) { AdminViews.conflicts(report, context: output.context) }
    }
}

struct AdminVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Compare this node's state with a connected peer's.")

    @Argument(help: ArgumentHelp("The peer: its department's name (e.g. \"Renal Ward\"), its node id, or a prefix of it.", valueName: "peer"))
    var peer: String

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh admin verify")
        let output = Output(json: client.json)
        let (result, raw) = try daemon.call(API.AdminVerify.self, .init(peer: peer))
        output.emit(raw) { AdminViews.verify(result, context: output.context) }
    }
}

struct AdminDigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "The digest of this node's state and the highest seq held of each origin.",
        discussion: "Two nodes have the same digest exactly when they hold the same state.")

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh admin digest")
        let output = Output(json: client.json)
        let (digest, raw) = try daemon.call(API.AdminDigest.self)
        output.emit(raw) { AdminViews.digest(digest, context: output.context) }
    }
}

struct AdminMetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "The daemon's metrics in the Prometheus text format.")

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh admin metrics")
        let (metrics, raw) = try daemon.call(API.AdminMetrics.self)
        Output(json: client.json).emit(raw) { metrics.text }
    }
}
