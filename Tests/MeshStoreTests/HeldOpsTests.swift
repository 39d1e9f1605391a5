import Foundation
import MeshCRDT
import MeshModel
@testable import MeshStore
import MeshWire
import Testing

/// Remote ops stamped too far ahead of the receiver's clock are held back (Protocol/README.md,
/// "Clocks"): stored and relayed, not applied to the views, not followed by the clock, until the
/// clock catches up; then applied in seq order.
struct HeldOpsTests {
    let dir = TempDir()
    let now: UInt64 = 1_780_000_000_000
    static let minute: UInt64 = 60_000
    static let year: UInt64 = 365 * 24 * 60 * minute

    /// A store of its own identity writing ideas at the given wall-clock times; returns its ops.
    func origin(_ identity: NodeIdentity = NodeIdentity(), writesAt walls: [UInt64], name: String = "origin") throws -> (IdeaStore, [SignedOp]) {
        let store = try IdeaStore(path: dir.file("\(name).sqlite"), identity: identity)
        for (n, wall) in walls.enumerated() {
            try store.write(.ideaCreate(IdeaContent(title: "idea \(n) of \(name)", problem: "p", solution: "s")), author: "ann", wallMillis: wall)
        }
        return (store, try store.ops(of: identity.nodeID, from: 1, limit: .max))
    }

    func ideaCount(_ store: IdeaStore) throws -> Int { try store.ideaIDs().count }

    @Test func anOpAYearAheadIsStoredAndRelayedButNotAppliedAndDoesNotMoveTheClock() throws {
        let (source, ops) = try origin(writesAt: [now + Self.year])
        let receiver = try IdeaStore(path: dir.file("r.sqlite"), identity: NodeIdentity())
        let outcome = try receiver.apply(batch: ops, wallMillis: now)
        #expect(outcome.applied == 1 && outcome.heldBack == 1 && outcome.startedHolding == 1)
        // In the log: the vector has it, it is relayed, a duplicate is a duplicate.
        let id = try ops[0].decode().id
        #expect(try receiver.versionVector()[id.origin].seq == 1)
        #expect(try receiver.ops(of: id.origin, from: 1, limit: 10) == ops)
        #expect(try receiver.apply(batch: ops, wallMillis: now).duplicates == 1)
        // Not in the views.
        #expect(try receiver.idea(id) == nil && ideaCount(receiver) == 0)
        #expect(try receiver.digest() != source.digest(), "the state differs while the op is held back")
        let held = try receiver.heldOrigins()
        #expect(held.map(\.origin) == [id.origin] && held.map(\.ops) == [1] && held.map(\.firstSeq) == [1])
        #expect(held.first?.dueMillis == now + Self.year - HybridClock.defaultMaxDriftMillis)
        #expect(try receiver.counts().heldOps == 1 && receiver.counts().heldOrigins == 1)
        // The receiver's own next op is stamped with its own clock, not a year ahead.
        let own = try receiver.write(.ideaCreate(content), author: "bob", wallMillis: now + 1).decode()
        #expect(own.hlc.millis == now + 1)
        // Nothing is due yet.
        #expect(try receiver.releaseHeld(wallMillis: now + 1000).isEmpty)
        #expect(try receiver.idea(id) == nil)
    }

    @Test func heldOpsAreReleasedWhenDueInSeqOrderAndThenMoveTheClock() throws {
        let (source, ops) = try origin(writesAt: [now - Self.minute, now + 10 * Self.minute, now + 20 * Self.minute])
        let receiver = try IdeaStore(path: dir.file("r.sqlite"), identity: NodeIdentity())
        let outcome = try receiver.apply(batch: ops, wallMillis: now)
        #expect(outcome.applied == 3 && outcome.heldBack == 2 && outcome.startedHolding == 2)
        let ids = try ops.map { try $0.decode().id }
        #expect(try receiver.idea(ids[0]) != nil && receiver.idea(ids[1]) == nil && receiver.idea(ids[2]) == nil)

        // 6 minutes on, the second op is within 5 minutes of the clock: released; the third waits.
        let first = try receiver.releaseHeld(wallMillis: now + 6 * Self.minute)
        #expect(first == [HeldRelease(origin: ids[0].origin, ops: 1, throughSeq: 2, stillHeld: 1)])
        #expect(try receiver.idea(ids[1]) != nil && receiver.idea(ids[2]) == nil)
        #expect(try receiver.heldOrigins().map(\.firstSeq) == [3])
        // The clock follows what was released: the next local op sorts after it.
        let own = try receiver.write(.ideaCreate(content), author: "bob", wallMillis: now + 6 * Self.minute).decode()
        #expect(try own.hlc > ops[1].decodeHLC() && own.hlc < ops[2].decodeHLC())

        #expect(try receiver.releaseHeld(wallMillis: now + 16 * Self.minute).map(\.throughSeq) == [3])
        #expect(try receiver.heldOrigins().isEmpty && receiver.counts().heldOps == 0)
        #expect(try receiver.idea(ids[2]) != nil)
        // Once everything is released, the receiver's state is the origin's plus its own op.
        try source.apply(batch: [receiver.ops(of: receiver.nodeID!, from: 1, limit: 1)[0]], wallMillis: now + 16 * Self.minute)
        #expect(try source.digest() == receiver.digest())
    }

    /// An origin whose clock jumps back after a held-back op (only a misbehaving one): its next op
    /// is refused like a broken chain, because HLCs are checked against the held-back tail (not
    /// only the applied ops); an op after the held one in stamp order waits behind it.
    @Test func theHeldTailBoundsTheNextHLCAndLaterOpsWaitBehindIt() throws {
        let identity = NodeIdentity()
        let idea = OpID(origin: identity.nodeID, seq: 1)
        let create = SignedOp.make(
            identity: identity, seq: 1, prev: Data(), hlc: HLC(millis: now + Self.year, counter: 0), author: "ann",
            body: .ideaCreate(content))
        let receiver = try IdeaStore(path: dir.file("r.sqlite"), identity: NodeIdentity())
        #expect(try receiver.apply(batch: [create], wallMillis: now).heldBack == 1)
        let before = try receiver.digest()
        let backwards = SignedOp.make(
            identity: identity, seq: 2, prev: create.hash, hlc: HLC(millis: now, counter: 0), author: "cat", body: .support(idea: idea))
        #expect(throws: BatchRejection.hlcNotIncreasing(origin: identity.nodeID, seq: 2)) {
            try receiver.apply(batch: [backwards], wallMillis: now)
        }
        #expect(try receiver.heldOrigins().map(\.ops) == [1] && receiver.digest() == before)

        let support = SignedOp.make(
            identity: identity, seq: 2, prev: create.hash, hlc: HLC(millis: now + Self.year, counter: 1), author: "cat",
            body: .support(idea: idea))
        let second = try receiver.apply(batch: [support], wallMillis: now)
        #expect(second.applied == 1 && second.heldBack == 1 && second.startedHolding == nil, "held behind seq 1, no new log line")
        #expect(try receiver.heldOrigins().map(\.ops) == [2])
        #expect(try receiver.releaseHeld(wallMillis: now + Self.minute).isEmpty)
        #expect(try receiver.releaseHeld(wallMillis: now + Self.year).map(\.ops) == [2])
        #expect(try receiver.idea(idea)?.supporters == 1)
    }

    /// An op stamped after 2^47 ms (the year 6429: only a forged one) has an HLC whose 64 bits
    /// are negative in SQLite's signed INTEGER; it must stay held back like any other, not be
    /// released at the next second (found by the op fuzzer's held-back invariant).
    @Test func anOpStampedAtTheEndOfTimeStaysHeldBack() throws {
        let identity = NodeIdentity()
        let forged = SignedOp.make(
            identity: identity, seq: 1, prev: Data(), hlc: HLC(millis: HLC.maxMillis - 1, counter: 7), author: "mal",
            body: .ideaCreate(content))
        let receiver = try IdeaStore(path: dir.file("r.sqlite"), identity: NodeIdentity())
        #expect(try receiver.apply(batch: [forged], wallMillis: now).heldBack == 1)
        #expect(try receiver.releaseHeld(wallMillis: now + 1000).isEmpty)
        #expect(try receiver.idea(OpID(origin: identity.nodeID, seq: 1)) == nil)
        #expect(receiver.clockHLC.millis < now + 1000 + receiver.maxClockAheadMillis)
        #expect(try receiver.heldOrigins().map(\.firstHLC) == [HLC(millis: HLC.maxMillis - 1, counter: 7)])
        // At the end of time it is due.
        #expect(try receiver.releaseHeld(wallMillis: HLC.maxMillis).map(\.ops) == [1])
        #expect(try receiver.idea(OpID(origin: identity.nodeID, seq: 1)) != nil)
    }

    @Test func heldOpsSurviveARestartAndDoNotStartTheClockAhead() throws {
        let (_, ops) = try origin(writesAt: [now, now + Self.year])
        let path = dir.file("r.sqlite"), identity = NodeIdentity()
        do {
            let receiver = try IdeaStore(path: path, identity: identity)
            #expect(try receiver.apply(batch: ops, wallMillis: now + 1).heldBack == 1)
        }
        let reopened = try IdeaStore(path: path, identity: identity)
        #expect(try reopened.heldOrigins().map(\.firstSeq) == [2])
        #expect(try reopened.releaseHeld(wallMillis: now + 2).isEmpty)
        // The clock starts from what was applied (seq 1), not from the held-back op.
        let own = try reopened.write(.ideaCreate(content), author: "bob", wallMillis: now + 2).decode()
        #expect(own.hlc.millis == now + 2)
        #expect(try reopened.releaseHeld(wallMillis: now + Self.year).map(\.ops) == [1])
        #expect(try reopened.ideaIDs().count == 3)
    }

    /// A node's own ops are its history: a restored node that gets back ops its clock was once
    /// ahead for applies them, and its next op sorts after them.
    @Test func aNodesOwnOpsAreNeverHeldBack() throws {
        let identity = NodeIdentity()
        let (_, ops) = try origin(identity, writesAt: [now + Self.year])
        let restored = try IdeaStore(path: dir.file("restored.sqlite"), identity: identity)
        #expect(try restored.apply(batch: ops, wallMillis: now).heldBack == 0)
        #expect(try restored.ideaIDs().count == 1)
        #expect(try restored.write(.ideaCreate(content), author: "ann", wallMillis: now).decode().hlc > ops[0].decodeHLC())
    }

    /// The bound is the store's: a receiver allowing 2 seconds holds an op 3 seconds ahead.
    @Test func theBoundIsConfigurable() throws {
        let (_, ops) = try origin(writesAt: [now + 3_000])
        let strict = try IdeaStore(path: dir.file("strict.sqlite"), identity: nil, maxClockAheadMillis: 2_000)
        let lenient = try IdeaStore(path: dir.file("lenient.sqlite"), identity: nil)
        #expect(try strict.apply(batch: ops, wallMillis: now).heldBack == 1)
        #expect(try lenient.apply(batch: ops, wallMillis: now).heldBack == 0)
        #expect(try strict.releaseHeld(wallMillis: now + 999).isEmpty)
        #expect(try strict.releaseHeld(wallMillis: now + 1_000).map(\.ops) == [1])
    }
}

/// Held-back episodes are logged at most hourly per origin: one whose clock is a little too fast
/// would otherwise log a warning and a release for every op.
struct HoldLogTests {
    @Test func anOriginsEpisodesAreToldAtMostHourly() {
        let a = NodeIdentity().nodeID, b = NodeIdentity().nodeID
        var log = HoldLog()
        var told = [Bool]()
        told.append(log.startedHolding(a, wallMillis: 1_000))
        told.append(log.released(a, stillHeld: 2))  // not while some are still held back
        told.append(log.released(a, stillHeld: 0))
        // The same origin again within the hour: neither start nor end is told.
        told.append(log.startedHolding(a, wallMillis: 60_000))
        told.append(log.released(a, stillHeld: 0))
        told.append(log.startedHolding(b, wallMillis: 60_000))  // another origin is
        // An hour after the last warning, it is told again.
        told.append(log.startedHolding(a, wallMillis: 1_000 + HoldLog.quietMillis))
        told.append(log.released(a, stillHeld: 0))
        #expect(told == [true, false, true, false, false, true, true, true])
        // Ops held back before this process started are told when released.
        var fresh = HoldLog()
        let releasedAfterRestart = fresh.released(a, stillHeld: 0)
        #expect(releasedAfterRestart)
    }
}

extension SignedOp {
    func decodeHLC() throws -> HLC { try decode().hlc }
}
