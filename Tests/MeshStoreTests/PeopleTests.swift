import Foundation
import MeshCRDT
import MeshModel
import MeshStore
import MeshWire
import Testing

/// Display names (Protocol/README.md, "People"): a register per (origin, login), set only by that
/// person, replicated, the latest winning at every node; never a name for an anonymous idea.
struct PeopleTests {
    let dir = TempDir()

    @Test func aNameIsReplicatedAndTheLatestWinsInAnyDeliveryOrder() throws {
        let identity = NodeIdentity()
        let renal = try IdeaStore(path: dir.file("renal.sqlite"), identity: identity)
        try write(renal, .personName(login: "ann", name: "Ann Smith"), by: "ann", at: 1_750_000_000_000)
        try write(renal, .personName(login: "bob", name: "Bob Jones"), by: "bob", at: 1_750_000_001_000)
        try write(renal, .personName(login: "ann", name: "Ann Smith-Patel, ward sister"), by: "ann", at: 1_750_000_002_000)
        let idea = try write(renal, .ideaCreate(content), by: "ann", at: 1_750_000_003_000)
        try write(renal, .ideaCreate(content), by: "", at: 1_750_000_004_000)

        let names = try renal.displayNames()
        #expect(names.name(origin: identity.nodeID, login: "ann") == "Ann Smith-Patel, ward sister")
        #expect(names.name(origin: identity.nodeID, login: "bob") == "Bob Jones")
        #expect(names.name(origin: identity.nodeID, login: "") == nil, "an anonymous op has no name")
        #expect(names.name(origin: NodeIdentity().nodeID, login: "ann") == nil, "a login names a person only at its department")
        #expect(try renal.idea(idea)?.author == "ann")

        // Another node that receives them holds the same names and the same digest.
        let ops = try renal.ops(of: identity.nodeID, from: 1, limit: 100)
        let forward = try IdeaStore(path: dir.file("f.sqlite"), identity: NodeIdentity())
        #expect(try forward.apply(batch: ops).applied == ops.count)
        let people = try forward.people()
        #expect(people.map(\.login) == ["ann", "bob"])
        #expect(people.map(\.name) == ["Ann Smith-Patel, ward sister", "Bob Jones"])
        #expect(try forward.digest() == renal.digest())
    }

    @Test func aNameSetForSomeoneElseHasNoEffectAnywhere() throws {
        let origin = NodeIdentity()
        let forged = SignedOp.make(
            identity: origin, seq: 1, prev: Data(), hlc: HLC(millis: 1_750_000_000_000, counter: 0), author: "mallory",
            body: .personName(login: "ann", name: "Ann the Impostor"))
        let receiver = try IdeaStore(path: dir.file("r.sqlite"), identity: NodeIdentity())
        #expect(try receiver.apply(batch: [forged]).applied == 1)
        #expect(try receiver.people().isEmpty)
        #expect(try receiver.ineffectiveOps().map(\.reason) == ["name: a person sets only their own display name"])

        // The writer refuses it before signing.
        let local = try IdeaStore(path: dir.file("l.sqlite"), identity: NodeIdentity())
        #expect(throws: StoreError.self) { try local.write(.personName(login: "ann", name: "Ann"), author: "mallory") }
        #expect(throws: StoreError.self) { try local.write(.personName(login: "ann", name: "Ann\nSmith"), author: "ann") }
        #expect(throws: StoreError.self) { try local.write(.personName(login: "ann", name: "  "), author: "ann") }
        #expect(throws: StoreError.self) {
            try local.write(.personName(login: "ann", name: String(repeating: "a", count: Limits.displayName + 1)), author: "ann")
        }
        #expect(try local.people().isEmpty)
        #expect(try local.versionVector().totalOps == 0, "nothing was written")
    }

    @Test func theOpRoundTripsThroughTheWireEncoding() throws {
        let body = OpBody.personName(login: "ann", name: "Ann Smith 👩‍⚕️")
        let op = Op(origin: NodeIdentity().nodeID, seq: 1, prev: [], hlc: HLC(millis: 1, counter: 0), author: "ann", body: body)
        #expect(try OpCodec.decode(OpCodec.encode(op)) == op)
    }
}
