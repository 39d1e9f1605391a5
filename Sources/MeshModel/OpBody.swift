import MeshCRDT

/// One domain operation: what an op does. See DESIGN.md's CRDT table for each one's semantics.
///
/// Ids of things are the ids of the ops that created them: an idea's id is its `ideaCreate` (or
/// `adopt`) op's id, a comment's its `commentAdd` op's id, and so on.
public enum OpBody: Hashable, Sendable {
    case ideaCreate(IdeaContent)
    case ideaEdit(idea: OpID, edits: [FieldEdit])
    case statusSet(idea: OpID, status: IdeaStatus, reason: String, seen: [OpID])
    case support(idea: OpID)
    case unsupport(idea: OpID, supports: [OpID])
    case commentAdd(idea: OpID, text: String)
    case commentEdit(comment: OpID, text: String)
    case commentRetract(comment: OpID, reason: String)
    case themeDefine(Theme)
    case pdsaStart(idea: OpID, plan: String, prediction: String)
    case pdsaDo(cycle: OpID, notes: String)
    case pdsaStudy(cycle: OpID, notes: String)
    case pdsaAct(cycle: OpID, decision: PDSADecision, notes: String)
    case measureDefine(idea: OpID, MeasureDefinition)
    case observationRecord(measure: OpID, date: Day, value: Double, note: String)
    case observationRetract(observation: OpID, reason: String)
    case adopt(source: OpID, content: IdeaContent)
    case link(from: OpID, to: OpID, kind: LinkKind)
    /// A person's display name at the op's origin department (`login` is their staff handle,
    /// the `author` of their ops; a person names themself).
    case personName(login: String, name: String)
    /// A person's role at the op's origin department (by its admins).
    case roleSet(login: String, role: Role)
    /// The op's origin department's status workflow (by its admins).
    case workflowSet(Workflow)
    /// Erases `field` of `target` in each op of `ops` (Erasure.swift).
    case redact(Redaction)
    /// A body this version cannot read (a newer protocol, or values out of range). The op is still
    /// stored, chained and relayed; it has no effect here.
    case unknown

    /// A short name for logs, metrics and errors.
    public var kind: String {
        switch self {
        case .ideaCreate: "idea-create"
        case .ideaEdit: "idea-edit"
        case .statusSet: "status-set"
        case .support: "support"
        case .unsupport: "unsupport"
        case .commentAdd: "comment-add"
        case .commentEdit: "comment-edit"
        case .commentRetract: "comment-retract"
        case .themeDefine: "theme-define"
        case .pdsaStart: "pdsa-start"
        case .pdsaDo: "pdsa-do"
        case .pdsaStudy: "pdsa-study"
        case .pdsaAct: "pdsa-act"
        case .measureDefine: "measure-define"
        case .observationRecord: "observation-record"
        case .observationRetract: "observation-retract"
        case .adopt: "adopt"
        case .link: "link"
        case .personName: "person-name"
        case .roleSet: "role-set"
        case .workflowSet: "workflow-set"
        case .redact: "redact"
        case .unknown: "unknown"
        }
    }
}

/// A decoded op: who made it, where it sits in its origin's chain, and what it does.
public struct Op: Hashable, Sendable {
    public var origin: NodeID
    public var seq: UInt64
    /// SHA-256 of the previous op's bytes at this origin; empty for seq 1.
    public var prev: [UInt8]
    public var hlc: HLC
    /// Staff handle at the origin department; empty when anonymous.
    public var author: String
    public var body: OpBody

    public init(origin: NodeID, seq: UInt64, prev: [UInt8], hlc: HLC, author: String, body: OpBody) {
        self.origin = origin
        self.seq = seq
        self.prev = prev
        self.hlc = hlc
        self.author = author
        self.body = body
    }

    public var id: OpID { OpID(origin: origin, seq: seq) }
    public var stamp: WriteStamp { WriteStamp(hlc: hlc, origin: origin) }
}
