import MeshControl
import MeshStore

/// A refusal (CONTROL.md "Errors"): its code, the message the caller sees, and what only the
/// daemon's log gets.
struct ControlError: Error, Encodable, Equatable, Sendable {
    typealias Code = ControlErrorCode

    let code: Code
    let message: String
    /// What only the daemon's log gets (a store error as SQLite gave it); never in the reply.
    let detail: String?
    /// What a `patient_data` refusal found (`PatientDataScreen`); in the reply, beside the message.
    let findings: [FlaggedText]?

    init(_ code: Code, _ message: String, detail: String? = nil, findings: [FlaggedText]? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
        self.findings = findings
    }

    /// The store failed: the reply says plainly what happened (`StoreFailure`); the error as
    /// it was, SQL and all, is the detail for the log.
    static func store(_ error: any Error) -> ControlError {
        ControlError(.unavailable, "store: \(StoreFailure.summary(of: error))", detail: "\(error)")
    }

    private enum CodingKeys: String, CodingKey {
        case code, message, findings
    }

    /// This error with `hint` after its message when it is `not_found` (what to do about it).
    func adding(notFoundHint hint: String?) -> ControlError {
        guard code == .notFound, let hint else { return self }
        return ControlError(code, "\(message): \(hint)")
    }
}
