import Foundation
import MeshCRDT
import MeshModel
import MeshStore
import MeshWire
import Testing

/// An origin's HLCs strictly increase: a store refuses a batch that breaks it, changing nothing,
/// checking the first new op against the HLC of the origin's head held (`origins.hlc`).
struct HLCOrderTests {
    let dir = TempDir()

    @Test func aBatchWhoseHLCsDoNotIncreaseIsRefusedAndChangesNothing() throws {
        let origin = NodeIdentity()
        let writer = try IdeaStore(path: dir.file("o.sqlite"), identity: origin)
        try writer.write(.ideaCreate(content), author: "ann", wallMillis: 1_750_000_000_000)
        let first = try writer.ops(of: origin.nodeID, from: 1, limit: 1)
        let receiver = try IdeaStore(path: dir.file("r.sqlite"), identity: NodeIdentity())
        try receiver.apply(batch: first)
        let before = (try receiver.digest(), try receiver.versionVector())

        // Signed by the origin, chained on its head, but at the head's HLC (another batch later).
        let same = SignedOp.make(
            identity: origin, seq: 2, prev: first[0].hash, hlc: HLC(millis: 1_750_000_000_000, counter: 0), author: "ann",
            body: .support(idea: OpID(origin: origin.nodeID, seq: 1)))
        #expect(throws: BatchRejection.hlcNotIncreasing(origin: origin.nodeID, seq: 2)) { try receiver.apply(batch: [same]) }
        // Or earlier than its predecessor in the same batch.
        let next = SignedOp.make(
            identity: origin, seq: 2, prev: first[0].hash, hlc: HLC(millis: 1_750_000_000_500, counter: 0), author: "ann",
            body: .support(idea: OpID(origin: origin.nodeID, seq: 1)))
        let earlier = SignedOp.make(
            identity: origin, seq: 3, prev: next.hash, hlc: HLC(millis: 1_750_000_000_400, counter: 0), author: "bob",
            body: .support(idea: OpID(origin: origin.nodeID, seq: 1)))
        #expect(throws: BatchRejection.hlcNotIncreasing(origin: origin.nodeID, seq: 3)) { try receiver.apply(batch: [next, earlier]) }
        #expect(try receiver.digest() == before.0)
        #expect(try receiver.versionVector() == before.1)

        // The origin's own next write (its clock moves on) goes in.
        try writer.write(.support(idea: OpID(origin: origin.nodeID, seq: 1)), author: "ann", wallMillis: 1_750_000_000_000)
        try receiver.apply(batch: try writer.ops(of: origin.nodeID, from: 2, limit: 1))
        #expect(try receiver.versionVector()[origin.nodeID].seq == 2)
    }
}
