import MeshCharts
import ArgumentParser
import Foundation

/// The staff and admin CLI: a client of the department's daemon, `ideameshd`, over its control
/// socket (Protocol/CONTROL.md). Commands are wiring: the daemon does the work, `Views/` lay the
/// results out for people, `--json` passes them through for scripts.
@main
struct Ideamesh: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ideamesh",
        abstract: "Share improvement ideas across hospital departments.",
        discussion: """
            ideamesh talks to your department's ideameshd daemon over its control socket: \
            --socket PATH, else $IDEAMESH_SOCKET, else /run/ideamesh/control.sock. Every command \
            that reads prints a table for people, or JSON for scripts with --json. These two \
            options go before the command or after it: `ideamesh --socket PATH list` and \
            `ideamesh list --socket PATH` are the same.

            Text must be UTF-8 wherever it comes from (arguments, files, standard input, \
            answers at a prompt): anything else is refused, and nothing is changed.

            Exit status: 0 done; 1 a user error (the message says what to do); 2 the daemon \
            cannot be reached (the message says why: not running, no socket there, or no permission).
            """,
        version: "0.1.0",
        subcommands: [
            SubmitCommand.self, ListCommand.self, MineCommand.self, ShowCommand.self, SearchCommand.self,
            SupportCommand.self, UnsupportCommand.self, CommentCommand.self, StatusCommand.self, RedactCommand.self,
            LinkCommand.self, AdoptCommand.self, EditCommand.self, NameCommand.self, PeopleCommand.self, RolesCommand.self, RoleCommand.self, WorkflowCommand.self,
            ThemesCommand.self, ThemeCommand.self,
            PDSACommand.self, MeasureCommand.self, SpreadCommand.self,
            DigestCommand.self, ExportCommand.self, ImportCommand.self, AdminCommand.self, Demo.self,
        ])

    /// The global options, given before the command (`ideamesh --socket P list`) or after it
    /// (`ideamesh list --socket P`): a subcommand's `@OptionGroup var client: ClientOptions`
    /// takes the values parsed here (ArgumentParser hands a parent's option group down).
    @OptionGroup var client: ClientOptions

    /// Parses and runs, with the CLI's exit statuses: a usage error is a user error (1, where
    /// ArgumentParser would say 64), a `CLIError` carries its own.
    static func main() {
        do {
            try TextInput.checkArguments()
            var command = try parseAsRoot(SignedNumber.protect(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch let error as CLIError {
            Terminal.writeError(error.description + "\n")
            Foundation.exit(error.exitCode)
        } catch {
            if exitCode(for: error) == .validationFailure {
                Terminal.writeError(fullMessage(for: error) + "\n")
                Foundation.exit(CLIError.userError)
            }
            exit(withError: error)
        }
    }
}
