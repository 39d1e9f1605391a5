import Foundation
import MeshCRDT
import MeshStore
import Testing
import MeshLoopback
#if canImport(Glibc)
import Glibc
#endif

/// Real `ideameshd` processes on loopback replicating ideas: a line topology, a crash and
/// restart, a node that goes away and comes back. Every wait polls the daemons' own state
/// (`admin.digest`, `admin.peers`, `idea.list`) with a timeout; nothing relies on a fixed sleep.
@Suite(.timeLimit(.minutes(3)))
struct MeshEndToEndTests {
    /// A–B–C: A and C trust only B, B trusts both. Ideas written at each end reach the other
    /// end through B, and A and C never connect, although B tells C where A listens.
    @Test func threeNodesInALineConvergeThroughTheMiddle() async throws {
        let cluster = try DaemonCluster("line")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a"), b = try cluster.addNode("b"), c = try cluster.addNode("c")
        try a.configure(seeds: [b], trust: [b])
        try b.configure(trust: [a, c])
        try c.configure(seeds: [b], trust: [b])
        // A first, so that B knows where A listens when C arrives, and tells C (peer exchange).
        try await cluster.start(a, b)
        try await cluster.eventually("A and B in sync") { try b.syncingPeers() == [a.nodeID] }
        try await cluster.start(c)
        try await cluster.eventually("B in sync with A and C") { try b.syncingPeers() == [a.nodeID, c.nodeID] }

        let titles = ["Line: A's idea", "Line: B's idea", "Line: C's idea"]
        try a.submit(titles[0])
        try b.submit(titles[1])
        try c.submit(titles[2])
        try await cluster.waitConverged([a, b, c], ops: 3)
        for node in [a, b, c] {
            #expect(try node.ideaTitles().sorted() == titles, "\(node.name)")
            #expect(try node.digest().heads == [a.nodeID: 1, b.nodeID: 1, c.nodeID: 1], "\(node.name)")
        }

        // Department names travel with peer exchange: A and C never talk, yet each shows the
        // other's department on its ideas (B told them; before, they showed a node id).
        for (node, other, title) in [(c, a, titles[0]), (a, c, titles[2])] {
            let ideas = try node.call("idea.list", ["limit": 100])["ideas"] as? [[String: Any]] ?? []
            let theirs = ideas.first { $0["title"] as? String == title }
            #expect(theirs?["department"] as? String == other.department, "\(node.name) names \(other.name)'s department: \(theirs ?? [:])")
        }

        // B learned both addresses and told C about A; A and C still only ever see B.
        #expect(b.log.contains("learned a peer address"), "\(cluster.logs([b]))")
        for (node, other) in [(a, c), (c, a)] {
            let peers = try node.peers()
            #expect(Set(peers.compactMap(\.nodeID)) == [b.nodeID], "\(node.name)'s peers: \(peers)")
            #expect(try !node.dialledNodes().contains(other.nodeID), "\(node.name) keeps \(other.name)'s address")
            #expect(!node.log.contains("node=\(other.short)"), "\(node.name) talked to \(other.name)\n\(cluster.logs([node]))")
        }
    }

    /// A–B, both seeding each other. B writes, A writes a burst; B is SIGKILLed right after it
    /// (B may be mid-apply), A keeps writing while B is down and while it catches up. Every write
    /// B acknowledged survives the kill, B's chain continues (no fork at A), both converge, and
    /// B's store passes SQLite's integrity check.
    @Test func aNodeKilledMidStreamRestartsAndCatchesUp() async throws {
        let cluster = try DaemonCluster("kill")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a"), b = try cluster.addNode("b")
        try a.configure(seeds: [b], trust: [b])
        try b.configure(seeds: [a], trust: [a])
        try await cluster.start(a, b)
        try await cluster.eventually("A and B in sync") { try a.syncingPeers() == [b.nodeID] && b.syncingPeers() == [a.nodeID] }

        let bTitles = (1...3).map { "Kill: B's idea \($0)" }
        for title in bTitles { try b.submit(title) }
        let aTitles = (1...30).map { "Kill: A's idea \($0)" }
        _ = try a.submitPipelined(Array(aTitles[0..<15]))
        let killed = try await b.kill9()
        #expect(killed == .init(status: SIGKILL, signaled: true))

        // What the crash left, copied and opened aside (the daemon recovers the original):
        // all three of B's acknowledged writes, whatever part of A's burst had arrived.
        let crash = cluster.root + "/b-crash"
        try FileManager.default.createDirectory(atPath: crash, withIntermediateDirectories: false)
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: b.storePath + suffix) {
            try FileManager.default.copyItem(atPath: b.storePath + suffix, toPath: crash + "/ideamesh.sqlite" + suffix)
        }
        do {
            let store = try IdeaStore(path: crash + "/ideamesh.sqlite", identity: nil)
            let vector = try store.versionVector()
            #expect(vector[try #require(NodeID(base32: b.nodeID))].seq == 3, "B's acknowledged writes survive SIGKILL")
            #expect(vector[try #require(NodeID(base32: a.nodeID))].seq <= 15)
            #expect(try store.integrityCheck() == "ok")
        }

        _ = try a.submitPipelined(Array(aTitles[15..<25]))
        try await cluster.start(b)
        _ = try a.submitPipelined(Array(aTitles[25..<30]))
        try b.submit("Kill: B's idea after restart")
        try await cluster.waitConverged([a, b], ops: 34)
        #expect(try b.digest().heads == [a.nodeID: 30, b.nodeID: 4])
        #expect(Set(try b.ideaTitles()) == Set(aTitles + bTitles + ["Kill: B's idea after restart"]))
        #expect(!a.log.contains("fork"), "\(cluster.logs([a]))")

        let stopped = try await b.terminate()
        #expect(stopped == .init(status: 0, signaled: false), "\(cluster.logs([b]))")
        let store = try IdeaStore(path: b.storePath, identity: nil)
        #expect(try store.integrityCheck() == "ok")
        #expect(try store.opCount() == 34)
    }

    /// A–B–C; C stops gracefully (SIGTERM: status 0, "stopped", socket removed), A and B write
    /// while it is away, and C catches up when it starts again.
    @Test func aStoppedNodeCatchesUpWhenItReturns() async throws {
        let cluster = try DaemonCluster("offline")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a"), b = try cluster.addNode("b"), c = try cluster.addNode("c")
        try a.configure(seeds: [b], trust: [b])
        try b.configure(trust: [a, c])
        try c.configure(seeds: [b], trust: [b])
        try await cluster.start(a, b, c)
        try await cluster.eventually("B in sync with A and C") { try b.syncingPeers() == [a.nodeID, c.nodeID] }
        try a.submit("Offline: A before")
        try c.submit("Offline: C before")
        try await cluster.waitConverged([a, b, c], ops: 2)

        let stopped = try await c.terminate()
        #expect(stopped == .init(status: 0, signaled: false), "\(cluster.logs([c]))")
        #expect(c.currentLog.contains("] stopped"), "\(cluster.logs([c]))")
        #expect(!FileManager.default.fileExists(atPath: c.controlSocket), "the control socket is removed on a clean stop")
        try await cluster.eventually("B notices C left", timeout: .seconds(10)) { try b.syncingPeers() == [a.nodeID] }

        let awayTitles = (1...5).flatMap { ["Offline: A while C away \($0)", "Offline: B while C away \($0)"] }
        for (index, title) in awayTitles.enumerated() { try (index.isMultiple(of: 2) ? a : b).submit(title) }
        try await cluster.waitConverged([a, b], ops: 12)

        try await cluster.start(c)
        #expect(c.currentLog.contains("ops=2"), "C restarts with what it held\n\(cluster.logs([c]))")
        try await cluster.waitConverged([a, b, c], ops: 12)
        #expect(Set(try c.ideaTitles()) == Set(awayTitles + ["Offline: A before", "Offline: C before"]))
    }
}
