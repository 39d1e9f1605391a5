/// A piece of text that looks like it identifies a patient (`PatientDataCheck`): what it looks
/// like, the text as it was typed, and why, in words for the person who typed it.
public struct PatientDataFinding: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        /// 10 digits whose NHS Modulus 11 check digit is valid.
        case nhsNumber = "nhs_number"
        /// A real calendar date next to a cue such as "DOB" or "born".
        case dateOfBirth = "date_of_birth"
        /// "Mr", "Mrs", "Ms", "Miss" or "Mx" followed by a capitalised name.
        case nameWithTitle = "name_with_title"

        /// What it is called, for people: "NHS number".
        public var label: String {
            switch self {
            case .nhsNumber: "NHS number"
            case .dateOfBirth: "date of birth"
            case .nameWithTitle: "name"
            }
        }
    }

    public let kind: Kind
    /// The text as it was found: "943 476 5919", "12/03/1954", "Mrs O'Neill".
    public let excerpt: String
    /// Why it looks like patient data: "valid check digit", "written after “DOB”".
    public let explanation: String

    public init(kind: Kind, excerpt: String, explanation: String) {
        self.kind = kind
        self.excerpt = excerpt
        self.explanation = explanation
    }

    /// "NHS number 943 476 5919 (valid check digit)".
    public var description: String { "\(kind.label) \(excerpt) (\(explanation))" }
}
