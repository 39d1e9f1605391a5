import Foundation
import MeshCRDT
import MeshModel
import MeshStore
import MeshWire
import Testing

/// Ops of a body kind this version does not know are held without effect, and take effect once a
/// version that reads them opens the store (Protocol/README.md, "Body kinds added later").
/// `TestBodyKind` stands in for the newer version: this is the only test that switches it, and
/// only ops of its field (63) read differently while it is on.
struct BodyKindUpgradeTests {
    let dir = TempDir()
    let origin = NodeIdentity()

    func id(_ seq: UInt64) -> OpID { OpID(origin: origin.nodeID, seq: seq) }

    /// seq 1 an idea; 2 a comment on it of the test kind; 3 that comment's edit (a follow-up of
    /// the same origin: no effect while its target is unreadable); 4 an empty comment of the test
    /// kind (breaks a content rule once read).
    func history() -> [SignedOp] {
        var ops = [SignedOp]()
        func hlc(_ seq: UInt64) -> HLC { HLC(millis: 1_750_000_000_000 + seq, counter: 0) }
        func add(_ body: OpBody) {
            let seq = UInt64(ops.count + 1)
            ops.append(SignedOp.make(identity: origin, seq: seq, prev: ops.last?.hash ?? Data(), hlc: hlc(seq), author: "ann", body: body))
        }
        func addTestKind(_ text: String) {
            let seq = UInt64(ops.count + 1)
            let bytes = TestBodyKind.encode(
                origin: origin.nodeID, seq: seq, prev: ops.last!.hash, hlc: hlc(seq), author: "ann", commentOn: id(1), text: text)
            ops.append(SignedOp(bytes: bytes, signature: origin.sign(bytes)))
        }
        add(.ideaCreate(content))
        addTestKind("A comment of a kind added later")
        add(.commentEdit(comment: id(2), text: "Edited after"))
        addTestKind("")
        return ops
    }

    @Test func opsOfAKindAddedLaterTakeEffectWhenAVersionThatReadsThemOpensTheStore() throws {
        defer { TestBodyKind.setKnown(false) }
        let ops = history()
        let path = dir.file("r.sqlite")
        do {
            #expect(try OpCodec.decode(ops[1].bytes).body == .unknown)
            let receiver = try IdeaStore(path: path, identity: NodeIdentity())
            #expect(try receiver.apply(batch: ops).applied == 4)
            #expect(try receiver.idea(id(1))?.comments.isEmpty == true)
            #expect(try receiver.ineffectiveOps().map(\.id) == [id(2), id(4)])
            #expect(try receiver.counts().ineffective == [.content: 0, .unknown: 2])
        }

        TestBodyKind.setKnown(true)
        #expect(try OpCodec.decode(ops[1].bytes).body == .commentAdd(idea: id(1), text: "A comment of a kind added later"))
        let upgraded = try IdeaStore(path: path, identity: nil)
        let comments = try upgraded.idea(id(1))?.comments ?? []
        #expect(comments.map(\.id) == [id(2)])
        #expect(comments.first?.text == "Edited after", "its follow-up of the same origin applies after it")
        #expect(try upgraded.ineffectiveOps() == [IneffectiveOp(id: id(4), kind: .content, reason: "comment: must not be empty")])

        // The state a node reaches that knew the kind from the start.
        let fresh = try IdeaStore(path: dir.file("f.sqlite"), identity: nil)
        try fresh.apply(batch: ops)
        #expect(try upgraded.digest() == fresh.digest())
        #expect(try upgraded.ineffectiveOps() == fresh.ineffectiveOps())

        // Opening again changes nothing.
        let again = try IdeaStore(path: dir.file("r.sqlite"), identity: nil)
        #expect(try again.digest() == fresh.digest())
    }
}
