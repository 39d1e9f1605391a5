import Foundation
import MeshCRDT
import MeshModel
import MeshWire
import Testing

/// `PreparedBatch.place`: an origin's HLCs strictly increase, within a batch and from the held
/// head on (Protocol/README.md, "Accepting ops").
struct PreparedBatchTests {
    let origin = NodeIdentity()

    /// Ops of `origin` chained from seq `from` (after `prev`), with these HLCs (milliseconds).
    func chain(hlcs: [UInt64], from: UInt64 = 1, prev: Data = Data()) -> [SignedOp] {
        var ops = [SignedOp]()
        for (index, millis) in hlcs.enumerated() {
            ops.append(SignedOp.make(
                identity: origin, seq: from + UInt64(index), prev: ops.last?.hash ?? prev, hlc: HLC(millis: millis, counter: 0),
                author: "ann", body: .support(idea: OpID(origin: origin.nodeID, seq: 1))))
        }
        return ops
    }

    func place(_ ops: [SignedOp], heldSeq: UInt64 = 0, heldHead: Data = Data(), heldHLC: HLC = .zero, held: [SignedOp] = []) throws
        -> PreparedBatch.Placement
    {
        try PreparedBatch(ops).place(heldSeq: heldSeq, heldHead: heldHead, heldHLC: heldHLC) { seq in held[Int(seq) - 1].bytes }
    }

    @Test func increasingHLCsAreAccepted() throws {
        let ops = chain(hlcs: [10, 11, 500])
        #expect(try place(ops) == .extends(start: 0, head: ops[2].hash))
    }

    @Test func anEqualOrEarlierHLCWithinTheBatchIsRefused() throws {
        #expect(throws: BatchRejection.hlcNotIncreasing(origin: origin.nodeID, seq: 2)) { try place(chain(hlcs: [10, 10, 11])) }
        #expect(throws: BatchRejection.hlcNotIncreasing(origin: origin.nodeID, seq: 3)) { try place(chain(hlcs: [10, 20, 15])) }
    }

    @Test func theFirstNewOpMustFollowTheHeldHeadsHLC() throws {
        let held = chain(hlcs: [100])
        let next = chain(hlcs: [100], from: 2, prev: held[0].hash)
        #expect(throws: BatchRejection.hlcNotIncreasing(origin: origin.nodeID, seq: 2)) {
            try place(next, heldSeq: 1, heldHead: held[0].hash, heldHLC: HLC(millis: 100, counter: 0), held: held)
        }
        let later = chain(hlcs: [101], from: 2, prev: held[0].hash)
        #expect(try place(later, heldSeq: 1, heldHead: held[0].hash, heldHLC: HLC(millis: 100, counter: 0), held: held)
            == .extends(start: 0, head: later[0].hash))
        // Held ops at the start of a batch are duplicates: the check starts at the first new op.
        #expect(try place(held + later, heldSeq: 1, heldHead: held[0].hash, heldHLC: HLC(millis: 100, counter: 0), held: held)
            == .extends(start: 1, head: later[0].hash))
    }

    /// The signature is checked first: a relay that garbles a batch is refused for that, not
    /// reported as an origin signing HLCs out of order.
    @Test func aBadSignatureIsReportedBeforeTheHLCs() throws {
        var ops = chain(hlcs: [10, 5])
        ops[1] = SignedOp(bytes: ops[1].bytes, signature: NodeIdentity().sign(ops[1].bytes), body: ops[1].body)
        #expect(throws: BatchRejection.badSignature(origin: origin.nodeID, seq: 2)) { try place(ops) }
    }
}
