/// One of the `findings` of a `patient_data` refusal (CONTROL.md §5.8): a piece of text that
/// looks like patient-identifiable data, where it was, and why.
public struct FlaggedText: Codable, Sendable, Equatable {
    /// The param it was in (`problem`; for `import`, the row's field).
    public var param: String
    /// For `import`: the row, from 1.
    public var row: Int?
    /// `nhs_number`, `date_of_birth` or `name_with_title` (a newer daemon may add others).
    public var kind: String
    /// What it looks like, for people: "NHS number", "date of birth", "name".
    public var label: String
    /// The text as it was typed: "943 476 5919".
    public var excerpt: String
    /// Why it looks like one: "valid check digit", "next to “DOB”".
    public var explanation: String

    public init(param: String, row: Int? = nil, kind: String, label: String, excerpt: String, explanation: String) {
        self.param = param
        self.row = row
        self.kind = kind
        self.label = label
        self.excerpt = excerpt
        self.explanation = explanation
    }
}
