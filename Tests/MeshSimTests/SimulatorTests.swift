import Foundation
import MeshCRDT
import MeshModel
import MeshWire
import Testing

@testable import MeshSim

/// The deterministic simulator: small meshes that must converge, reproducibly, under loss and
/// partitions; its pieces (event order, wire cost, the in-memory apply) checked on their own.
struct SimulatorTests {
    static func small(nodes: Int = 50, seed: UInt64 = 7) -> SimulationConfig {
        var config = SimulationConfig()
        config.nodes = nodes
        config.ideas = 10
        config.loss = 0
        config.seed = seed
        config.historyOrigins = 4
        config.historyOpsPerOrigin = 2
        config.writeStartMillis = 3_000
        config.inSyncIntervals = 3
        config.maxVirtualMillis = 300_000
        return config
    }

    /// Runs a simulation on a thread of its own and hands it back with its report. A simulation is
    /// seconds of CPU: on Swift's cooperative pool, which is only as wide as the cores, it would
    /// hold back the end-to-end tests of other suites (their daemons answer, but the tests cannot
    /// run to see it). The thread never touches the simulation after handing it back.
    static func run(_ config: SimulationConfig) async -> (simulation: Simulation, report: SimulationReport) {
        final class Handoff: @unchecked Sendable {
            let simulation: Simulation, report: SimulationReport
            init(_ simulation: Simulation, _ report: SimulationReport) { (self.simulation, self.report) = (simulation, report) }
        }
        let handoff = await withCheckedContinuation { (continuation: CheckedContinuation<Handoff, Never>) in
            Thread {
                let simulation = Simulation(config: config)
                let report = simulation.run()
                continuation.resume(returning: Handoff(simulation, report))
            }.start()
        }
        return (handoff.simulation, handoff.report)
    }

    static func json(_ report: SimulationReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }

    @Test func aSmallMeshConvergesWithinTheRoundsLimit() async throws {
        let report = await Self.run(Self.small()).report
        #expect(report.converged)
        #expect(report.ideasConverged == 10)
        #expect(report.met)
        #expect(report.rounds.max >= 1 && report.rounds.max <= report.roundsLimit)
        // Every node got every idea: one delivery per (idea, node).
        #expect(report.deliveryHops.count == 10 * 50)
        // The mesh is bounded: no node dialled past max_connections plus the inbound headroom.
        #expect(report.mesh.degree.max <= Double(8 + 4))
        #expect(report.mesh.degree.p50 >= 8)
        #expect(report.sync.refusedBatches == 0 && report.sync.forks == 0)
        #expect(report.network.lost == 0)
        // Without loss, an op travels in one hop per link: it reaches everyone in a few delays.
        #expect(report.convergenceMillis.max < 1_000)
    }

    @Test func theSameSeedGivesTheSameRunAndAnotherSeedAnother() async throws {
        var config = Self.small(nodes: 40)
        config.loss = 0.05
        let a = try Self.json(await Self.run(config).report)
        let b = try Self.json(await Self.run(config).report)
        #expect(a == b)
        config.seed = 8
        let c = try Self.json(await Self.run(config).report)
        #expect(a != c)
    }

    @Test func fivePercentLossStillConvergesRepairedByHaves() async {
        var config = Self.small()
        config.loss = 0.05
        let report = await Self.run(config).report
        #expect(report.converged)
        #expect(report.network.lost > 0)
        // Lost batches were repaired: by a gap reply or by the periodic Have exchange.
        #expect(report.sync.gapHaves + (report.sync.messagesByKind["have_full"] ?? 0) > 0)
        #expect(report.sync.refusedBatches == 0)
    }

    @Test func lossIsRepairedByThePeriodicHaveAlone() async {
        // One link, one idea, every message lost for a while: nothing reaches the peer, no later
        // batch shows a gap; only the periodic Have can bring the idea across.
        var config = Self.small(nodes: 2)
        config.historyOrigins = 2
        config.ideas = 1
        config.maxConnections = 1
        config.partitions = [Partition(startMillis: 2_900, endMillis: 3_300)]
        let report = await Self.run(config).report
        #expect(report.converged)
        #expect(report.sync.gaps == 0)
        #expect(report.network.partitioned > 0)
        // Written at 3 s, lost at once; the first Have after 3.3 s (≤ 1 s + a tick later) repairs it.
        #expect(report.convergenceMillis.max > 300)
        let bound: Double = 300 + 1_000 + 250 + 200  // heal, one interval, a tick, four delays
        #expect(report.convergenceMillis.max <= bound)
    }

    @Test func aPartitionDelaysConvergenceUntilItHeals() async {
        var config = Self.small()
        config.partitions = [Partition(startMillis: 2_000, endMillis: 12_000, fraction: 0.4)]
        let report = await Self.run(config).report
        #expect(report.converged)
        #expect(report.network.partitioned > 0)
        // Ideas written from 3 s on reach the other side only after 12 s: the last at 3.9 s, so
        // no idea converged before the heal, and all within a few Have intervals after it.
        let healedAfter = 12_000.0 - 3_900.0
        #expect(report.convergenceMillis.p50 >= healedAfter)
        #expect(report.convergedAfterMillis.map { $0 >= 9_000 && $0 <= 9_000 + 5_000 } == true)
        // Without the partition the same mesh converges in well under a second.
        config.partitions = []
        #expect(await Self.run(config).report.convergedAfterMillis.map { $0 < 2_000 } == true)
    }

    /// A partition longer than the idle timeout: the links across close, every node refills its
    /// links inside its own half, and once every node is full nobody dials across when the
    /// partition heals. Without rotation the halves stay split for good (every node full, no
    /// link across, no idea anywhere but in its own half); with it they join within seconds.
    @Test func rotationJoinsAMeshThatALongPartitionSplit() async throws {
        func run(rotateIntervalMillis: UInt64) async -> (Simulation, SimulationReport) {
            var config = Self.small(nodes: 40)
            config.maxConnections = 3
            config.haveIntervalMillis = 5_000  // fewer events; the idle timeout (95 s) is unchanged
            config.partitions = [Partition(startMillis: 2_000, endMillis: 200_000)]
            config.maxVirtualMillis = 400_000
            config.rotateIntervalMillis = rotateIntervalMillis
            return await Self.run(config)
        }
        func crossing(_ simulation: Simulation) -> Int {
            simulation.links.filter { $0.phase == .established && ($0.ends[0] < 20) != ($0.ends[1] < 20) }.count
        }

        let (split, without) = await run(rotateIntervalMillis: 0)
        #expect(!without.converged && without.ideasConverged == 0)
        #expect(without.mesh.idleTimeouts >= 20, "the links across closed during the partition")
        #expect(crossing(split) == 0, "200 s after the heal, still no link across")
        // Stable: every node has max_connections links or more, so none will ever dial again.
        #expect(split.nodes.allSatisfy { $0.links.count >= 3 })
        #expect(without.mesh.rotationDials == 0 && without.mesh.rotations == 0 && without.mesh.trimmed == 0)

        let (joined, with) = await run(rotateIntervalMillis: 10_000)
        #expect(with.converged && with.ideasConverged == 10)
        // Ideas were written from 3 s on, behind the partition: they converge after the heal at
        // 200 s, within a rotation interval and a half of it.
        let heal = 200_000 - 3_000
        #expect(with.convergedAfterMillis.map { $0 >= heal && $0 <= heal + 15_000 } == true, "\(String(describing: with.convergedAfterMillis))")
        #expect(crossing(joined) > 0)
        #expect(with.mesh.rotationDials > 0 && with.mesh.rotations > 0 && with.mesh.trimmed > 0)
        // Rotation dials across the partition failed (handshake timeouts) and closed nothing:
        // every node still has its max_connections links.
        #expect(joined.nodes.allSatisfy { $0.links.count >= 3 })
        let again = await run(rotateIntervalMillis: 10_000).1
        #expect(try Self.json(with) == Self.json(again), "deterministic")
    }

    @Test func anInSyncRoundCostsTheSameWhateverTheNumberOfOrigins() async throws {
        func inSync(historyOrigins: Int) async -> SimulationReport {
            var config = Self.small(nodes: 30)
            config.historyOrigins = historyOrigins
            return await Self.run(config).report
        }
        let few = await inSync(historyOrigins: 2), many = await inSync(historyOrigins: 30)
        let a = try #require(few.inSync), b = try #require(many.inSync)
        // Two digest Haves per link per interval: 58 bytes each on the wire, nothing else.
        #expect(a.bytesPerLinkPerInterval == 116)
        #expect(b.bytesPerLinkPerInterval == 116)
        #expect(a.messagesByKind["have_full"] == 0 && a.messagesByKind["batch"] == 0)
        // What does grow with the origins: the Hellos (full vectors with head hashes).
        #expect((many.sync.bytesByKind["hello"] ?? 0) > 5 * (few.sync.bytesByKind["hello"] ?? 0))
    }

    // MARK: Parts

    @Test func eventsRunInTimeOrderAndTiesInScheduleOrder() {
        var queue = EventQueue<String>()
        var rng = SplitMix64(seed: 3)
        var expected = [(UInt64, Int)]()
        for i in 0..<500 {
            let time = UInt64(rng.below(20))
            queue.schedule("\(i)", at: time)
            expected.append((time, i))
        }
        expected.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var popped = [String]()
        while let entry = queue.pop() { popped.append(entry.payload) }
        #expect(popped == expected.map { "\($0.1)" })
    }

    @Test func wireCostMatchesTheProtocolAndARealHandshake() throws {
        // PROTOCOL.md §3: a digest Have is 36 bytes, 58 on the wire.
        let digest = SyncMessage.haveDigest([UInt8](repeating: 7, count: 32)).encode()
        #expect(digest.count == 36)
        #expect(WireCost.message(envelopeBytes: digest.count) == 58)
        // A message over one frame's worth takes two frames.
        #expect(WireCost.message(envelopeBytes: 65_515) == 65_519 + 18)
        #expect(WireCost.message(envelopeBytes: 65_516) == 65_520 + 36)

        // The real channel: a handshake between two departments, then a digest Have.
        let key = [UInt8](repeating: 9, count: 32)
        let a = NodeIdentity(), b = NodeIdentity()
        var initiator = try SecureChannel(role: .initiator, identity: a, networkKey: key, department: "dept-12", isTrusted: { _ in true })
        var responder = try SecureChannel(role: .responder, identity: b, networkKey: key, department: "dept-34", isTrusted: { _ in true })
        let one = try initiator.start()
        let two = try responder.receive(one).output
        let three = try initiator.receive(two).output
        _ = try responder.receive(three)
        #expect([one.count, two.count, three.count] == WireCost.handshake(initiatorDepartmentBytes: 7, responderDepartmentBytes: 7))
        #expect(try initiator.send(.haveDigest(SyncMessage.vectorDigest(VersionVector()))).count == 58)
    }

    @Test func theInMemoryLogAppliesLikeTheStore() throws {
        let origin = NodeIdentity()
        var source = OpLog()
        var clock = HybridClock()
        var ops = [SignedOp]()
        for k in 0..<5 {
            ops.append(source.write(.ideaCreate(Simulation.content("\(k)")), author: "a", hlc: clock.tick(wallMillis: 1_000), identity: origin, origin: 0))
        }
        let index: (NodeID) -> Int? = { $0 == origin.nodeID ? 0 : nil }
        var log = OpLog()
        // A gap, then the start, then an overlapping batch (duplicates skipped), then a replay.
        if case .gap = log.apply(Array(ops[2...3]), originIndex: index, verifySignature: true) {} else { Issue.record("gap not seen") }
        #expect(log.held(0) == 0)
        #expect(log.apply(Array(ops[0...1]), originIndex: index, verifySignature: true)
            == .accepted(origin: origin.nodeID, lastSeq: 2, firstNewSeq: 1, applied: 2))
        #expect(log.apply(Array(ops[1...4]), originIndex: index, verifySignature: true)
            == .accepted(origin: origin.nodeID, lastSeq: 5, firstNewSeq: 3, applied: 3))
        #expect(log.apply(Array(ops[0...4]), originIndex: index, verifySignature: true)
            == .accepted(origin: origin.nodeID, lastSeq: 5, firstNewSeq: 6, applied: 0))
        #expect(log.vector == source.vector)

        // Refusals change nothing: a forged signature, a broken chain, mixed order.
        var fresh = OpLog()
        let forged = SignedOp(bytes: ops[0].bytes, signature: NodeIdentity().sign(ops[0].bytes), body: ops[0].body)
        if case .refused = fresh.apply([forged], originIndex: index, verifySignature: true) {} else { Issue.record("forgery accepted") }
        if case .refused = fresh.apply([ops[0], ops[2]], originIndex: index, verifySignature: true) {} else { Issue.record("non-contiguous accepted") }
        let other = NodeIdentity()
        let stranger = SignedOp.make(identity: other, seq: 1, prev: Data(), hlc: HLC(millis: 1, counter: 0), author: "", body: .ideaCreate(Simulation.content("x")))
        if case .refused = fresh.apply([stranger], originIndex: index, verifySignature: true) {} else { Issue.record("unknown origin accepted") }
        #expect(fresh.held(0) == 0 && fresh.vector == VersionVector())
        // A different op at a held seq is a fork, not a duplicate.
        let twin = SignedOp.make(identity: origin, seq: 1, prev: Data(), hlc: HLC(millis: 2, counter: 0), author: "b", body: .ideaCreate(Simulation.content("twin")))
        if case .fork = log.apply([twin], originIndex: index, verifySignature: true) {} else { Issue.record("fork not seen") }
        #expect(log.vector == source.vector)
    }

    @Test func partitionsParse() {
        #expect(Partition(parsing: "6000..20000:0.3") == Partition(startMillis: 6_000, endMillis: 20_000, fraction: 0.3))
        #expect(Partition(parsing: "1..2") == Partition(startMillis: 1, endMillis: 2, fraction: 0.5))
        #expect(Partition(parsing: "1-2") == nil)
        #expect(Partition(parsing: "a..2") == nil)
    }
}
