import Foundation
import MeshCRDT
import MeshModel
import SwiftProtobuf

/// Why bytes are not an op. An op that decodes but whose body this version cannot read is not an
/// error: its body is `.unknown`.
public enum OpDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case badOrigin
    case badSeq
    case badPrev

    public var description: String {
        switch self {
        case .malformed(let why): "malformed op: \(why)"
        case .badOrigin: "op origin is not a 32-byte node id"
        case .badSeq: "op seq must be >= 1"
        case .badPrev: "op prev must be empty for seq 1 and 32 bytes otherwise"
        }
    }
}

/// Converts between domain ops (MeshModel) and their protobuf encoding (ops.proto).
public enum OpCodec {
    /// The bytes of a format-1 op: header and body in one message, all signed.
    public static func encode(_ op: Op) -> Data {
        encode(op) { $0.body = body(op.body, origin: op.origin) }
    }

    /// The signed bytes of a format-2 op: its header, naming its body by `bodyHash`.
    static func encodeHeader(_ op: Op, bodyHash: Data) -> Data {
        encode(op) { $0.bodyHash = bodyHash }
    }

    /// The op's header fields, then what `finish` adds, encoded.
    private static func encode(_ op: Op, finish: (inout WireOp) -> Void) -> Data {
        var wire = WireOp()
        wire.origin = Data(op.origin.bytes)
        wire.seq = op.seq
        wire.prev = Data(op.prev)
        wire.hlc = op.hlc.rawValue
        wire.author = op.author
        finish(&wire)
        // Encoding a message built from valid Swift values cannot fail.
        guard let bytes: Data = try? wire.serializedBytes() else { preconditionFailure("op encoding failed") }
        return bytes
    }

    /// Decodes an op from its signed `bytes` and, in op format 2, its `body` (checked against
    /// the header's `body_hash`). An erased text reads as `Erasure.placeholder`.
    public static func decode(_ bytes: Data, body bodyBytes: Data = Data()) throws(OpDecodingError) -> Op {
        let wire: WireOp
        do {
            wire = try WireOp(serializedBytes: bytes)
        } catch {
            throw .malformed("\(error)")
        }
        guard let origin = wire.origin.withUnsafeBytes({ NodeID(raw: $0) }) else { throw .badOrigin }
        guard wire.seq >= 1 else { throw .badSeq }
        guard wire.seq == 1 ? wire.prev.isEmpty : wire.prev.count == OpHash.byteCount else { throw .badPrev }
        let decoded: OpBody
        if wire.bodyHash.isEmpty {
            guard bodyBytes.isEmpty else { throw .malformed("a format-1 op (no body_hash) with a separate body") }
            decoded = body(wire.body, origin: origin)
                ?? (wire.body == nil ? TestBodyKind.body(wire.unknownFields.data, origin: origin) : nil)
                ?? .unknown
        } else {
            guard wire.bodyHash.count == OpHash.byteCount else { throw .malformed("body_hash is not 32 bytes") }
            guard wire.body == nil else { throw .malformed("a format-2 op (with body_hash) with a body inside its signed bytes") }
            decoded = try sealedBody(bodyBytes, hash: wire.bodyHash, origin: origin)
        }
        return Op(origin: origin, seq: wire.seq, prev: Array(wire.prev), hlc: HLC(rawValue: wire.hlc), author: wire.author, body: decoded)
    }

    /// A format-2 body: the skeleton's kind with its texts filled in. A skeleton that carries
    /// text where the kind's texts belong, or a count of texts other than the kind's, reads as
    /// `.unknown` (no effect, on every node alike), as does a kind this version does not know.
    static func sealedBody(_ bytes: Data, hash: Data, origin: NodeID) throws(OpDecodingError) -> OpBody {
        guard !bytes.isEmpty else { throw .malformed("a format-2 op without its body") }
        let (skeletonBytes, texts) = try SealedBody.open(bytes, bodyHash: hash)
        let skeleton: WireOp
        do { skeleton = try WireOp(serializedBytes: skeletonBytes) } catch { throw .malformed("body skeleton: \(error)") }
        guard skeleton.origin.isEmpty, skeleton.seq == 0, skeleton.prev.isEmpty, skeleton.hlc == 0, skeleton.author.isEmpty,
              skeleton.bodyHash.isEmpty
        else { throw .malformed("a body skeleton carries header fields") }
        guard let blank = body(skeleton.body, origin: origin), blank.texts.allSatisfy(\.isEmpty) else { return .unknown }
        return blank.replacingTexts(texts.map { $0 ?? Erasure.placeholder }) ?? .unknown
    }

    // MARK: references

    static func ref(_ id: OpID, origin: NodeID) -> WireOpRef {
        var ref = WireOpRef()
        if id.origin != origin { ref.origin = Data(id.origin.bytes) }
        ref.seq = id.seq
        return ref
    }

    static func id(_ ref: WireOpRef, origin: NodeID) -> OpID? {
        guard ref.seq >= 1 else { return nil }
        if ref.origin.isEmpty { return OpID(origin: origin, seq: ref.seq) }
        guard let other = ref.origin.withUnsafeBytes({ NodeID(raw: $0) }) else { return nil }
        return OpID(origin: other, seq: ref.seq)
    }

    static func ids(_ refs: [WireOpRef], origin: NodeID) -> [OpID]? {
        var out = [OpID]()
        out.reserveCapacity(refs.count)
        for ref in refs {
            guard let id = id(ref, origin: origin) else { return nil }
            out.append(id)
        }
        return out
    }

    // MARK: bodies, domain → wire

    static func content(_ c: IdeaContent) -> WireIdeaContent {
        var w = WireIdeaContent()
        w.title = c.title
        w.problem = c.problem
        w.solution = c.solution
        w.theme = c.theme
        w.tags = c.tags
        return w
    }

    static func body(_ body: OpBody, origin: NodeID) -> WireOp.OneOf_Body? {
        func r(_ id: OpID) -> WireOpRef { ref(id, origin: origin) }
        switch body {
        case .ideaCreate(let c):
            var m = WireIdeaCreate()
            m.content = content(c)
            return .ideaCreate(m)
        case .ideaEdit(let idea, let edits):
            var m = WireIdeaEdit()
            m.idea = r(idea)
            m.edits = edits.map { edit in
                var e = WireFieldEdit()
                e.field = field(edit.field)
                if edit.field == .tags { e.tags = Tags.split(edit.value) } else { e.value = edit.value }
                e.seen = edit.seen.map(r)
                return e
            }
            return .ideaEdit(m)
        case .statusSet(let idea, let status, let reason, let seen):
            var m = WireStatusSet()
            m.idea = r(idea)
            m.status = self.status(status)
            m.reason = reason
            m.seen = seen.map(r)
            return .statusSet(m)
        case .support(let idea):
            var m = WireSupport()
            m.idea = r(idea)
            return .support(m)
        case .unsupport(let idea, let supports):
            var m = WireUnsupport()
            m.idea = r(idea)
            m.supports = supports.map(r)
            return .unsupport(m)
        case .commentAdd(let idea, let text):
            var m = WireCommentAdd()
            m.idea = r(idea)
            m.text = text
            return .commentAdd(m)
        case .commentEdit(let comment, let text):
            var m = WireCommentEdit()
            m.comment = r(comment)
            m.text = text
            return .commentEdit(m)
        case .commentRetract(let comment, let reason):
            var m = WireCommentRetract()
            m.comment = r(comment)
            m.reason = reason
            return .commentRetract(m)
        case .themeDefine(let theme):
            var m = WireThemeDefine()
            m.code = theme.code
            m.name = theme.name
            m.description_p = theme.description
            m.archived = theme.archived
            return .themeDefine(m)
        case .pdsaStart(let idea, let plan, let prediction):
            var m = WirePdsaStart()
            m.idea = r(idea)
            m.plan = plan
            m.prediction = prediction
            return .pdsaStart(m)
        case .pdsaDo(let cycle, let notes):
            var m = WirePdsaDo()
            m.cycle = r(cycle)
            m.notes = notes
            return .pdsaDo(m)
        case .pdsaStudy(let cycle, let notes):
            var m = WirePdsaStudy()
            m.cycle = r(cycle)
            m.notes = notes
            return .pdsaStudy(m)
        case .pdsaAct(let cycle, let decision, let notes):
            var m = WirePdsaAct()
            m.cycle = r(cycle)
            m.decision = switch decision {
            case .adopt: .adopt
            case .adapt: .adapt
            case .abandon: .abandon
            }
            m.notes = notes
            return .pdsaAct(m)
        case .measureDefine(let idea, let measure):
            var m = WireMeasureDefine()
            m.idea = r(idea)
            m.name = measure.name
            m.unit = measure.unit
            m.better = measure.better == .lower ? .lower : .higher
            if let target = measure.target { m.target = target }
            m.kind = switch measure.kind {
            case .count: .count
            case .proportion: .proportion
            case .time: .time
            case .other: .other
            }
            return .measureDefine(m)
        case .observationRecord(let measure, let date, let value, let note):
            var m = WireObservationRecord()
            m.measure = r(measure)
            m.date = date.description
            m.value = value
            m.note = note
            return .observationRecord(m)
        case .observationRetract(let observation, let reason):
            var m = WireObservationRetract()
            m.observation = r(observation)
            m.reason = reason
            return .observationRetract(m)
        case .adopt(let source, let c):
            var m = WireAdopt()
            m.source = r(source)
            m.content = content(c)
            return .adopt(m)
        case .link(let from, let to, let kind):
            var m = WireLink()
            m.from = r(from)
            m.to = r(to)
            m.kind = switch kind {
            case .duplicateOf: .duplicateOf
            case .buildsOn: .buildsOn
            case .affects: .affects
            }
            return .link(m)
        case .personName(let login, let name):
            var m = WirePersonName()
            m.login = login
            m.name = name
            return .personName(m)
        case .roleSet(let login, let role):
            var m = WireRoleSet()
            m.login = login
            m.role = switch role {
            case .staff: .staff
            case .leader: .leader
            case .admin: .admin
            }
            return .roleSet(m)
        case .workflowSet(let workflow):
            var m = WireWorkflowSet()
            m.moves = workflow.moves.map { move in
                var wire = WireStatusMove()
                wire.from = status(move.from)
                wire.to = status(move.to)
                return wire
            }
            return .workflowSet(m)
        case .redact(let redaction):
            var m = WireRedact()
            m.target = r(redaction.target)
            m.field = switch redaction.field {
            case .title: .title
            case .problem: .problem
            case .solution: .solution
            case .comment: .comment
            }
            m.ops = redaction.ops.map(r)
            m.reason = redaction.reason
            return .redact(m)
        case .unknown:
            return nil
        }
    }

    static func field(_ f: IdeaField) -> WireIdeaField {
        switch f {
        case .title: .title
        case .problem: .problem
        case .solution: .solution
        case .theme: .theme
        case .tags: .tags
        }
    }

    static func status(_ s: IdeaStatus) -> WireStatus {
        switch s {
        case .proposed: .proposed
        case .underReview: .underReview
        case .testing: .testing
        case .adopted: .adopted
        case .spread: .spread
        case .declined: .declined
        case .closed: .closed
        }
    }

    // MARK: bodies, wire → domain (nil: not readable by this version → .unknown)

    static func content(_ w: WireIdeaContent) -> IdeaContent {
        IdeaContent(title: w.title, problem: w.problem, solution: w.solution, theme: w.theme, tags: w.tags)
    }

    static func body(_ wire: WireOp.OneOf_Body?, origin: NodeID) -> OpBody? {
        func i(_ ref: WireOpRef) -> OpID? { id(ref, origin: origin) }
        guard let wire else { return nil }
        switch wire {
        case .ideaCreate(let m):
            return .ideaCreate(content(m.content))
        case .ideaEdit(let m):
            guard let idea = i(m.idea) else { return nil }
            var edits = [FieldEdit]()
            for e in m.edits {
                guard let field = field(e.field), let seen = ids(e.seen, origin: origin) else { return nil }
                edits.append(FieldEdit(field: field, value: field == .tags ? Tags.join(e.tags) : e.value, seen: seen))
            }
            return .ideaEdit(idea: idea, edits: edits)
        case .statusSet(let m):
            guard let idea = i(m.idea), let status = status(m.status), let seen = ids(m.seen, origin: origin) else { return nil }
            return .statusSet(idea: idea, status: status, reason: m.reason, seen: seen)
        case .support(let m):
            return i(m.idea).map { .support(idea: $0) }
        case .unsupport(let m):
            guard let idea = i(m.idea), let supports = ids(m.supports, origin: origin) else { return nil }
            return .unsupport(idea: idea, supports: supports)
        case .commentAdd(let m):
            return i(m.idea).map { .commentAdd(idea: $0, text: m.text) }
        case .commentEdit(let m):
            return i(m.comment).map { .commentEdit(comment: $0, text: m.text) }
        case .commentRetract(let m):
            return i(m.comment).map { .commentRetract(comment: $0, reason: m.reason) }
        case .themeDefine(let m):
            return .themeDefine(Theme(code: m.code, name: m.name, description: m.description_p, archived: m.archived))
        case .pdsaStart(let m):
            return i(m.idea).map { .pdsaStart(idea: $0, plan: m.plan, prediction: m.prediction) }
        case .pdsaDo(let m):
            return i(m.cycle).map { .pdsaDo(cycle: $0, notes: m.notes) }
        case .pdsaStudy(let m):
            return i(m.cycle).map { .pdsaStudy(cycle: $0, notes: m.notes) }
        case .pdsaAct(let m):
            let decision: PDSADecision? = switch m.decision {
            case .adopt: .adopt
            case .adapt: .adapt
            case .abandon: .abandon
            default: nil
            }
            guard let cycle = i(m.cycle), let decision else { return nil }
            return .pdsaAct(cycle: cycle, decision: decision, notes: m.notes)
        case .measureDefine(let m):
            let better: Direction? = switch m.better {
            case .lower: .lower
            case .higher: .higher
            default: nil
            }
            // An op written before kinds existed (or with a kind this version does not know) reads
            // as `other`: any finite value.
            let kind: MeasureKind = switch m.kind {
            case .count: .count
            case .proportion: .proportion
            case .time: .time
            default: .other
            }
            guard let idea = i(m.idea), let better else { return nil }
            return .measureDefine(idea: idea, MeasureDefinition(
                name: m.name, unit: m.unit, better: better, target: m.hasTarget ? m.target : nil, kind: kind))
        case .observationRecord(let m):
            guard let measure = i(m.measure), let date = Day(m.date), m.value.isFinite else { return nil }
            return .observationRecord(measure: measure, date: date, value: m.value, note: m.note)
        case .observationRetract(let m):
            return i(m.observation).map { .observationRetract(observation: $0, reason: m.reason) }
        case .adopt(let m):
            return i(m.source).map { .adopt(source: $0, content: content(m.content)) }
        case .link(let m):
            let kind: LinkKind? = switch m.kind {
            case .duplicateOf: .duplicateOf
            case .buildsOn: .buildsOn
            case .affects: .affects
            default: nil
            }
            guard let from = i(m.from), let to = i(m.to), let kind else { return nil }
            return .link(from: from, to: to, kind: kind)
        case .personName(let m):
            return .personName(login: m.login, name: m.name)
        case .roleSet(let m):
            let role: Role? = switch m.role {
            case .staff: .staff
            case .leader: .leader
            case .admin: .admin
            default: nil
            }
            guard let role else { return nil }
            return .roleSet(login: m.login, role: role)
        case .workflowSet(let m):
            var moves = [StatusMove]()
            for move in m.moves {
                // A status this version does not know: the whole workflow is unreadable here.
                guard let from = status(move.from), let to = status(move.to) else { return nil }
                moves.append(StatusMove(from: from, to: to))
            }
            return .workflowSet(Workflow(moves: moves))
        case .redact(let m):
            let field: RedactField? = switch m.field {
            case .title: .title
            case .problem: .problem
            case .solution: .solution
            case .comment: .comment
            default: nil
            }
            guard let target = i(m.target), let field, let ops = ids(m.ops, origin: origin) else { return nil }
            return .redact(Redaction(target: target, field: field, ops: ops, reason: m.reason))
        }
    }

    static func field(_ f: WireIdeaField) -> IdeaField? {
        switch f {
        case .title: .title
        case .problem: .problem
        case .solution: .solution
        case .theme: .theme
        case .tags: .tags
        default: nil
        }
    }

    static func status(_ s: WireStatus) -> IdeaStatus? {
        switch s {
        case .proposed: .proposed
        case .underReview: .underReview
        case .testing: .testing
        case .adopted: .adopted
        case .spread: .spread
        case .declined: .declined
        case .closed: .closed
        default: nil
        }
    }
}
