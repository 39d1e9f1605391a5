import MeshCRDT
import PropertyBased
import Testing

struct Base32Tests {
    @Test func roundTripsAnyBytes() async {
        await propertyCheck(input: Gen.uint8().array(of: 0...64)) { bytes in
            #expect(Base32.decode(Base32.encode(bytes)) == bytes)
        }
    }

    @Test func knownVectorFromRFC4648() {
        // RFC 4648 §10: BASE32("foobar") = "MZXW6YTBOI======" (we print lower case, unpadded).
        #expect(Base32.encode(Array("foobar".utf8)) == "mzxw6ytboi")
        #expect(Base32.decode("MZXW6YTBOI") == Array("foobar".utf8))
    }

    @Test func rejectsForeignCharactersAndNonCanonicalTails() {
        #expect(Base32.decode("mzxw6ytbo1") == nil)  // '1' is not in the alphabet
        #expect(Base32.decode("mzxw6ytboj") == nil)  // trailing bits set
    }
}

struct NodeIDTests {
    @Test func orderIsByteLexicographic() async {
        await propertyCheck(input: Gen.uint8().array(of: 32), Gen.uint8().array(of: 32)) { a, b in
            let x = NodeID(bytes: a)!, y = NodeID(bytes: b)!
            #expect((x < y) == a.lexicographicallyPrecedes(b))
            #expect(x.bytes == a)
            #expect(NodeID(base32: x.base32) == x)
        }
    }

    @Test func rejectsWrongLength() {
        #expect(NodeID(bytes: [UInt8](repeating: 1, count: 31)) == nil)
    }
}

struct HLCTests {
    @Test func tickIsStrictlyIncreasingEvenWhenTheWallClockStepsBack() {
        var clock = HybridClock()
        var last = HLC.zero
        for wall in [1000, 1000, 999, 1500, 10, 1500, 1501] as [UInt64] {
            let now = clock.tick(wallMillis: wall)
            #expect(now > last)
            #expect(now.millis >= min(wall, last.millis))
            last = now
        }
    }

    @Test func observedTimestampsOrderLaterLocalEventsAfterThem() {
        var clock = HybridClock()
        let remote = HLC(millis: 5000, counter: 7)
        let followed = clock.observe(remote, wallMillis: 4000)
        #expect(followed)
        #expect(clock.tick(wallMillis: 4000) > remote)
    }

    /// The one rule of "too far ahead": `admits`, `horizon` and `dueMillis` agree at the edge.
    @Test func theBoundAdmitsUpToMaxDriftAheadAndIsDueExactlyThen() {
        let clock = HybridClock(maxDriftMillis: 1000)
        #expect(clock.admits(HLC(millis: 2000, counter: .max), wallMillis: 1000))
        #expect(!clock.admits(HLC(millis: 2001, counter: 0), wallMillis: 1000))
        for remote in [HLC(millis: 2001, counter: 0), HLC(millis: 50_000, counter: 9), HLC(millis: 10, counter: 0)] {
            let due = clock.dueMillis(remote)
            #expect(clock.admits(remote, wallMillis: due), "\(remote.millis)")
            if due > 0 { #expect(!clock.admits(remote, wallMillis: due - 1), "\(remote.millis)") }
        }
        #expect(clock.horizon(wallMillis: .max).millis == HLC.maxMillis, "no overflow")
    }

    /// A node's own latest op is followed however far ahead it is: its HLCs strictly increase.
    @Test func resumingAfterOwnOpFollowsItWhateverTheBound() {
        var clock = HybridClock(maxDriftMillis: 1000)
        let own = HLC(millis: 1_000_000, counter: 3)
        let followed = clock.observe(own, wallMillis: 1000)
        #expect(!followed)
        clock.resume(after: own)
        #expect(clock.tick(wallMillis: 1000) > own)
    }

    @Test func timestampsFarInTheFutureAreNotFollowed() {
        var clock = HybridClock(maxDriftMillis: 1000)
        let followed = clock.observe(HLC(millis: 10_000, counter: 0), wallMillis: 1000)
        #expect(!followed)
        #expect(clock.tick(wallMillis: 1000).millis == 1000)
    }
}

struct VersionVectorTests {
    let a = NodeID(bytes: [UInt8](repeating: 1, count: 32))!
    let b = NodeID(bytes: [UInt8](repeating: 2, count: 32))!

    @Test func missingRangesArePerOrigin() {
        var mine = VersionVector(), theirs = VersionVector()
        mine[a] = OriginHead(seq: 3, hash: [1])
        theirs[a] = OriginHead(seq: 5, hash: [2])
        theirs[b] = OriginHead(seq: 2, hash: [3])
        let missing = mine.missing(comparedTo: theirs)
        #expect(missing.count == 2)
        #expect(missing.first { $0.origin == a }?.range == 4...5)
        #expect(missing.first { $0.origin == b }?.range == 1...2)
        #expect(theirs.missing(comparedTo: mine).isEmpty)
        #expect(theirs.dominates(mine) && !mine.dominates(theirs))
    }
}

struct MultiValueRegisterTests {
    /// Writes made by nodes that each see a random subset of earlier writes, applied in every
    /// random order, give the same current set and winner.
    @Test func anyDeliveryOrderGivesTheSameState() async {
        await propertyCheck(count: 200, input: Gen.int(in: 0...Int.max)) { seed in
            var rng = SplitMix64(seed: UInt64(seed))
            let nodes = (1...3).map { NodeID(bytes: [UInt8](repeating: UInt8($0), count: 32))! }
            var writes = [MultiValueRegister<Int>.Write]()
            for seq in 1...UInt64(rng.next() % 12 + 1) {
                let node = nodes[Int(rng.next() % 3)]
                let seen = Set(writes.filter { _ in rng.next() % 2 == 0 }.map(\.id))
                writes.append(.init(
                    id: OpID(origin: node, seq: seq), stamp: WriteStamp(hlc: HLC(rawValue: rng.next() % 5), origin: node),
                    value: Int(seq), predecessors: seen))
            }
            var first = MultiValueRegister<Int>()
            writes.forEach { first.apply($0) }
            var second = MultiValueRegister<Int>()
            var shuffled = writes
            shuffled.shuffle(using: &rng)
            (shuffled + shuffled.prefix(3)).forEach { second.apply($0) }
            #expect(first == second)
            #expect(first.winner == second.winner)
            // Nothing current has been seen by another write.
            #expect(first.current.allSatisfy { !first.superseded.contains($0.id) })
        }
    }

    @Test func concurrentWritesConflictUntilAWriteSeesThemAll() {
        let a = NodeID(bytes: [UInt8](repeating: 1, count: 32))!, b = NodeID(bytes: [UInt8](repeating: 2, count: 32))!
        var register = MultiValueRegister<String>()
        register.apply(.init(id: OpID(origin: a, seq: 1), stamp: WriteStamp(hlc: HLC(rawValue: 10), origin: a), value: "testing", predecessors: []))
        register.apply(.init(id: OpID(origin: b, seq: 1), stamp: WriteStamp(hlc: HLC(rawValue: 9), origin: b), value: "declined", predecessors: []))
        #expect(register.isConflict)
        #expect(register.winner?.value == "testing")
        register.apply(.init(id: OpID(origin: b, seq: 2), stamp: WriteStamp(hlc: HLC(rawValue: 11), origin: b), value: "adopted", predecessors: register.heads))
        #expect(!register.isConflict)
        #expect(register.winner?.value == "adopted")
    }
}

struct SplitMix64Tests {
    @Test func matchesTheReferenceSequence() {
        // Reference values of SplitMix64 seeded with 1234567 (Vigna's splitmix64.c).
        var rng = SplitMix64(seed: 1_234_567)
        #expect(rng.next() == 6_457_827_717_110_365_317)
        #expect(rng.next() == 3_203_168_211_198_807_973)
    }

    @Test func aSeedReproducesARun() {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42)
        #expect((0..<100).map { _ in a.below(1000) } == (0..<100).map { _ in b.below(1000) })
    }
}
