import MeshCRDT

/// A text that can be erased (Protocol/README.md, "Erasure").
public enum RedactField: String, CaseIterable, Hashable, Sendable {
    case title, problem, solution
    /// A comment's text: the redaction's target is the comment.
    case comment

    /// The idea field it erases; nil for a comment.
    public var ideaField: IdeaField? {
        switch self {
        case .title: .title
        case .problem: .problem
        case .solution: .solution
        case .comment: nil
        }
    }
}

/// What a `redact` op erases: `field` of `target` (an idea, or a comment for `.comment`) in each
/// op of `ops`, the writes of it the writer had seen.
public struct Redaction: Hashable, Sendable {
    public var target: OpID
    public var field: RedactField
    public var ops: [OpID]
    public var reason: String

    public init(target: OpID, field: RedactField, ops: [OpID], reason: String) {
        self.target = target
        self.field = field
        self.ops = ops
        self.reason = reason
    }
}

/// How erased texts read, and which texts of a body are erasable.
public enum Erasure {
    /// The fields of an idea's content, in the order of their texts (`OpBody.texts`).
    public static let contentFields: [IdeaField] = [.title, .problem, .solution]

    /// What an erased text reads as everywhere: views, history, exports.
    public static let placeholder = "[removed: patient-identifiable]"

    /// The slots of `field` among `body`'s `texts` when `body` wrote `field` of `target`: the
    /// texts a redaction of `target`'s `field` erases in that op. Empty when the op did not
    /// write it (then the redaction has no effect on that op).
    ///
    /// An idea's field is written by its creation (`ideaCreate` or `adopt` with the idea's id),
    /// by its edits, and copied by adoptions of it (an `adopt` whose source it is). A comment's
    /// text is written by its `commentAdd` and its `commentEdit`s.
    public static func slots(of field: RedactField, target: OpID, in body: OpBody, id: OpID) -> [Int] {
        switch (body, field.ideaField) {
        case (.ideaCreate, let f?) where id == target:
            return contentFields.firstIndex(of: f).map { [$0] } ?? []
        case (.adopt(let source, _), let f?) where id == target || source == target:
            return contentFields.firstIndex(of: f).map { [$0] } ?? []
        case (.ideaEdit(let idea, let edits), let f?) where idea == target:
            var slots = [Int](), slot = 0
            for edit in edits where edit.field.isErasable {
                if edit.field == f { slots.append(slot) }
                slot += 1
            }
            return slots
        case (.commentAdd, nil) where id == target:
            return [0]
        case (.commentEdit(let comment, _), nil) where comment == target:
            return [0]
        default:
            return []
        }
    }
}

extension IdeaField {
    /// Whether edits of this field carry an erasable text (title, problem, solution).
    public var isErasable: Bool { Erasure.contentFields.contains(self) }
}

extension OpBody {
    /// The free texts of the body that op format 2 seals one by one so that each can be erased,
    /// in the order Protocol/README.md, "Op format 2" gives: an idea's title, problem and solution (creation,
    /// adoption, and each edit of one of them, in order); a status reason; a comment's text; a
    /// retraction's reason; a cycle's plan and prediction, and each step's notes; an
    /// observation's note. Other kinds have none.
    public var texts: [String] {
        switch self {
        case .ideaCreate(let c), .adopt(_, let c): [c.title, c.problem, c.solution]
        case .ideaEdit(_, let edits): edits.filter(\.field.isErasable).map(\.value)
        case .statusSet(_, _, let reason, _): [reason]
        case .commentAdd(_, let text), .commentEdit(_, let text): [text]
        case .commentRetract(_, let reason), .observationRetract(_, let reason): [reason]
        case .pdsaStart(_, let plan, let prediction): [plan, prediction]
        case .pdsaDo(_, let notes), .pdsaStudy(_, let notes), .pdsaAct(_, _, let notes): [notes]
        case .observationRecord(_, _, _, let note): [note]
        case .support, .unsupport, .themeDefine, .measureDefine, .link, .personName, .roleSet, .workflowSet, .redact, .unknown:
            []
        }
    }

    /// The body with its `texts` replaced, in the same order; nil when the count differs.
    public func replacingTexts(_ new: [String]) -> OpBody? {
        guard new.count == texts.count else { return nil }
        switch self {
        case .ideaCreate(var c):
            (c.title, c.problem, c.solution) = (new[0], new[1], new[2])
            return .ideaCreate(c)
        case .adopt(let source, var c):
            (c.title, c.problem, c.solution) = (new[0], new[1], new[2])
            return .adopt(source: source, content: c)
        case .ideaEdit(let idea, var edits):
            var next = new.makeIterator()
            for index in edits.indices where edits[index].field.isErasable { edits[index].value = next.next()! }
            return .ideaEdit(idea: idea, edits: edits)
        case .statusSet(let idea, let status, _, let seen): return .statusSet(idea: idea, status: status, reason: new[0], seen: seen)
        case .commentAdd(let idea, _): return .commentAdd(idea: idea, text: new[0])
        case .commentEdit(let comment, _): return .commentEdit(comment: comment, text: new[0])
        case .commentRetract(let comment, _): return .commentRetract(comment: comment, reason: new[0])
        case .observationRetract(let observation, _): return .observationRetract(observation: observation, reason: new[0])
        case .pdsaStart(let idea, _, _): return .pdsaStart(idea: idea, plan: new[0], prediction: new[1])
        case .pdsaDo(let cycle, _): return .pdsaDo(cycle: cycle, notes: new[0])
        case .pdsaStudy(let cycle, _): return .pdsaStudy(cycle: cycle, notes: new[0])
        case .pdsaAct(let cycle, let decision, _): return .pdsaAct(cycle: cycle, decision: decision, notes: new[0])
        case .observationRecord(let measure, let date, let value, _):
            return .observationRecord(measure: measure, date: date, value: value, note: new[0])
        case .support, .unsupport, .themeDefine, .measureDefine, .link, .personName, .roleSet, .workflowSet, .redact, .unknown:
            return self
        }
    }
}
