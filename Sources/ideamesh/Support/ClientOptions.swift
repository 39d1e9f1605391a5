import ArgumentParser
import Foundation
import MeshCharts
import MeshControl
import MeshModel

/// The options every command that talks to the daemon shares.
struct ClientOptions: ParsableArguments {
    /// Where the daemon puts its socket unless its config says otherwise.
    static let defaultSocket = ControlDefaults.socketPath

    @Option(
        name: .customLong("socket"),
        help: ArgumentHelp("The daemon's control socket (default: $IDEAMESH_SOCKET, else \(defaultSocket)).", valueName: "path"))
    var socket: String?

    @Flag(help: "Print JSON for scripts instead of text for people.")
    var json = false

    /// `--socket`, else `IDEAMESH_SOCKET`, else the default.
    func socketPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let socket, !socket.isEmpty { return socket }
        if let fromEnvironment = environment["IDEAMESH_SOCKET"], !fromEnvironment.isEmpty { return fromEnvironment }
        return Self.defaultSocket
    }
}
