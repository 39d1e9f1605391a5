import MeshClient

/// What a command fails with: a message, what to do about it, and the exit status.
///
/// Exit statuses (the README's CLI section): 0 done, 1 a user error (a bad value, an unknown idea,
/// a refusal), 2 the daemon cannot be reached.
struct CLIError: Error, Equatable, CustomStringConvertible {
    var message: String
    var hint: String?
    var exitCode: Int32

    static let userError: Int32 = 1
    static let unreachable: Int32 = 2

    init(_ message: String, hint: String? = nil, exitCode: Int32 = userError) {
        self.message = message
        self.hint = hint
        self.exitCode = exitCode
    }

    /// What goes to stderr.
    var description: String {
        "Error: \(message)" + (hint.map { "\nHint: \($0)" } ?? "")
    }

    static var startHint: String {
        "Is it running? Start it with `ideameshd run --data DIR` (or `systemctl start ideameshd`), or point --socket / IDEAMESH_SOCKET at its control socket."
    }

    /// Maps a control client error to what the person at the CLI sees. `command` is the command as
    /// typed (e.g. "ideamesh show"), for the hints.
    static func from(_ error: ControlClientError, command: String) -> CLIError {
        switch error {
        case .unreachable(let path, let reason):
            return CLIError("cannot reach ideameshd at \(path): \(reason). \(startHint)", exitCode: unreachable)
        case .connectionLost(let path, let reason):
            return CLIError(
                "lost the connection to ideameshd at \(path): \(reason)",
                hint: "The daemon may have stopped or restarted; check it (`systemctl status ideameshd` or its log) and try again.",
                exitCode: unreachable)
        case .timedOut(let path):
            return CLIError(
                "ideameshd at \(path) did not answer in time",
                hint: "The daemon may be overloaded or stuck; check its log, and try again.",
                exitCode: unreachable)
        case .protocolError(let why):
            return CLIError(
                "unexpected reply from ideameshd: \(why)",
                hint: "ideamesh and ideameshd may be different versions; install matching ones.")
        case .refused(let method, let code, let message):
            return refusal(method: method, code: code, message: message, command: command)
        }
    }

    /// What to check when the daemon does not hold what was named.
    static func notFoundHint(method: String) -> String {
        switch method {
        case "idea.list":
            return "Check the department's name (as `ideamesh list` shows it under DEPT) or its node id."
        case "admin.verify":
            return "The peer must be connected and in sync: see `ideamesh admin peers`."
        case "admin.fork.resolve":
            return "That origin has no fork here: see `ideamesh admin forks`."
        case "admin.trust.remove":
            return "That node is not on the trust list: see `ideamesh admin trust list`."
        case "comment.edit", "comment.retract":
            return "Check the comment's id with `ideamesh show IDEA`."
        case "measure.record", "measure.chart", "measure.compare":
            return "Check the measure's id with `ideamesh measure list IDEA`; a measure another department defined moments ago may still be on its way."
        case "measure.retract":
            return "Check the observation's id with `ideamesh measure show MEASURE`."
        case "pdsa.do", "pdsa.study", "pdsa.act":
            return "Check the cycle's id with `ideamesh show IDEA`."
        default:
            return "Check the id with `ideamesh list` or `ideamesh search TEXT`; an idea another department wrote moments ago may still be on its way."
        }
    }

    /// A daemon's refusal (CONTROL.md §3): the daemon's message, and what to do.
    static func refusal(method: String, code: String, message: String, command: String) -> CLIError {
        switch code {
        case "forbidden":
            let who = method.hasPrefix("admin.")
                ? "Admin commands are for root, the daemon's user, and the users and groups in [control] admin_users and admin_groups of the daemon's config."
                : "This is for department leaders: root, the daemon's user, and the users and groups in [control] admin_users and admin_groups of the daemon's config."
            return CLIError("refused: \(message)", hint: "\(who) Ask your department's ideamesh admin.")
        case "not_found":
            return CLIError(message, hint: notFoundHint(method: method))
        case "invalid":
            return CLIError(message, hint: "Fix the value and try again; see `\(command) --help`.")
        case "bad_request":
            return CLIError(message, hint: "ideamesh sent a request this ideameshd does not accept: they may be different versions; see `\(command) --help`.")
        case "unknown_method":
            return CLIError(
                "this ideameshd does not know the request \(method): \(message)",
                hint: "The daemon is older than this ideamesh: upgrade ideameshd.")
        case "unavailable":
            return CLIError(message, hint: "The daemon's store failed; try again in a moment, and if it persists see the daemon's log.")
        case "too_large":
            return CLIError(message, hint: "The request is over the daemon's 1 MiB limit; send less at a time.")
        default:
            return CLIError("\(code): \(message)")
        }
    }
}
