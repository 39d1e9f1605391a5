import MeshCharts
import MeshControl

/// What the CLI says when the daemon finds text that looks like patient-identifiable data
/// (CONTROL.md §5.8, `patient_data`): what was seen, where, in words for the nurse who typed it.
enum PatientDataView {
    static let question = "Store it anyway? [y/N] "

    /// "This looks like patient-identifiable information: NHS number 943 476 5919 (valid check
    /// digit) in the problem." and why it matters; one finding in the sentence, several as a
    /// list. `place` names where a finding was ("the problem"; `import`: the file's line).
    static func render(_ findings: [FlaggedText], place: (FlaggedText) -> String = place) -> String {
        let seen = findings.map { "\($0.label) \($0.excerpt) (\($0.explanation)) in \(place($0))" }
        let lead = "This looks like patient-identifiable information:"
        let list = seen.count == 1 ? "\(lead) \(seen[0])." : ([lead] + seen.map { "  - \($0)" }).joined(separator: "\n")
        return list + "\nPatient details must not be stored in ideamesh: every department keeps a copy of what is stored."
    }

    /// What to say before asking: when storing it is right.
    static let askNote = "If it is not about a patient (a colleague's name, say), you may store it."

    /// "the problem", "the comment", "row 2's title".
    static func place(_ finding: FlaggedText) -> String {
        let field = finding.param == "text" ? "comment" : finding.param.replacingOccurrences(of: "_", with: " ")
        return finding.row.map { "row \($0)'s \(field)" } ?? "the \(field)"
    }
}
