import Foundation
import MeshCRDT
import MeshModel
import MeshWire
import Testing

struct OpCodecTests {
    static let other = NodeID(bytes: [UInt8](repeating: 9, count: 32))!

    static func bodies(origin: NodeID) -> [OpBody] {
        let own = OpID(origin: origin, seq: 3), foreign = OpID(origin: other, seq: 4)
        let content = IdeaContent(title: "Falls at night", problem: "p", solution: "s", theme: "safety", tags: ["falls", "night"])
        return [
            .ideaCreate(content),
            .ideaEdit(idea: foreign, edits: [
                FieldEdit(field: .title, value: "t2", seen: [foreign]),
                FieldEdit(field: .tags, value: "a,b", seen: [own, foreign]),
            ]),
            .statusSet(idea: own, status: .underReview, reason: "triaged", seen: [own]),
            .support(idea: foreign),
            .unsupport(idea: foreign, supports: [own]),
            .commentAdd(idea: foreign, text: "we tried this"),
            .commentEdit(comment: own, text: "we tried this twice"),
            .commentRetract(comment: own, reason: "wrong ward"),
            .themeDefine(Theme(code: "safety", name: "Patient safety", description: "d", archived: true)),
            .pdsaStart(idea: own, plan: "plan", prediction: "fewer falls"),
            .pdsaDo(cycle: own, notes: "did"),
            .pdsaStudy(cycle: own, notes: "studied"),
            .pdsaAct(cycle: own, decision: .adapt, notes: "adapt"),
            .measureDefine(idea: own, MeasureDefinition(name: "falls", unit: "count", better: .lower, target: 2)),
            .measureDefine(idea: own, MeasureDefinition(name: "wait", unit: "minutes", better: .higher, target: nil)),
            .measureDefine(idea: own, MeasureDefinition(name: "interrupted lunches", unit: "per week", better: .lower, kind: .count)),
            .measureDefine(idea: own, MeasureDefinition(name: "screened", unit: "%", better: .higher, target: 90, kind: .proportion)),
            .measureDefine(idea: own, MeasureDefinition(name: "door to needle", unit: "minutes", better: .lower, kind: .time)),
            .observationRecord(measure: own, date: Day("2026-02-28")!, value: 41.5, note: "n"),
            .observationRetract(observation: own, reason: "typo"),
            .adopt(source: foreign, content: content),
            .link(from: own, to: foreign, kind: .duplicateOf),
        ]
    }

    @Test func everyBodyKindRoundTrips() throws {
        let identity = NodeIdentity()
        let bodies = Self.bodies(origin: identity.nodeID)
        #expect(Set(bodies.map(\.kind)).count == 18)  // every kind but .unknown
        for (index, body) in bodies.enumerated() {
            let prev = index == 0 ? Data() : OpHash.of(Data([UInt8(index)]))
            let signed = SignedOp.make(
                identity: identity, seq: UInt64(index + 1), prev: prev, hlc: HLC(millis: 1000, counter: UInt16(index)),
                author: "alice", body: body)
            let op = try signed.decode()
            #expect(op.body == body)
            #expect(op.origin == identity.nodeID && op.seq == UInt64(index + 1) && op.author == "alice")
            #expect(op.prev == Array(prev))
            #expect(identity.nodeID.verifies(signed.signature, over: signed.bytes))
        }
    }

    @Test func referencesToTheOwnOriginOmitTheKey() throws {
        let identity = NodeIdentity()
        let own = SignedOp.make(identity: identity, seq: 1, prev: Data(), hlc: .zero, author: "a",
                                body: .support(idea: OpID(origin: identity.nodeID, seq: 1)))
        let foreign = SignedOp.make(identity: identity, seq: 1, prev: Data(), hlc: .zero, author: "a",
                                    body: .support(idea: OpID(origin: Self.other, seq: 1)))
        #expect(foreign.body.count - own.body.count >= 32)
    }

    @Test func tamperedBytesFailTheSignature() {
        let identity = NodeIdentity()
        let signed = SignedOp.make(identity: identity, seq: 1, prev: Data(), hlc: .zero, author: "a", body: .ideaCreate(
            IdeaContent(title: "t", problem: "p", solution: "s")))
        var bytes = signed.bytes
        bytes[bytes.count - 1] ^= 1
        #expect(!identity.nodeID.verifies(signed.signature, over: bytes))
        #expect(!NodeIdentity().nodeID.verifies(signed.signature, over: signed.bytes))
    }

    @Test func malformedEnvelopesAreErrors() {
        #expect(throws: OpDecodingError.self) { try OpCodec.decode(Data([0xFF, 0xFF, 0xFF])) }
        var wire = WireOp()
        wire.origin = Data([1, 2, 3])
        wire.seq = 1
        #expect(throws: OpDecodingError.badOrigin) { try OpCodec.decode(try wire.serializedBytes()) }
        wire.origin = Data(repeating: 1, count: 32)
        wire.seq = 2
        #expect(throws: OpDecodingError.badPrev) { try OpCodec.decode(try wire.serializedBytes()) }
    }

    /// A MeasureDefine written before kinds existed (no field 6) or with a kind this version does not
    /// know reads as `other`, so old measures keep taking any finite value.
    @Test func aMeasureWithoutAKindReadsAsOther() throws {
        var define = WireMeasureDefine()
        define.idea.seq = 1
        define.name = "falls"
        define.unit = "count"
        define.better = .lower
        var wire = WireOp()
        wire.origin = Data(repeating: 1, count: 32)
        wire.seq = 1
        wire.body = .measureDefine(define)
        guard case .measureDefine(_, let old) = try OpCodec.decode(try wire.serializedBytes()).body else {
            Issue.record("not a measure-define")
            return
        }
        #expect(old.kind == .other && old.name == "falls")

        define.kind = .count
        wire.body = .measureDefine(define)
        guard case .measureDefine(_, let counted) = try OpCodec.decode(try wire.serializedBytes()).body else { return }
        #expect(counted.kind == .count)

        define.kind = WireMeasureKind(rawValue: 77)!
        wire.body = .measureDefine(define)
        guard case .measureDefine(_, let newer) = try OpCodec.decode(try wire.serializedBytes()).body else { return }
        #expect(newer.kind == .other, "a kind from a newer protocol reads as other")
    }

    @Test func unreadableBodiesDecodeAsUnknown() throws {
        var wire = WireOp()
        wire.origin = Data(repeating: 1, count: 32)
        wire.seq = 1
        var status = WireStatusSet()
        status.status = .unspecified
        status.idea.seq = 1
        wire.body = .statusSet(status)
        #expect(try OpCodec.decode(try wire.serializedBytes()).body == .unknown)

        // A body field number this version does not know (a newer protocol): kept as unknown.
        var envelope = WireOp()
        envelope.origin = Data(repeating: 1, count: 32)
        envelope.seq = 1
        var bytes: Data = try envelope.serializedBytes()
        bytes.append(contentsOf: [0xCA, 0x06, 0x00])  // field 105, length-delimited, empty
        #expect(try OpCodec.decode(bytes).body == .unknown)
    }
}
