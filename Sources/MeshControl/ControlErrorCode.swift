/// Why the daemon refused a request (CONTROL.md §3): the `code` of a reply's `error`.
public enum ControlErrorCode: String, Codable, Sendable, CaseIterable {
    /// Not JSON, not an object, a missing or mistyped field, an unknown key.
    case badRequest = "bad_request"
    case unknownMethod = "unknown_method"
    /// Well formed, but the content breaks a rule.
    case invalid
    /// The target is not held here (yet).
    case notFound = "not_found"
    /// Well formed, but what it asks cannot be done in the current state (already supported,
    /// one's own idea, a closed cycle): nothing in the request is wrong to fix.
    case notAllowed = "not_allowed"
    /// The text to store looks like patient-identifiable data (`PatientDataScreened`): nothing
    /// was stored; the reply's `findings` say what was seen. Sent again with `patient_data_ok`,
    /// the request is taken.
    case patientData = "patient_data"
    /// The caller may not call the method (`ControlAccess`).
    case forbidden
    /// A request line over 1 MiB.
    case tooLarge = "too_large"
    /// The store failed; retry later.
    case unavailable
}
