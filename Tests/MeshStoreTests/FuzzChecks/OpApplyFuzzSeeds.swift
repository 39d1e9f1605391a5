import Foundation
import MeshCRDT
import MeshModel
import MeshWire
import SwiftProtobuf

extension OpApplyFuzzCheck {
    /// Seed inputs: a real history of every common body kind, as bare and compressed batches,
    /// signed by the origin or by the harness, applied alone or grouped; and a fork, a broken
    /// chain, a bad signature, a gap, an HLC going back, ops stamped a year ahead (held back) and
    /// undecodable bytes.
    package static func seeds() -> [FuzzSeed] {
        let ops = history()
        func batch(_ ops: [SignedOp]) -> [UInt8] {
            var wire = WireOpBatch()
            wire.ops = ops.map(\.wire)
            guard let bytes: [UInt8] = try? wire.serializedBytes() else { preconditionFailure("batch encoding failed") }
            return bytes
        }
        func input(_ mode: UInt8, _ records: [[UInt8]]) -> [UInt8] {
            var script = FuzzScript()
            script.byte(mode)
            for record in records { script.chunk(record) }
            return script.bytes
        }
        let forked = SignedOp.make(
            identity: origin, seq: 2, prev: ops[0].hash, hlc: HLC(millis: 1_750_000_000_500, counter: 0), author: "eve",
            body: .commentAdd(idea: OpID(origin: origin.nodeID, seq: 1), text: "a different op at seq 2"))
        let badSignature = SignedOp(bytes: ops[2].bytes, signature: Data(repeating: 0x42, count: 64), body: ops[2].body)
        // Seq 3 whose prev is not seq 2's hash, in one batch with seq 2: a chain broken inside it.
        let brokenChain = SignedOp.make(
            identity: origin, seq: 3, prev: Data(repeating: 0xEE, count: 32), hlc: HLC(millis: 1_750_000_000_600, counter: 0),
            author: "mal", body: .support(idea: OpID(origin: origin.nodeID, seq: 1)))
        // Seq 2 whose prev is not the held seq 1's hash: another history, a fork.
        let divergent = SignedOp.make(
            identity: origin, seq: 2, prev: Data(repeating: 0xEE, count: 32), hlc: HLC(millis: 1_750_000_000_600, counter: 0),
            author: "mal", body: .support(idea: OpID(origin: origin.nodeID, seq: 1)))
        // Seq 2 stamped before seq 1: an origin's HLCs must strictly increase.
        let backwards = SignedOp.make(
            identity: origin, seq: 2, prev: ops[0].hash, hlc: HLC(millis: 1_749_999_999_999, counter: 0), author: "mal",
            body: .support(idea: OpID(origin: origin.nodeID, seq: 1)))
        // From the seventh op on, stamped a year ahead of the receiver's clock: held back.
        let ahead = history(aheadFrom: 6)
        return [
            FuzzSeed("accept-history-signed-by-origin", input(0, [batch(Array(ops[0..<4])), batch(Array(ops[4...]))])),
            FuzzSeed("accept-history-grouped", input(4, [batch(Array(ops[0..<3])), batch(Array(ops[3...]))])),
            FuzzSeed("accept-history-compressed-envelopes", input(2, [
                SyncMessage.batch(Array(ops[0..<5])).encode(compressing: true),
                SyncMessage.batch(Array(ops[5...])).encode(compressing: true),
            ])),
            FuzzSeed("accept-history-signed-by-harness", input(1, [batch(ops)])),
            FuzzSeed("accept-fork-quarantined", input(0, [batch(Array(ops[0..<2])), batch([forked])])),
            FuzzSeed("accept-duplicates-skipped", input(0, [batch(Array(ops[0..<3])), batch(Array(ops[0..<3]))])),
            FuzzSeed("refuse-bad-signature", input(0, [batch(Array(ops[0..<2])), batch([badSignature])])),
            FuzzSeed("refuse-broken-chain", input(0, [batch([ops[0]]), batch([ops[1], brokenChain])])),
            FuzzSeed("accept-divergent-history-quarantined", input(0, [batch([ops[0]]), batch([divergent])])),
            FuzzSeed("refuse-hlc-not-increasing", input(0, [batch([ops[0]]), batch([backwards])])),
            FuzzSeed("accept-held-back-a-year-ahead", input(0, [batch(Array(ahead[0..<8])), batch(Array(ahead[8...]))])),
            FuzzSeed("accept-held-back-grouped", input(4, [batch(Array(ahead[0..<4])), batch(Array(ahead[4...]))])),
            FuzzSeed("refuse-gap", input(0, [batch([ops[0]]), batch(Array(ops[2..<4]))])),
            FuzzSeed("refuse-undecodable-op", input(0, [batch([SignedOp(bytes: Data([0xFF, 0xFF, 0xFF]), signature: Data())])])),
            FuzzSeed("refuse-not-a-batch", input(0, [[0x0A, 0xFF, 0x01]])),
        ]
    }

    /// One origin's history touching most views: an idea, support, comment and its edit, a
    /// status change, an edit, a theme, a PDSA cycle, a measure with an observation, a link, a
    /// display name, a role, the department's workflow and a move along it.
    /// From index `aheadFrom` on, the ops are stamped a year later.
    static func history(aheadFrom: Int = .max) -> [SignedOp] {
        let me = origin.nodeID
        let idea = OpID(origin: me, seq: 1)
        let bodies: [OpBody] = [
            .ideaCreate(IdeaContent(title: "Night falls", problem: "Patients fall at night", solution: "Hourly rounding", theme: "safety", tags: ["falls"])),
            .support(idea: idea),
            .commentAdd(idea: idea, text: "We tried this on ward 3"),
            .commentEdit(comment: OpID(origin: me, seq: 3), text: "We tried this on ward 4"),
            .statusSet(idea: idea, status: .testing, reason: "pilot", seen: []),
            .ideaEdit(idea: idea, edits: [FieldEdit(field: .title, value: "Night-time falls", seen: [])]),
            .themeDefine(Theme(code: "safety", name: "Patient safety")),
            .pdsaStart(idea: idea, plan: "Round hourly for 2 weeks", prediction: "Fewer falls"),
            .pdsaDo(cycle: OpID(origin: me, seq: 8), notes: "done"),
            .measureDefine(idea: idea, MeasureDefinition(name: "Falls", unit: "per week", better: .lower, target: 1)),
            .observationRecord(measure: OpID(origin: me, seq: 10), date: Day(year: 2025, month: 6, day: 2)!, value: 3, note: ""),
            .link(from: idea, to: OpID(origin: me, seq: 1), kind: .affects),
            .personName(login: "ann", name: "Ann Smith"),
            .roleSet(login: "ann", role: .admin),
            .workflowSet(Workflow(moves: [StatusMove(from: .testing, to: .adopted)])),
            .statusSet(idea: idea, status: .adopted, reason: "worked", seen: []),
        ]
        let year: UInt64 = 365 * 24 * 3600 * 1000
        var ops = [SignedOp]()
        for (index, body) in bodies.enumerated() {
            ops.append(SignedOp.make(
                identity: origin, seq: UInt64(index + 1), prev: ops.last?.hash ?? Data(),
                hlc: HLC(millis: 1_750_000_000_000 + UInt64(index) + (index >= aheadFrom ? year : 0), counter: 0), author: "ann",
                body: body))
        }
        return ops
    }
}
