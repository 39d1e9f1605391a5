import Foundation
import MeshClient
import MeshLoopback
import Testing

/// Mixed versions on loopback (PROTOCOL.md §6): real daemons that speak different protocol
/// versions, by the test-only switch `IDEAMESH_TEST_PROTOCOL` (`1-1` plays a node built before
/// version negotiation: its Hello carries no max fields). They converge when they share a
/// version, use the highest both speak, skip kinds they do not know, and, when they share none,
/// both say who is too old in `admin peers` instead of a link that silently never comes up.
@Suite(.timeLimit(.minutes(3)))
struct VersionEndToEndTests {
    static func playing(_ versions: String) -> [String: String] { ["IDEAMESH_TEST_PROTOCOL": versions] }

    /// The peers entry of `admin.peers` for `node`.
    static func link(to node: DaemonNode, at observer: DaemonNode) throws -> [String: Any]? {
        let peers = try observer.call("admin.peers")["peers"] as? [[String: Any]] ?? []
        return peers.first { $0["node_id"] as? String == node.nodeID && $0["state"] as? String == "syncing" }
    }

    static func incompatible(_ node: DaemonNode, at observer: DaemonNode) throws -> [String: Any]? {
        let entries = try observer.call("admin.peers")["incompatible"] as? [[String: Any]] ?? []
        return entries.first { $0["node_id"] as? String == node.nodeID }
    }

    /// `old` (1–1) links to `new` (this build, 1–2): they use version 1. `newer` (1–2) links to
    /// `new` too: version 2, and it sends `new` an Envelope of a kind nobody knows right after
    /// the Hello, which `new` skips without closing. Ideas written at every node reach every node.
    @Test func oldAndNewNodesConvergeAndANewPairUsesVersionTwo() async throws {
        let cluster = try DaemonCluster("versions")
        defer { cluster.shutdown() }
        let old = try cluster.addNode("old"), new = try cluster.addNode("new"), newer = try cluster.addNode("newer")
        try old.configure(seeds: [new], trust: [new, newer])
        // While a node of a version before op format 2 remains, the upgraded ones write format 1
        // (`[ops] format`, Protocol/README.md, "Op format 2"): the old node could not take format-2 ops.
        let rollout = "[ops]\nformat = 1"
        try new.configure(trust: [old, newer], extra: rollout)
        try newer.configure(seeds: [new], trust: [old, new], extra: rollout)
        try old.launch(environment: Self.playing("1-1"))
        try new.launch()
        try newer.launch(environment: ["IDEAMESH_TEST_SEND_UNKNOWN_KIND": "99"])
        for node in [old, new, newer] { try await node.waitReady() }

        try await cluster.eventually("old and newer both in sync with new") {
            try new.syncingPeers().isSuperset(of: [old.nodeID, newer.nodeID])
        }
        for (a, b) in [(old, new), (new, old)] {
            let link = try #require(try Self.link(to: b, at: a))
            #expect(jsonInt(link["protocol_version"]) == 1, "\(a.name)–\(b.name): \(link)")
            #expect(jsonInt(link["op_format"]) == 1)
        }
        for (a, b) in [(newer, new), (new, newer)] {
            let link = try #require(try Self.link(to: b, at: a))
            #expect(jsonInt(link["protocol_version"]) == 2, "\(a.name)–\(b.name): \(link)")
        }
        try await cluster.eventually("new skipped newer's message of an unknown kind") {
            try Self.link(to: newer, at: new).flatMap { jsonInt($0["messages_skipped"]) } == 1
        }
        #expect(cluster.logs([new]).contains("skipped a message of a kind this version does not know"))
        let metrics = try new.call("admin.metrics")["text"] as? String ?? ""
        #expect(metrics.contains("ideamesh_peer_messages_skipped_total{node_id=\"\(newer.nodeID)\"} 1"), "\(metrics)")

        // Writes everywhere; the skipped message left the link up.
        _ = try old.submit("Versions: from the old node")
        _ = try new.submit("Versions: from the new node")
        _ = try newer.submit("Versions: from the newer node")
        _ = try old.submit("Versions: the old node again")
        try await cluster.waitConverged([old, new, newer], ops: 4)
        #expect(try new.syncingPeers().isSuperset(of: [old.nodeID, newer.nodeID]))
        #expect(try Self.incompatible(old, at: new) == nil && Self.incompatible(new, at: old) == nil)
        try cluster.checkAlive()
    }

    /// `upgraded` speaks only version 2; `stale` only version 1 (a department not upgraded yet).
    /// Each reports the other in `admin peers` (which side to upgrade, both ranges), logs it at
    /// warning, and the dialler redials with the usual backoff, not in a tight loop.
    @Test func nodesWithoutAVersionInCommonSayWhoIsTooOldOnBothSides() async throws {
        let cluster = try DaemonCluster("tooold")
        defer { cluster.shutdown() }
        let upgraded = try cluster.addNode("upgraded"), stale = try cluster.addNode("stale")
        try upgraded.configure(seeds: [stale], trust: [stale])
        try stale.configure(trust: [upgraded])
        try upgraded.launch(environment: Self.playing("2-2"))
        try stale.launch(environment: Self.playing("1-1"))
        try await upgraded.waitReady()
        try await stale.waitReady()

        try await cluster.eventually("both report the other") {
            try Self.incompatible(stale, at: upgraded) != nil && Self.incompatible(upgraded, at: stale) != nil
        }
        let atUpgraded = try #require(try Self.incompatible(stale, at: upgraded))
        #expect(atUpgraded["upgrade"] as? String == "peer")
        #expect(atUpgraded["peer_protocols"] as? String == "1–1" && atUpgraded["protocols"] as? String == "2–2")
        #expect(atUpgraded["reason"] as? String == "this node speaks protocol 2–2, peer speaks 1–1: upgrade the peer")
        #expect(atUpgraded["department"] as? String == stale.department)
        let atStale = try #require(try Self.incompatible(upgraded, at: stale))
        #expect(atStale["upgrade"] as? String == "this node")
        #expect(atStale["reason"] as? String == "this node speaks protocol 1–1, peer speaks 2–2: upgrade this node")
        #expect(try upgraded.syncingPeers().isEmpty && stale.syncingPeers().isEmpty)
        #expect(cluster.logs([upgraded]).contains("upgrade the peer"))
        #expect((try upgraded.call("admin.metrics")["text"] as? String ?? "").contains("ideamesh_incompatible_peers 1"))
        #expect(cluster.logs([stale]).contains("peer said goodbye: this node speaks protocol 2–2, peer speaks 1–1: upgrade the peer")
            || cluster.logs([stale]).contains("upgrade this node"))

        // Redialled with backoff: a few attempts in seconds, not hundreds.
        try await cluster.eventually("redialled") { jsonInt(try Self.incompatible(stale, at: upgraded)?["count"]) ?? 0 >= 3 }
        let before = jsonInt(try Self.incompatible(stale, at: upgraded)?["count"]) ?? 0
        try await Task.sleep(for: .seconds(5))
        let after = jsonInt(try Self.incompatible(stale, at: upgraded)?["count"]) ?? 0
        #expect(after - before <= 4, "\(after - before) attempts in 5 s")
        let address = try #require((try upgraded.call("admin.peers")["addresses"] as? [[String: Any]])?.first)
        #expect(jsonInt(address["failures"]) ?? 0 >= 3, "each closed link counts as a failure: \(address)")
        try cluster.checkAlive()
    }
}
