import MeshControl
import MeshModel

/// The patient-data warning of local writes (CONTROL.md §5.8): a request of a method that
/// stores text staff typed (`PatientDataScreened`) whose text looks like patient-identifiable
/// data (`PatientDataCheck`) is refused as `patient_data`, with what was found, and nothing is
/// written, unless it says `patient_data_ok`. A warning for the person typing, not a content
/// rule: ops from other nodes are never screened, and nothing found is logged.
enum PatientDataScreen {
    /// Refuses `params` when they are screened, hold text that looks like patient data, and do
    /// not say that the caller has checked it.
    static func check(_ params: some ControlParams) throws(ControlError) {
        guard let screened = params as? any PatientDataScreened, screened.patientDataOk != true else { return }
        let findings = findings(in: screened.screenedText)
        guard !findings.isEmpty else { return }
        throw ControlError(.patientData, message(findings), findings: findings)
    }

    static func findings(in texts: [ScreenedText]) -> [FlaggedText] {
        texts.flatMap { screened in
            PatientDataCheck.findings(in: screened.text).map {
                FlaggedText(
                    param: screened.param, row: screened.row, kind: $0.kind.rawValue, label: $0.kind.label, excerpt: $0.excerpt,
                    explanation: $0.explanation)
            }
        }
    }

    /// The refusal's message, for clients that do not read `findings`: what was seen where,
    /// and the two ways on.
    static func message(_ findings: [FlaggedText]) -> String {
        let seen = findings.map { finding in
            "\(finding.label) \(finding.excerpt) (\(finding.explanation)) in \(finding.row.map { "row \($0) " } ?? "")\(finding.param)"
        }
        return "this looks like patient-identifiable information: \(seen.joined(separator: "; ")). Nothing was stored: "
            + "patient details must not be stored in ideamesh. Remove them, or, if you have checked that this is not patient data, "
            + "send the request again with patient_data_ok: true"
    }
}
