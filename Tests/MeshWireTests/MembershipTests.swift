import MeshCRDT
import Testing

@testable import MeshWire

/// The membership state machine's rules (PROTOCOL.md §7), one at a time, on its own: the daemon's
/// `Mesh` and the simulator drive the same machine.
struct MembershipTests {
    typealias Machine = Membership<Int>

    /// A node and `count` other nodes, each known at target i (its index).
    static func machine(
        count: Int = 20, maxConnections: Int = 3, rotateIntervalMillis: UInt64 = 0
    ) -> (Machine, [NodeID], NodeID) {
        let me = NodeIdentity().nodeID
        let others = (0..<count).map { _ in NodeIdentity().nodeID }
        var machine = Machine(selfID: me, config: .init(maxConnections: maxConnections, rotateIntervalMillis: rotateIntervalMillis))
        for (i, node) in others.enumerated() { machine.addSeed(i, node: node) }
        return (machine, others, me)
    }

    static func dials(_ actions: [Machine.Action]) -> [(target: Int, link: Int, rotation: Bool)] {
        actions.compactMap { if case .dial(let t, let l, let r) = $0 { (t, l, r) } else { nil } }
    }

    /// Dials, connects and completes the handshake and Hello of every dial in `actions`.
    static func connectAll(_ actions: [Machine.Action], _ machine: inout Machine, _ nodes: [NodeID], now: UInt64, _ random: inout SplitMix64) {
        for dial in dials(actions) {
            machine.dialSucceeded(link: dial.link, nowMillis: now)
            #expect(machine.established(link: dial.link, peer: nodes[dial.target], nowMillis: now).keep)
            _ = machine.helloReceived(link: dial.link, using: &random)
        }
    }

    @Test func dialsDistinctTargetsAtRandomUpToTheBoundAndRefusesInboundBeyondTheHeadroom() {
        var (machine, _, _) = Self.machine()
        var random = SplitMix64(seed: 1)
        let first = Self.dials(machine.fill(nowMillis: 0, using: &random))
        #expect(first.count == 3)
        #expect(Set(first.map { $0.target }).count == 3)
        #expect(machine.fill(nowMillis: 0, using: &random).isEmpty, "full: dials in flight count")
        // Inbound: max(2, 3 / 2) = 2 beyond the bound, dials in flight aside.
        #expect(machine.inbound(nowMillis: 0) != nil)
        #expect(machine.inbound(nowMillis: 0) != nil)
        #expect(machine.inbound(nowMillis: 0) != nil)
        for dial in first { machine.dialSucceeded(link: dial.link, nowMillis: 0) }
        #expect(machine.inbound(nowMillis: 0) == nil, "3 connected + 2 headroom")
    }

    @Test func neverDialsItselfAnUntrustedNodeOrANodeItIsLinkedWith() {
        var (machine, nodes, me) = Self.machine(count: 4, maxConnections: 8)
        machine.addSeed(99, node: me)
        _ = machine.trustChanged(trusted: Set(nodes.dropFirst()))
        let inbound = machine.inbound(nowMillis: 0)!
        _ = machine.established(link: inbound, peer: nodes[1], nowMillis: 0)
        var random = SplitMix64(seed: 2)
        #expect(Set(Self.dials(machine.fill(nowMillis: 0, using: &random)).map { $0.target }) == [2, 3])
    }

    @Test func bothEndsKeepTheLinkDialledByTheSmallerNodeID() {
        let a = NodeIdentity().nodeID, b = NodeIdentity().nodeID
        let (small, large) = a < b ? (a, b) : (b, a)
        var random = SplitMix64(seed: 3)
        func pair(_ me: NodeID, _ peer: NodeID) -> (Machine, out: Int, in: Int) {
            var machine = Machine(selfID: me, config: .init(maxConnections: 4, rotateIntervalMillis: 0))
            machine.addSeed(0, node: peer)
            let out = Self.dials(machine.fill(nowMillis: 0, using: &random))[0].link
            machine.dialSucceeded(link: out, nowMillis: 0)
            let inbound = machine.inbound(nowMillis: 0)!
            return (machine, out, inbound)
        }
        var (s, sOut, sIn) = pair(small, large)
        var (l, lOut, lIn) = pair(large, small)
        // Each side completes its outbound handshake first, then the inbound one.
        #expect(s.established(link: sOut, peer: large, nowMillis: 1).keep)
        #expect(l.established(link: lOut, peer: small, nowMillis: 1).keep)
        let atSmall = s.established(link: sIn, peer: large, nowMillis: 2)
        let atLarge = l.established(link: lIn, peer: small, nowMillis: 2)
        // Both keep the link the smaller id dialled: its outbound, the larger's inbound.
        #expect(!atSmall.keep && atSmall.actions == [.close(sIn, .duplicate(large))])
        #expect(atLarge.keep && atLarge.actions == [.close(lOut, .duplicate(small))])
    }

    @Test func backoffGrowsWithFailuresAndALinkThatLastedResetsIt() {
        var (machine, nodes, _) = Self.machine(count: 1, maxConnections: 1)
        var random = SplitMix64(seed: 4)
        var link = Self.dials(machine.fill(nowMillis: 0, using: &random))[0].link
        let first = machine.dialFailed(link: link, nowMillis: 0, using: &random)
        #expect(first.failures == 1 && (250...500).contains(first.retryInMillis))
        #expect(machine.fill(nowMillis: first.retryInMillis - 1, using: &random).isEmpty, "backing off")
        link = Self.dials(machine.fill(nowMillis: 1_000, using: &random))[0].link
        let second = machine.dialFailed(link: link, nowMillis: 1_000, using: &random)
        #expect(second.failures == 2 && (500...1_000).contains(second.retryInMillis))

        // A link that closed soon after its handshake: another failure in a row.
        link = Self.dials(machine.fill(nowMillis: 3_000, using: &random))[0].link
        machine.dialSucceeded(link: link, nowMillis: 3_000)
        _ = machine.established(link: link, peer: nodes[0], nowMillis: 3_000)
        machine.linkClosed(link: link, nowMillis: 4_000, using: &random)
        #expect(machine.target(0)?.failures == 3)
        // One that lasted more than 5 s: back to 1 (the peer's Hello alone resets nothing).
        link = Self.dials(machine.fill(nowMillis: 10_000, using: &random))[0].link
        machine.dialSucceeded(link: link, nowMillis: 10_000)
        _ = machine.established(link: link, peer: nodes[0], nowMillis: 10_000)
        _ = machine.helloReceived(link: link, using: &random)
        #expect(machine.target(0)?.failures == 3)
        machine.linkClosed(link: link, nowMillis: 16_000, using: &random)
        #expect(machine.target(0)?.failures == 1)
        #expect((16_250...16_500).contains(machine.target(0)!.notBeforeMillis))
    }

    /// A peer that accepts us, says Hello, then refuses what we send (a broken chain, a fork met
    /// by an older node) must not be redialled every half second: each failed link counts one
    /// more failure in a row, as a refused dial does, up to the cap.
    @Test func linksThatFailRightAfterHelloBackOffExponentially() {
        var (machine, nodes, _) = Self.machine(count: 1, maxConnections: 1)
        var random = SplitMix64(seed: 9)
        var now: UInt64 = 0
        var waits = [UInt64]()
        for round in 1...9 {
            let dials = Self.dials(machine.fill(nowMillis: now, using: &random))
            #expect(dials.count == 1, "round \(round): dials once its backoff expired")
            let link = dials[0].link
            machine.dialSucceeded(link: link, nowMillis: now)
            _ = machine.established(link: link, peer: nodes[0], nowMillis: now)
            _ = machine.helloReceived(link: link, using: &random)
            machine.linkClosed(link: link, failed: true, nowMillis: now + 20, using: &random)
            #expect(machine.target(0)?.failures == round)
            let notBefore = machine.target(0)!.notBeforeMillis
            #expect(machine.fill(nowMillis: notBefore - 1, using: &random).isEmpty, "backing off")
            waits.append(notBefore - (now + 20))
            now = notBefore
        }
        // [d/2, d] with d = min(60 s, 0.5 s · 2^(n−1)).
        for (n, wait) in waits.enumerated() {
            let ceiling: UInt64 = min(60_000, 500 << UInt64(n))
            #expect((ceiling / 2...ceiling).contains(wait), "failure \(n + 1) waited \(wait) ms")
        }
        // A link that lasted, then failed: the streak restarts at 2, not 1.
        let link = Self.dials(machine.fill(nowMillis: now, using: &random))[0].link
        machine.dialSucceeded(link: link, nowMillis: now)
        _ = machine.established(link: link, peer: nodes[0], nowMillis: now)
        machine.linkClosed(link: link, failed: true, nowMillis: now + 60_000, using: &random)
        #expect(machine.target(0)?.failures == 2)
    }

    @Test func handshakeAndIdleTimeoutsCloseAndOtherLinksTick() {
        var (machine, nodes, _) = Self.machine(count: 3)
        var random = SplitMix64(seed: 5)
        let dials = Self.dials(machine.fill(nowMillis: 0, using: &random))
        for dial in dials { machine.dialSucceeded(link: dial.link, nowMillis: 0) }
        _ = machine.established(link: dials[1].link, peer: nodes[dials[1].target], nowMillis: 0)
        _ = machine.established(link: dials[2].link, peer: nodes[dials[2].target], nowMillis: 0)
        machine.heard(link: dials[2].link, nowMillis: 90_000)
        #expect(machine.tick(nowMillis: 9_999, using: &random) == [.tickSession(dials[1].link), .tickSession(dials[2].link)])
        #expect(machine.tick(nowMillis: 10_000, using: &random).first == .close(dials[0].link, .handshakeTimeout))
        let late = machine.tick(nowMillis: 95_000, using: &random)
        #expect(late == [.close(dials[1].link, .silent(millis: 95_000)), .tickSession(dials[2].link)])
        #expect(machine.openCount == 1, "closing links count no more")
    }

    @Test func rotationTrimsTheSurplusDialsWhenFullAndClosesAnotherOnlyOnceTheNewLinkIsUp() throws {
        var (machine, nodes, _) = Self.machine(count: 20, maxConnections: 3, rotateIntervalMillis: 10_000)
        var random = SplitMix64(seed: 6), rotation = SplitMix64(seed: 7)
        machine.start(nowMillis: 0, using: &rotation)
        let filled = machine.fill(nowMillis: 0, using: &random)
        Self.connectAll(filled, &machine, nodes, now: 0, &random)
        // Two inbound links past their Hello, from nodes it did not dial: five in all, two over
        // the bound.
        let dialled = Set(Self.dials(filled).map { $0.target })
        for peer in (0..<20).filter({ !dialled.contains($0) }).suffix(2) {
            let id = machine.inbound(nowMillis: 0)!
            _ = machine.established(link: id, peer: nodes[peer], nowMillis: 0)
            _ = machine.helloReceived(link: id, using: &rotation)
        }
        // Due within [5 s, 15 s].
        var actions = [Machine.Action]()
        for now in stride(from: UInt64(5_000), through: 15_000, by: 250) {
            actions = machine.tick(nowMillis: now, using: &rotation).filter { if case .tickSession = $0 { false } else { true } }
            if !actions.isEmpty { break }
        }
        let trims = actions.filter { if case .close(_, .trimming) = $0 { true } else { false } }
        #expect(trims.count == 2)
        let rotationDial = try #require(Self.dials(actions).first)
        #expect(rotationDial.rotation)
        #expect(machine.rotatingLink == rotationDial.link)
        for case .close(let id, _) in trims { machine.linkClosed(link: id, nowMillis: 15_000, using: &random) }

        // The new link's Hello: one other closes (four past Hello, bound three).
        machine.dialSucceeded(link: rotationDial.link, nowMillis: 15_000)
        _ = machine.established(link: rotationDial.link, peer: nodes[rotationDial.target], nowMillis: 15_000)
        let swap = machine.helloReceived(link: rotationDial.link, using: &rotation)
        #expect(swap.count == 1)
        if case .close(let id, .rotating)? = swap.first { #expect(id != rotationDial.link) } else { Issue.record("no rotation close") }
        #expect(machine.rotatingLink == nil)
    }

    @Test func aFailedRotationDialClosesNothing() throws {
        var (machine, nodes, _) = Self.machine(count: 20, maxConnections: 2, rotateIntervalMillis: 1_000)
        var random = SplitMix64(seed: 8), rotation = SplitMix64(seed: 9)
        machine.start(nowMillis: 0, using: &rotation)
        Self.connectAll(machine.fill(nowMillis: 0, using: &random), &machine, nodes, now: 0, &random)
        var dial: (target: Int, link: Int, rotation: Bool)?
        for now in stride(from: UInt64(500), through: 1_500, by: 250) where dial == nil {
            dial = Self.dials(machine.tick(nowMillis: now, using: &rotation)).first
        }
        let rotationDial = try #require(dial)
        machine.dialFailed(link: rotationDial.link, nowMillis: 1_500, using: &random)
        #expect(machine.rotatingLink == nil)
        #expect(machine.openCount == 2)
        #expect(machine.fill(nowMillis: 1_500, using: &random).isEmpty, "still full")
    }

    @Test func aRotationWhoseHandshakeTimesOutIsOverAtOnceAndTheNextMayDial() throws {
        var (machine, nodes, _) = Self.machine(count: 20, maxConnections: 2, rotateIntervalMillis: 20_000)
        var random = SplitMix64(seed: 10), rotation = SplitMix64(seed: 11)
        machine.start(nowMillis: 0, using: &rotation)
        Self.connectAll(machine.fill(nowMillis: 0, using: &random), &machine, nodes, now: 0, &random)
        var dial: (target: Int, link: Int, rotation: Bool)?, at: UInt64 = 0
        for now in stride(from: UInt64(10_000), through: 30_000, by: 250) where dial == nil {
            dial = Self.dials(machine.tick(nowMillis: now, using: &rotation)).first
            at = now
        }
        let rotationDial = try #require(dial)
        machine.dialSucceeded(link: rotationDial.link, nowMillis: at)
        // Its handshake times out: closing it ends the rotation in the same tick (a rotation due
        // then may dial again), before the adapter reports the link closed.
        let timedOut = machine.tick(nowMillis: at + 10_000, using: &rotation)
        #expect(timedOut.contains(.close(rotationDial.link, .handshakeTimeout)))
        #expect(machine.rotatingLink == nil)
        #expect(machine.openCount == 2)
    }
}
