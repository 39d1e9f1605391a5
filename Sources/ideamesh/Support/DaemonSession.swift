import Foundation
import MeshClient
import MeshCharts
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

    /// `call` of a method that stores text people type (CONTROL.md §5.8). When the daemon finds
    /// text that looks like patient data, this shows what it found and, on a terminal, asks
    /// whether to store it anyway, sending it again, marked as checked, on "y"; with no terminal
    /// it refuses, saying how to go on. `--not-patient-data` marks it as checked from the start.
    /// `place` names where a finding was (`PatientDataView.place`); `beforeAsking` clears what
    /// the command drew on stderr (a progress bar).
    func call<M: ControlMethod>(
        _ method: M.Type, _ params: M.Params, patientData: PatientDataOptions, terminal: Terminal = .current(),
        place: (FlaggedText) -> String = PatientDataView.place, beforeAsking: () -> Void = {}
    ) throws(CLIError) -> (value: M.Result, raw: [String: Any]) where M.Params: PatientDataScreened {
        var params = params
        if patientData.notPatientData { params.patientDataOk = true }
        do {
            let (result, raw) = try connection.call(method, params)
            return (result, raw)
        } catch {
            guard case .refused(_, .patientData?, let message, let findings) = error, params.patientDataOk != true else {
                throw CLIError.from(error, command: command)
            }
            // A daemon whose findings this ideamesh cannot read still said what it saw.
            let seen = findings.isEmpty ? message : PatientDataView.render(findings, place: place)
            guard terminal.stdinIsTTY else {
                throw CLIError(
                    "\(seen)\nNothing was stored.",
                    hint: "Edit the text to take the patient's details out. If it is not patient data (you have checked), run the command again with --not-patient-data.")
            }
            beforeAsking()
            Terminal.writeError("\(seen)\n\(PatientDataView.askNote)\n")
            let answer = try Terminal.ask(PatientDataView.question)?.trimmingCharacters(in: .whitespaces).lowercased()
            guard answer == "y" || answer == "yes" else {
                throw CLIError("nothing was stored", hint: "Edit the text to take the patient's details out, and run the command again.")
            }
            params.patientDataOk = true
            return try call(method, params)
        }
    }

    /// `call` of a method that takes no params.
    func call<M: ControlMethod>(_ method: M.Type) throws(CLIError) -> (value: M.Result, raw: [String: Any]) where M.Params == NoParams {
        try call(method, NoParams())
    }
}
