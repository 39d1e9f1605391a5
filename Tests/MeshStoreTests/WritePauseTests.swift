import Foundation
import MeshCRDT
import MeshModel
import MeshStore
import MeshWire
import Testing

/// Writes paused while a store may lack ops of its own origin (a restored backup), and refused
/// once its own history forked.
struct WritePauseTests {
    let dir = TempDir()

    @Test func aPeerHoldingNoneOfOurOpsSaysNothingOneHoldingSomeIsTheWordNeeded() {
        let pause = WritePause(cause: .restored, sinceMillis: 0, detail: "backup")
        #expect(pause.heard(peerHolds: 0, held: 3) == .unchanged, "a peer that never heard of us")
        #expect(pause.heard(peerHolds: 0, held: 0) == .resume, "nothing of ours anywhere")
        #expect(pause.heard(peerHolds: 3, held: 3) == .resume)
        #expect(pause.heard(peerHolds: 2, held: 3) == .resume, "the peer is behind us")
        #expect(pause.heard(peerHolds: 5, held: 3) == .waitFor(5))
        var waiting = pause
        waiting.peerHolds = 5
        #expect(waiting.heard(peerHolds: 4, held: 3) == .unchanged, "still waiting for 5")
        #expect(waiting.heard(peerHolds: 4, held: 5) == .resume)
        #expect(waiting.heard(peerHolds: 7, held: 5) == .waitFor(7))
        #expect(WritePause.needed(peerHolds: 5, held: 5, peer: "B", nowMillis: 0) == nil)
        #expect(WritePause.needed(peerHolds: 6, held: 5, peer: "B", nowMillis: 0)?.peerHolds == 6)
    }

    @Test func aPausedStoreRefusesLocalWritesSayingWhyAndStillAppliesRemoteOnes() throws {
        let identity = NodeIdentity()
        let store = try IdeaStore(path: dir.file("a.sqlite"), identity: identity)
        let other = try IdeaStore(path: dir.file("b.sqlite"), identity: NodeIdentity())
        try store.write(.ideaCreate(IdeaContent(title: "before", problem: "p", solution: "s")), author: "ann")
        try store.pauseWrites(WritePause(cause: .restored, sinceMillis: 1, detail: "a-backup.sqlite"))
        #expect(try store.writePause()?.cause == .restored)
        #expect {
            try store.write(.ideaCreate(IdeaContent(title: "after", problem: "p", solution: "s")), author: "ann")
        } throws: { error in
            guard case StoreError.writesPaused(let why) = error else { return false }
            return why.contains("restored from a backup (a-backup.sqlite")
        }
        #expect(try store.versionVector()[identity.nodeID].seq == 1, "nothing written")
        let remote = try other.write(.ideaCreate(IdeaContent(title: "theirs", problem: "p", solution: "s")), author: "bob")
        #expect(try store.apply(batch: [remote]).applied == 1)
        #expect(try store.resumeWrites())
        #expect(try !store.resumeWrites(), "already resumed")
        try store.write(.ideaCreate(IdeaContent(title: "after", problem: "p", solution: "s")), author: "ann")
        #expect(try store.versionVector()[identity.nodeID].seq == 2)
    }

    @Test func aStoreWhoseOwnHistoryForkedRefusesLocalWrites() throws {
        let identity = NodeIdentity()
        let store = try IdeaStore(path: dir.file("a.sqlite"), identity: identity)
        try store.write(.ideaCreate(IdeaContent(title: "one", problem: "p", solution: "s")), author: "ann")
        _ = try store.backup(to: dir.file("a-backup.sqlite"))
        let first = try store.write(.ideaCreate(IdeaContent(title: "two", problem: "p", solution: "s")), author: "ann")
        let restored = try IdeaStore(path: dir.file("a-backup.sqlite"), identity: identity)
        try restored.write(.ideaCreate(IdeaContent(title: "two, again", problem: "p", solution: "s")), author: "ann")
        // The first history's op 2 arrives: a fork of the restored node's own origin.
        #expect(try restored.apply(batch: [first]).fork != nil)
        #expect {
            try restored.write(.ideaCreate(IdeaContent(title: "three", problem: "p", solution: "s")), author: "ann")
        } throws: { error in
            guard case StoreError.writesPaused(let why) = error else { return false }
            return why.contains("own history has forked")
        }
    }
}
