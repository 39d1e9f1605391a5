import Foundation
import Testing
import MeshLoopback
#if canImport(Glibc)
import Glibc
#endif

/// Who may join: real daemons refusing a node that is not on the trust list, a node with
/// another organisation's network key, and dropping a node removed from the list on SIGHUP.
/// Each test has a trusted pair A–B as the positive control: B keeps taking A's writes while it
/// refuses the intruder, so "nothing reached B" means something.
@Suite(.timeLimit(.minutes(3)))
struct TrustEndToEndTests {
    /// D has the network key and trusts B, but B does not trust D.
    @Test func aNodeNotOnTheTrustListIsRefused() async throws {
        let cluster = try DaemonCluster("untrust")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a"), b = try cluster.addNode("b"), d = try cluster.addNode("d")
        try a.configure(seeds: [b], trust: [b])
        try b.configure(trust: [a])
        try d.configure(seeds: [b], trust: [b])
        try await cluster.start(a, b)
        try await cluster.eventually("A and B in sync") { try b.syncingPeers() == [a.nodeID] }
        try a.submit("Untrusted: A's idea")
        try await cluster.waitConverged([a, b], ops: 1)
        let before = try b.digest()

        try await cluster.start(d)
        try d.submit("Untrusted: D's idea")
        func refusals() -> Int {
            b.log.split(separator: "\n").filter { $0.contains("connection refused") && $0.contains("node \(d.short) is not on the trust list") }.count
        }
        try await cluster.eventually("B refuses D") { refusals() >= 1 }
        // D redials with backoff; for the next seconds B never lists D and holds nothing of D's.
        try await cluster.holds("B neither lists D nor holds D's ops", for: .seconds(3)) {
            try !b.peers().contains { $0.nodeID == d.nodeID } && b.digest() == before
        }
        #expect(refusals() >= 2, "D kept trying and was refused each time\n\(cluster.logs([b, d]))")

        try a.submit("Untrusted: A's second idea")
        try await cluster.waitConverged([a, b], ops: 2)
        #expect(try b.digest().heads[d.nodeID] == nil)
        #expect(!(try b.ideaTitles().contains("Untrusted: D's idea")))
        #expect(try d.digest().ops == 1, "D received nothing either")
    }

    /// PROTOCOL.md §7 "Reconnecting": a connection that closes before or soon after its
    /// handshake is a failure, and after n failures in a row the next dial waits at least
    /// ½ · min(60 s, 0.5 s · 2^(n−1)). D completes its side of every handshake (it trusts B) and
    /// is then refused by B: its redials must slow down, not hammer B at a fixed rate.
    @Test func aRefusedNodeBacksOff() async throws {
        let cluster = try DaemonCluster("backoff")
        defer { cluster.shutdown() }
        let b = try cluster.addNode("b"), d = try cluster.addNode("d")
        try b.configure(trust: [])
        try d.configure(seeds: [b], trust: [b])
        try await cluster.start(b)
        let started = ContinuousClock.now
        try await cluster.start(d)
        try await cluster.holds("B never lets D in", for: .seconds(4)) { try !b.syncingPeers().contains(d.nodeID) }
        let elapsed = ContinuousClock.now - started

        let attempts = b.log.split(separator: "\n").filter { $0.contains("node \(d.short) is not on the trust list") }.count
        // The most dials the rule allows in `elapsed`: the first, then one per shortest wait.
        var allowed = 1, at: Duration = .zero, wait: Duration = .milliseconds(250)
        while at + wait <= elapsed {
            at += wait
            allowed += 1
            wait = min(wait * 2, .seconds(30))
        }
        #expect(attempts >= 1, "D dialled B\n\(cluster.logs())")
        #expect(attempts <= allowed, "D dialled B \(attempts) times in \(elapsed); backing off allows at most \(allowed)\n\(cluster.logs([d]))")
    }

    /// E is trusted by B and trusts B, but was made with its own `--new-network`: its handshake
    /// does not decrypt at B.
    @Test func aNodeWithAnotherNetworkKeyIsRefused() async throws {
        let cluster = try DaemonCluster("netkey")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a"), b = try cluster.addNode("b"), e = try cluster.addNode("e", newNetwork: true)
        #expect(try String(contentsOfFile: e.networkKeyPath, encoding: .utf8) != String(contentsOfFile: b.networkKeyPath, encoding: .utf8))
        try a.configure(seeds: [b], trust: [b])
        try b.configure(trust: [a, e])
        try e.configure(seeds: [b], trust: [b])
        try await cluster.start(a, b)
        try await cluster.eventually("A and B in sync") { try b.syncingPeers() == [a.nodeID] }
        try a.submit("Netkey: A's idea")
        try await cluster.waitConverged([a, b], ops: 1)
        let before = try b.digest()

        try await cluster.start(e)
        try e.submit("Netkey: E's idea")
        try await cluster.eventually("B refuses E's handshake") {
            b.log.split(separator: "\n").contains { $0.contains("connection refused") && $0.contains("did not decrypt") }
        }
        try await cluster.holds("B neither lists E nor holds E's ops", for: .seconds(3)) {
            try !b.peers().contains { $0.nodeID == e.nodeID } && b.digest() == before
        }
        #expect(!e.log.contains("peer connected"), "E never completes a handshake\n\(cluster.logs([e]))")

        try a.submit("Netkey: A's second idea")
        try await cluster.waitConverged([a, b], ops: 2)
        #expect(try b.digest().heads[e.nodeID] == nil)
        #expect(try e.digest().ops == 1)
    }

    /// A–B connected; A's config loses B from [trust] and A gets SIGHUP: A reloads, says goodbye
    /// to B, refuses B's redials, and what A writes next stays at A.
    @Test func sighupDropsANodeRemovedFromTheTrustList() async throws {
        let cluster = try DaemonCluster("sighup")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a"), b = try cluster.addNode("b")
        try a.configure(seeds: [b], trust: [b])
        try b.configure(trust: [a])
        try await cluster.start(a, b)
        try await cluster.eventually("A and B in sync") { try a.syncingPeers() == [b.nodeID] && b.syncingPeers() == [a.nodeID] }
        try a.submit("Sighup: A's idea before")
        try await cluster.waitConverged([a, b], ops: 1)

        try a.configure(seeds: [b], trust: [])
        try a.send(signal: SIGHUP)
        try await cluster.eventually("A reloads its trust list", timeout: .seconds(5)) { a.currentLog.contains("trust list reloaded") }
        try await cluster.eventually("A's link to B drops", timeout: .seconds(5)) { try a.peers().isEmpty }
        try await cluster.eventually("B is told why", timeout: .seconds(5)) { b.log.contains("removed from the trust list") }

        try a.submit("Sighup: A's idea after")
        try await cluster.holds("B stays apart from A", for: .seconds(2)) {
            try a.syncingPeers().isEmpty && b.syncingPeers().isEmpty && b.digest().ops == 1
        }
        #expect(try a.call("ping")["node_id"] as? String == a.nodeID, "A keeps running after the reload")
        #expect(try a.digest().ops == 2)
    }

    /// Bytes that are not a handshake (garbage, a frame over the limit, a handshake cut short)
    /// close that connection only: B logs why, keeps serving A, and changes nothing.
    @Test func garbageOnThePeerPortClosesOnlyThatConnection() async throws {
        let cluster = try DaemonCluster("garbage")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a"), b = try cluster.addNode("b")
        try a.configure(seeds: [b], trust: [b])
        try b.configure(trust: [a])
        try await cluster.start(a, b)
        try a.submit("Garbage: A's idea")
        try await cluster.waitConverged([a, b], ops: 1)
        let before = try b.digest()

        let junk: [[UInt8]] = [
            Array("GET / HTTP/1.1\r\nHost: b\r\n\r\n".utf8),  // a 2-byte length of 0x4745 and HTTP
            [0x00, 0x00],                                      // a frame of length 0
            [0x00, 0x30] + [UInt8](repeating: 7, count: 20),   // a first handshake message cut short
            (0..<4_096).map { UInt8(truncatingIfNeeded: $0 &* 131) },
        ]
        for bytes in junk {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #expect(fd >= 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(b.port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            #expect(connected == 0)
            _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if bytes.count == 22 { shutdown(fd, Int32(SHUT_WR)) }  // the cut-short handshake: end of stream
        }
        try await cluster.eventually("B refuses the garbage", timeout: .seconds(15)) {
            b.log.split(separator: "\n").filter { $0.contains("connection refused") || $0.contains("connection ended") }.count >= 3
        }
        #expect(b.log.contains("framing") || b.log.contains("did not decrypt"), "a reason is logged\n\(cluster.logs([b]))")
        try a.submit("Garbage: A's idea after")
        try await cluster.waitConverged([a, b], ops: 2)
        #expect(try b.digest().heads.count == before.heads.count, "nothing new but A's op")
        #expect(try b.syncingPeers() == [a.nodeID])
    }
}
