import ArgumentParser
import Foundation
import Logging
import MeshNode

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the node: share ideas with the mesh and serve the ideamesh CLI.",
        discussion: """
            Reads the config (TOML; every key is explained in Config/ideameshd.example.toml), locks \
            the data dir, listens for peers, dials the seeds and the peers they tell it about, and \
            serves the control socket. Logs go to stderr.

            Signals: SIGTERM or SIGINT stops it gracefully (peers are told, the store is \
            checkpointed); SIGHUP reloads the trust list and the admin users and groups.

            Exit status: 0 after a clean stop, 1 when it cannot start (the message says why).
            """)

    @Option(name: .customLong("config"), help: ArgumentHelp("The node's config file.", valueName: "file"))
    var config: String?

    @Option(name: .customLong("data"), help: ArgumentHelp("A data dir made by `ideameshd init`; uses DIR/ideameshd.toml.", valueName: "dir"))
    var data: String?

    @Option(help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: String = "info"

    func validate() throws {
        if (config == nil) == (data == nil) { throw ValidationError("give either --config FILE or --data DIR") }
        if Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("unknown log level \"\(logLevel)\"; use trace, debug, info, notice, warning, error or critical")
        }
    }

    func run() throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let path = config ?? DataDirectory(path: data!).configPath
        let daemon = Daemon(configPath: path, logger: Logger(label: "ideameshd"))
        do {
            try daemon.run()
        } catch {
            FileHandle.standardError.write(Data("ideameshd: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
