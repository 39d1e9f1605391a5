import Foundation
import Testing
import MeshLoopback

/// Link rotation (PROTOCOL.md §7) with real `ideameshd` processes on loopback. Every wait polls
/// the daemons' own state (`admin.peers`, `admin.digest`) or their logs, with a timeout.
@Suite(.timeLimit(.minutes(2)))
struct RotationEndToEndTests {
    /// Four nodes that all know and trust each other, each with `max_connections = 1` and a
    /// rotation every second (on average): each node's one link keeps being swapped for another
    /// ("rotating links" in the logs, different peers in `admin.peers` over time), surplus inbound
    /// links are trimmed, and ideas written at every node while the links churn reach all four.
    @Test func fullNodesSwapTheirLinksAndIdeasStillReachEveryNode() async throws {
        let cluster = try DaemonCluster("rotate")
        defer { cluster.shutdown() }
        let nodes = try ["a", "b", "c", "d"].map { try cluster.addNode($0) }
        for node in nodes {
            let others = nodes.filter { $0 !== node }
            try node.configureRotating(seeds: others, trust: nodes, maxConnections: 1, rotateIntervalSeconds: 1)
        }
        try await cluster.start(nodes[0], nodes[1], nodes[2], nodes[3])

        // Each node's peers over time (polled): with one link each, a node sees several peers
        // only if its link was swapped (or its peer's was). Every node also logs a rotation:
        // its own ("rotating links", closing the old link) or a peer's ("peer said goodbye:
        // rotating links"); and a node that a rotation dialled (one link over the bound) trims.
        // The peers a node was connected to are read from its log ("peer connected", with the
        // peer's short id), not only polled: on a loaded machine a link can come and go between
        // two polls.
        var seen = [String: Set<String>]()
        try await cluster.eventually("every node's peers change, every node logs a rotation, one trims", timeout: .seconds(60)) {
            for node in nodes {
                seen[node.name, default: []].formUnion(try node.syncingPeers().map { String($0.prefix(10)) })
                seen[node.name, default: []].formUnion(Self.connectedPeers(node))
            }
            return nodes.allSatisfy { seen[$0.name, default: []].count >= 2 && $0.log.contains("rotating links") }
                && nodes.contains { $0.log.contains("trimming links over max_connections") }
        }
        for node in nodes {
            #expect(!seen[node.name, default: []].contains(node.short), "\(node.name) never links to itself")
            #expect(!Self.connectedPeers(node).isEmpty, "\(node.name)'s log names the peers it connected to")
        }

        // Ideas written at every node while the links keep churning reach every node.
        var titles = [String]()
        for round in 1...2 {
            for node in nodes {
                let title = "Rotation: \(node.name)'s idea \(round)"
                try node.submit(title)
                titles.append(title)
            }
            try await Task.sleep(for: .milliseconds(700))
        }
        try await cluster.waitConverged(nodes, ops: titles.count)
        for node in nodes {
            #expect(Set(try node.ideaTitles()) == Set(titles), "\(node.name)")
            #expect(try node.digest().heads == Dictionary(uniqueKeysWithValues: nodes.map { ($0.nodeID, 2) }), "\(node.name)")
        }
    }
}

extension RotationEndToEndTests {
    /// The short ids of the peers `node`'s log says it connected to.
    static func connectedPeers(_ node: DaemonNode) -> Set<String> {
        Set(node.log.split(separator: "\n").filter { $0.contains("peer connected") }.compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("node=") }.map { String($0.dropFirst("node=".count)) }
        })
    }
}

extension DaemonNode {
    /// Overwrites the node's config like `configure`, with `[network] max_connections` and
    /// `rotate_interval_seconds` set.
    func configureRotating(seeds: [DaemonNode], trust: [DaemonNode], maxConnections: Int, rotateIntervalSeconds: Int) throws {
        func list(_ items: [String]) -> String { "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        let text = """
            [node]
            department = "\(department)"
            [network]
            listen = "\(address)"
            seeds = \(list(seeds.map(\.address)))
            max_connections = \(maxConnections)
            rotate_interval_seconds = \(rotateIntervalSeconds)
            [trust]
            nodes = \(list(trust.map(\.nodeID)))
            [web]
            enabled = false
            [control]
            socket = "\(controlSocket)"
            """
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }
}
