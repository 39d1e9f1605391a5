import MeshClient
import MeshCharts
import MeshControl

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
        case .unreachable(let path, .noSocket):
            return CLIError("cannot reach ideameshd at \(path): there is no socket there. \(startHint)", exitCode: unreachable)
        case .unreachable(let path, .refused):
            return CLIError(
                "cannot reach ideameshd at \(path): connection refused. The socket is there, but no daemon listens on it: ideameshd has stopped.",
                hint: "Start it again (`systemctl start ideameshd`, or `ideameshd run --data DIR`), and see its log for why it stopped.",
                exitCode: unreachable)
        case .unreachable(let path, .permissionDenied(let group?)):
            return CLIError(
                "cannot reach ideameshd at \(path): permission denied (you are not in group \(group), which may use it).",
                hint: "Ask your department's ideamesh admin to add you to the daemon's staff group ([control] staff_group in its config), then log in again.",
                exitCode: unreachable)
        case .unreachable(let path, .permissionDenied(nil)):
            return CLIError(
                "cannot reach ideameshd at \(path): permission denied (the socket or its directory lets no other user in).",
                hint: "Ask your department's ideamesh admin: the daemon's [control] socket should be in a directory staff can reach (the default, /run/ideamesh), and [control] staff_group names who may connect.",
                exitCode: unreachable)
        case .unreachable(let path, .notASocket(let what)):
            return CLIError(
                "cannot reach ideameshd at \(path): that is \(what).",
                hint: "Point --socket or IDEAMESH_SOCKET at the daemon's control socket: [control] socket in its config (default /run/ideamesh/control.sock).",
                exitCode: unreachable)
        case .unreachable(let path, .pathTooLong(let bytes)):
            return CLIError(
                "cannot reach ideameshd at \(path): the path is \(bytes) bytes long, and a Unix socket path holds at most 107.",
                hint: "Use a shorter path to the socket (a symbolic link does not help: the limit is on the path given), e.g. move the daemon's [control] socket.",
                exitCode: unreachable)
        case .unreachable(let path, .other(let reason)):
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
        case .refused(let method, let code, let message, _):
            return refusal(method: method, code: code, message: message, command: command)
        }
    }

    /// What to check when the daemon does not hold what was named.
    static func notFoundHint(method: String) -> String {
        switch method {
        case API.IdeaList.name:
            return "Check the department's name (as `ideamesh list` shows it under DEPT) or its node id."
        case API.AdminVerify.name:
            return "The peer must be connected and in sync: see `ideamesh admin peers`."
        case API.AdminForkResolve.name:
            return "That origin has no fork here: see `ideamesh admin forks`."
        case API.AdminTrustRemove.name:
            return "That node is not on the trust list: see `ideamesh admin trust list`."
        case API.CommentEdit.name, API.CommentRetract.name:
            return "Check the comment's id with `ideamesh show IDEA`."
        case API.MeasureRecord.name, API.MeasureChart.name, API.MeasureCompare.name:
            return "Check the measure's id with `ideamesh measure list IDEA`; a measure another department defined moments ago may still be on its way."
        case API.MeasureRetract.name:
            return "Check the observation's id with `ideamesh measure show MEASURE`."
        case API.PDSADo.name, API.PDSAStudy.name, API.PDSAAct.name:
            return "Give the cycle's id, not the idea's: `ideamesh show IDEA` lists the idea's PDSA cycles with their ids."
        case API.ThemeArchive.name:
            return "`ideamesh themes --archived` lists the themes there are."
        default:
            return "Check the id with `ideamesh list` or `ideamesh search TEXT`; an idea another department wrote moments ago may still be on its way."
        }
    }

    /// What to do instead when the request was right but the state forbids it (`not_allowed`:
    /// nothing in it is wrong to fix).
    static func notAllowedHint(method: String) -> String? {
        switch method {
        case API.IdeaSupport.name:
            return "Nothing to do: your support is counted. `ideamesh unsupport ID` takes it back."
        case API.IdeaUnsupport.name:
            return "Nothing to do. `ideamesh support ID` supports the idea."
        case API.IdeaAdopt.name:
            return "Nothing to do: work on your department's own idea or copy (`ideamesh show ID`, then `ideamesh pdsa start ID`)."
        case API.CommentEdit.name:
            return "Add a comment of your own instead: `ideamesh comment add ID TEXT`."
        case API.CommentRetract.name:
            return "Only its author retracts a comment, once; `ideamesh show IDEA` shows which are retracted."
        case API.PDSADo.name, API.PDSAStudy.name, API.PDSAAct.name:
            return "Start a new cycle on the idea for the next test of change: `ideamesh pdsa start IDEA --plan ... --prediction ...`."
        case API.MeasureRetract.name:
            return "Nothing to do: a retracted observation already counts in no chart."
        case API.ThemeArchive.name:
            return "Nothing to do. `ideamesh themes --archived` lists archived themes."
        case API.AdminTrustAdd.name:
            return "Nothing to do: list the other departments' node ids, as `ideameshd init` printed them."
        case API.AdminTrustRemove.name:
            return "Edit [trust] nodes in the daemon's config file, then reload it with `systemctl reload ideameshd` (or SIGHUP)."
        default:
            return nil
        }
    }

    /// A daemon's refusal (CONTROL.md §3): the daemon's message, and what to do.
    static func refusal(method: String, code: ControlErrorCode?, message: String, command: String) -> CLIError {
        switch code {
        case .forbidden?:
            let nodeAdmins = "root, the daemon's user, and the users and groups in [control] admin_users and admin_groups of the daemon's config"
            let who = switch API.all.first(where: { $0.name == method })?.access {
            case .leader?: "This is for the department's leaders and admins (`ideamesh roles` lists them) and the node's admins: \(nodeAdmins)."
            case .departmentAdmin?: "This is for the department's admins (`ideamesh roles` lists them) and the node's admins: \(nodeAdmins)."
            default: "Admin commands are for the node's admins: \(nodeAdmins)."
            }
            return CLIError("refused: \(message)", hint: "\(who) Ask your department's ideamesh admin.")
        case .notFound?:
            return CLIError(message, hint: notFoundHint(method: method))
        case .invalid?:
            return CLIError(message, hint: "Fix the value and try again; see `\(command) --help`.")
        case .notAllowed?:
            return CLIError(message, hint: notAllowedHint(method: method))
        case .badRequest?:
            return CLIError(message, hint: "ideamesh sent a request this ideameshd does not accept: they may be different versions; see `\(command) --help`.")
        case .unknownMethod?:
            return CLIError(
                "this ideameshd does not know the request \(method): \(message)",
                hint: "The daemon is older than this ideamesh: upgrade ideameshd.")
        case .unavailable?:
            return CLIError(message, hint: "The daemon's store failed; try again in a moment, and if it persists see the daemon's log.")
        case .patientData?:
            // Commands that store typed text ask first (`DaemonSession.call(_:_:patientData:)`).
            return CLIError(
                message,
                hint: "Edit the text to take the patient's details out. If it is not patient data (you have checked), run the command again with --not-patient-data.")
        case .tooLarge?:
            return CLIError(message, hint: "The request is over the daemon's 1 MiB limit; send less at a time.")
        case nil:
            // A code this ideamesh does not know: the message starts with it.
            return CLIError(message)
        }
    }
}
