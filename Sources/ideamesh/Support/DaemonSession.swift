import Foundation
import MeshClient
import MeshControl

/// The local daemon as a command talks to it: one control connection, and every failure mapped
/// to a `CLIError` (exit 2 when the daemon cannot be reached, 1 when it refuses).
struct DaemonSession {
    let connection: ControlConnection
    /// The command as typed (e.g. "ideamesh admin where"), for hints.
    let command: String

    /// How long a request may take. `import` and `backup` may write a lot.
    static let timeoutSeconds = 120

    static func open(_ options: ClientOptions, command: String) throws(CLIError) -> DaemonSession {
        do {
            return DaemonSession(connection: try ControlConnection(path: options.socketPath(), timeoutSeconds: timeoutSeconds), command: command)
        } catch {
            throw CLIError.from(error, command: command)
        }
    }

    /// The result of `method` with `params`, typed, and as it came (what `--json` prints).
    func call<M: ControlMethod>(_ method: M.Type, _ params: M.Params) throws(CLIError) -> (value: M.Result, raw: [String: Any]) {
        do {
            let (result, raw) = try connection.call(method, params)
            return (result, raw)
        } catch {
            throw CLIError.from(error, command: command)
        }
    }

    /// `call` of a method that takes no params.
    func call<M: ControlMethod>(_ method: M.Type) throws(CLIError) -> (value: M.Result, raw: [String: Any]) where M.Params == NoParams {
        try call(method, NoParams())
    }
}
