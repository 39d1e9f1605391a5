import Foundation
import MeshCRDT
import MeshModel
import MeshStore
import MeshWire
import Testing

/// Remote ops obey the content rules local writes obey (Protocol/README.md, "Content rules"): an
/// op that breaks one, signed by its origin outside the CLI, is stored, chained and relayed, and
/// has no effect, at every node alike; it is counted with its reason.
struct ContentRulesTests {
    let dir = TempDir()
    let origin = NodeIdentity()

    /// Ops of `origin` chained from seq 1, with increasing HLCs.
    func chain(_ bodies: [OpBody], author: String = "ann") -> [SignedOp] {
        var ops = [SignedOp]()
        for (index, body) in bodies.enumerated() {
            ops.append(SignedOp.make(
                identity: origin, seq: UInt64(index + 1), prev: ops.last?.hash ?? Data(),
                hlc: HLC(millis: 1_750_000_000_000 + UInt64(index), counter: 0), author: author, body: body))
        }
        return ops
    }

    func id(_ seq: UInt64) -> OpID { OpID(origin: origin.nodeID, seq: seq) }

    @Test func anEmptyIdeaFromAnotherOriginIsHeldWithoutEffectAndRelayed() throws {
        let ops = chain([
            .ideaCreate(IdeaContent(title: "", problem: " ", solution: "")),
            .ideaCreate(content),
            .support(idea: OpID(origin: origin.nodeID, seq: 2)),
        ])
        let receiver = try IdeaStore(path: dir.file("r.sqlite"), identity: NodeIdentity())
        let outcome = try receiver.apply(batch: ops)
        #expect(outcome.applied == 3)
        #expect(try receiver.versionVector()[origin.nodeID].seq == 3, "the op is held and chained")
        #expect(try receiver.idea(id(1)) == nil, "it has no effect")
        #expect(try receiver.ideaIDs() == [id(2)])
        #expect(try receiver.idea(id(2))?.supporters == 1, "the ops after it apply")
        #expect(try receiver.ineffectiveOps() == [IneffectiveOp(id: id(1), kind: .content, reason: "title: must not be empty")])
        #expect(try receiver.counts().ineffective == [.content: 1, .unknown: 0])

        // Relayed like any other op: a third node that learns it from the receiver reaches the
        // same verdict and the same state.
        let third = try IdeaStore(path: dir.file("t.sqlite"), identity: NodeIdentity())
        try sync(from: receiver, to: third)
        #expect(try third.ops(of: origin.nodeID, from: 1, limit: 10).map(\.bytes) == ops.map(\.bytes))
        #expect(try third.ideaIDs() == [id(2)])
        #expect(try third.digest() == receiver.digest())
        #expect(try third.ineffectiveOps().map(\.id) == [id(1)])
    }

    @Test func everyRuleOfLocalWritesHoldsForRemoteOps() throws {
        let long = String(repeating: "x", count: Limits.title + 1)
        let bodies: [(OpBody, String, String)] = [
            (.ideaCreate(IdeaContent(title: long, problem: "p", solution: "s")), "ann", "title: longer than 200 characters"),
            (.ideaCreate(IdeaContent(title: "t", problem: "p\u{1B}[2J", solution: "s")), "ann", "problem: contains a control character"),
            (.ideaCreate(IdeaContent(title: "t", problem: "p", solution: "s", tags: ["a,b"])), "ann", "tag: must not contain ','"),
            (.ideaEdit(idea: id(99), edits: []), "ann", "edit: nothing to change"),
            (.commentAdd(idea: id(99), text: "hello"), "", "author: comment-add needs an author"),
            (.themeDefine(Theme(code: "a b", name: "n")), "ann", "theme code: use letters"),
            (.link(from: id(99), to: id(99), kind: .affects), "ann", "link: an idea cannot link to itself"),
            (.measureDefine(idea: id(99), MeasureDefinition(name: "m", unit: "%", better: .higher, target: 150, kind: .proportion)),
             "ann", "target: 150 is outside"),
        ]
        var ops = [SignedOp]()
        for (index, (body, author, _)) in bodies.enumerated() {
            ops.append(SignedOp.make(
                identity: origin, seq: UInt64(index + 1), prev: ops.last?.hash ?? Data(),
                hlc: HLC(millis: 1_750_000_000_000 + UInt64(index), counter: 0), author: author, body: body))
        }
        let receiver = try IdeaStore(path: dir.file("r.sqlite"), identity: NodeIdentity())
        #expect(try receiver.apply(batch: ops).applied == bodies.count)
        let recorded = try receiver.ineffectiveOps()
        #expect(recorded.map(\.id) == (1...UInt64(bodies.count)).map(id))
        for (record, (_, _, reason)) in zip(recorded, bodies) {
            #expect(record.kind == .content)
            #expect(record.reason.hasPrefix(reason), "\(record.reason)")
        }
        #expect(try receiver.ideaIDs().isEmpty && receiver.themes(includeArchived: true).isEmpty, "none of them had an effect")

        // The local write path refuses the same ops with the same rule.
        let local = try IdeaStore(path: dir.file("l.sqlite"), identity: origin)
        for (body, author, reason) in bodies {
            do {
                try local.write(body, author: author, requireTargets: false)
                Issue.record("\(body.kind) was written")
            } catch let StoreError.invalid(problem) {
                #expect("\(problem)".hasPrefix(reason))
            }
        }
    }

    /// The measure is of the observation's origin, so it is held (and applied or not) before the
    /// observation on every node: its kind decides the observation's verdict.
    @Test func anObservationOutsideItsMeasuresKindHasNoEffect() throws {
        let ops = chain([
            .ideaCreate(content),
            .measureDefine(idea: id(1), MeasureDefinition(name: "Falls", unit: "falls", better: .lower, kind: .count)),
            .observationRecord(measure: id(2), date: Day("2026-01-05")!, value: 2.5, note: ""),
            .observationRecord(measure: id(2), date: Day("2026-01-06")!, value: 3, note: ""),
        ])
        let receiver = try IdeaStore(path: dir.file("r.sqlite"), identity: NodeIdentity())
        // One op at a time, as a slow link would bring them.
        for op in ops { try receiver.apply(batch: [op]) }
        #expect(try receiver.observation(id(3)) == nil)
        #expect(try receiver.observation(id(4))?.observation.value == 3)
        let recorded = try receiver.ineffectiveOps()
        #expect(recorded.map(\.id) == [id(3)])
        #expect(recorded.first?.reason.contains("is not allowed for \"Falls\", a count measure") == true)
    }
}
