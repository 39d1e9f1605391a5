/// Params of a method that stores free text staff typed (CONTROL.md §5.8, "Patient data"). The
/// daemon looks through `screenedText` for what looks like patient-identifiable data before it
/// writes anything, and refuses the request (`patient_data`, with the findings) unless
/// `patientDataOk` is true: the caller has checked, and it is not patient data.
///
/// The methods that conform are listed here, in one place: every method whose text a person
/// types and every department then keeps.
public protocol PatientDataScreened: ControlParams {
    /// `patient_data_ok`: "I have checked: this is not patient data".
    var patientDataOk: Bool? { get set }
    /// The free text to look through, each with the param it came in.
    var screenedText: [ScreenedText] { get }
}

/// One param's free text, as `PatientDataScreened` gives it to the daemon to look through.
public struct ScreenedText: Sendable, Equatable {
    /// The param (`problem`; for `import`, the row's field, e.g. `title`).
    public var param: String
    /// For `import`: the row, from 1.
    public var row: Int?
    public var text: String

    public init(param: String, row: Int? = nil, text: String) {
        self.param = param
        self.row = row
        self.text = text
    }
}

extension API.IdeaSubmit.Params: PatientDataScreened {
    public var screenedText: [ScreenedText] {
        [.init(param: "title", text: title), .init(param: "problem", text: problem), .init(param: "solution", text: solution)]
    }
}

extension API.IdeaEdit.Params: PatientDataScreened {
    public var screenedText: [ScreenedText] {
        [("title", title), ("problem", problem), ("solution", solution)].compactMap { param, text in text.map { .init(param: param, text: $0) } }
    }
}

extension API.IdeaSetStatus.Params: PatientDataScreened {
    public var screenedText: [ScreenedText] { [.init(param: "reason", text: reason)] }
}

/// `idea.comment` and `comment.edit`.
extension API.IdTextParams: PatientDataScreened {
    public var screenedText: [ScreenedText] { [.init(param: "text", text: text)] }
}

extension API.CommentRetract.Params: PatientDataScreened {
    public var screenedText: [ScreenedText] { reason.map { [.init(param: "reason", text: $0)] } ?? [] }
}

extension API.PDSAStart.Params: PatientDataScreened {
    public var screenedText: [ScreenedText] { [.init(param: "plan", text: plan), .init(param: "prediction", text: prediction)] }
}

/// `pdsa.do` and `pdsa.study`.
extension API.CycleStepParams: PatientDataScreened {
    public var screenedText: [ScreenedText] { notes.map { [.init(param: "notes", text: $0)] } ?? [] }
}

extension API.PDSAAct.Params: PatientDataScreened {
    public var screenedText: [ScreenedText] { notes.map { [.init(param: "notes", text: $0)] } ?? [] }
}

extension API.MeasureRecord.Params: PatientDataScreened {
    public var screenedText: [ScreenedText] { note.map { [.init(param: "note", text: $0)] } ?? [] }
}

extension API.MeasureRetract.Params: PatientDataScreened {
    public var screenedText: [ScreenedText] { reason.map { [.init(param: "reason", text: $0)] } ?? [] }
}

extension API.Import.Params: PatientDataScreened {
    /// Each row's `title`, `problem` and `solution` that are strings (a row of another shape is
    /// refused later, as `invalid`).
    public var screenedText: [ScreenedText] {
        rows.enumerated().flatMap { index, row -> [ScreenedText] in
            guard case .object(let fields) = row else { return [] }
            return ["title", "problem", "solution"].compactMap { param in
                guard case .string(let text)? = fields[param] else { return nil }
                return ScreenedText(param: param, row: index + 1, text: text)
            }
        }
    }
}
