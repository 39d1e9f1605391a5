import Crypto
import Foundation
import MeshClient
import MeshCRDT
import MeshModel
import MeshNode
import MeshWire
import Testing
import MeshLoopback
#if canImport(Glibc)
import Glibc
#endif

/// Attacks on a real `ideameshd` from a peer it trusts: a test peer built from the real MeshWire
/// pieces (`SecureChannel`, framing, `SyncMessage`) connects over TCP with the network key and a
/// node identity on the daemon's trust list, completes the handshake and the Hellos, then
/// misbehaves. Each attack is refused as PROTOCOL.md says, the daemon logs why, and its state
/// (digest, op count, heads) is what it was; a fork is quarantined instead (README "Forks").
/// Each test first has the peer do something good on the same link (relay a valid op), so that
/// "nothing changed" means something. Other attacks (an untrusted node, a wrong network key,
/// garbage on the port, admin requests from a non-admin, malformed control lines) are in
/// TrustEndToEndTests and ControlSocketTests.
@Suite(.timeLimit(.minutes(3)))
struct AttackEndToEndTests {
    /// A daemon that trusts the test peer (and holds one idea of its own), the peer, and a third
    /// origin whose ops the peer relays.
    struct Setup {
        let cluster: DaemonCluster
        let daemon: DaemonNode
        let peer: NodeIdentity
        let networkKey: [UInt8]
        /// An origin that is not a node of the mesh: its ops travel only through the peer.
        let relayed = NodeIdentity()
        let daemonOps: Int

        init(_ label: String) async throws {
            cluster = try DaemonCluster(label)
            peer = NodeIdentity()
            do {
                daemon = try cluster.addNode("a")
                try daemon.configure(trustIDs: [peer.nodeID.base32])
                networkKey = try NetworkKey.load(path: daemon.networkKeyPath).bytes
                try await cluster.start(daemon)
                try daemon.submit("Attack: the daemon's own idea")
                daemonOps = 1
            } catch {
                cluster.shutdown()
                throw error
            }
        }

        /// A connected, handshaken test peer past the Hellos.
        func connect() throws -> TestPeer {
            let link = try TestPeer(port: daemon.port, identity: peer, networkKey: networkKey)
            try link.handshake()
            try link.send(.hello(version: 1, department: "Test peer", listenPort: 0, vector: VersionVector(), maxOpFormat: 2))
            // The daemon's Hello comes first; its ops follow.
            let hello = try link.receive(until: { messages in messages.contains { if case .hello = $0 { true } else { false } } })
            #expect(hello.contains { if case .hello = $0 { true } else { false } })
            return link
        }

        /// Ops of `identity`, chained from seq 1.
        func chain(_ identity: NodeIdentity, count: Int, author: String = "ann", firstHLC: UInt64 = 1_750_000_000_000) -> [SignedOp] {
            var ops = [SignedOp]()
            for index in 0..<count {
                let body: OpBody = index == 0
                    ? .ideaCreate(IdeaContent(title: "Relayed idea \(identity.nodeID.short)", problem: "p", solution: "s", theme: ""))
                    : .support(idea: OpID(origin: identity.nodeID, seq: 1))
                ops.append(SignedOp.make(
                    identity: identity, seq: UInt64(index + 1), prev: ops.last?.hash ?? Data(),
                    hlc: HLC(millis: firstHLC + UInt64(index), counter: 0), author: author, body: body))
            }
            return ops
        }

        /// Log lines of the daemon that contain every one of `needles`.
        func logLines(_ needles: String...) -> [Substring] {
            daemon.log.split(separator: "\n").filter { line in needles.allSatisfy { line.contains($0) } }
        }
    }

    /// A batch relayed by the trusted peer whose last op carries a forged signature (good
    /// framing, good chain): refused whole, the link closed with a Goodbye, logged.
    @Test func aForgedOpRelayedByATrustedPeerIsRefused() async throws {
        let setup = try await Setup("forged")
        defer { setup.cluster.shutdown() }
        let ops = setup.chain(setup.relayed, count: 3)
        let link = try setup.connect()
        try link.send(.batch([ops[0]]))
        try await setup.cluster.eventually("the good relayed op is applied") { try setup.daemon.digest().ops == setup.daemonOps + 1 }
        let before = try setup.daemon.digest()

        let forged = SignedOp(bytes: ops[2].bytes, signature: setup.peer.sign(ops[2].bytes), body: ops[2].body)  // signed, but not by its origin
        try link.send(.batch([ops[1], forged]))
        let goodbye = try link.waitClosed()
        #expect(goodbye.contains { $0.contains("bad signature") }, "the Goodbye says why: \(goodbye)")
        try await setup.cluster.eventually("the daemon logs the refusal") {
            !setup.logLines("refused a batch from peer", "bad signature on \(setup.relayed.nodeID.short)-3").isEmpty
        }
        #expect(try setup.daemon.digest() == before, "nothing of the forged batch was applied")
        #expect(try setup.daemon.digest().heads[setup.relayed.nodeID.base32] == 1)
    }

    /// Good signatures, broken chain: the relayed origin really signed ops at seq 2 and 3, and
    /// 3's `prev` is not the hash of 2 (what a key-holding but buggy or malicious origin can
    /// make). Refused whole, closed, logged.
    @Test func aGoodSignatureOnABrokenChainIsRefused() async throws {
        let setup = try await Setup("chain")
        defer { setup.cluster.shutdown() }
        let ops = setup.chain(setup.relayed, count: 2)
        let link = try setup.connect()
        try link.send(.batch([ops[0]]))
        try await setup.cluster.eventually("the good relayed op is applied") { try setup.daemon.digest().ops == setup.daemonOps + 1 }
        let before = try setup.daemon.digest()

        let broken = SignedOp.make(
            identity: setup.relayed, seq: 3, prev: Data(repeating: 0xEE, count: 32), hlc: HLC(millis: 1_750_000_001_000, counter: 0),
            author: "ann", body: .support(idea: OpID(origin: setup.relayed.nodeID, seq: 1)))
        #expect(setup.relayed.nodeID.verifies(broken.signature, over: broken.bytes), "the signature itself is good")
        try link.send(.batch([ops[1], broken]))
        let goodbye = try link.waitClosed()
        #expect(goodbye.contains { $0.contains("hash chain broken") }, "the Goodbye says why: \(goodbye)")
        try await setup.cluster.eventually("the daemon logs the refusal") {
            !setup.logLines("refused a batch from peer", "hash chain broken at \(setup.relayed.nodeID.short)-3").isEmpty
        }
        #expect(try setup.daemon.digest() == before)
    }

    /// A validly signed op at seq 2 whose `prev` is not the hash of the seq 1 held: the origin
    /// signed two histories (a node restored from a backup that wrote again, met from the side
    /// that holds the shorter branch). A fork, not a broken chain: quarantined and listed, the
    /// link stays up, and the daemon shows the peer its own op at seq 1 so that it finds the
    /// fork too.
    @Test func anOpThatContinuesAnotherHistoryIsAForkAndTheLinkStaysUp() async throws {
        let setup = try await Setup("diverge")
        defer { setup.cluster.shutdown() }
        let ops = setup.chain(setup.relayed, count: 1)
        let link = try setup.connect()
        try link.send(.batch(ops))
        try await setup.cluster.eventually("the good relayed op is applied") { try setup.daemon.digest().ops == setup.daemonOps + 1 }
        let before = try setup.daemon.digest()

        let elsewhere = SignedOp.make(
            identity: setup.relayed, seq: 2, prev: Data(repeating: 0xEE, count: 32), hlc: HLC(millis: 1_750_000_001_000, counter: 0),
            author: "ann", body: .support(idea: OpID(origin: setup.relayed.nodeID, seq: 1)))
        try link.send(.batch([elsewhere]))
        let replies = try link.receive(until: { messages in
            messages.contains { if case .batch(let shown) = $0 { shown == ops } else { false } }
        })
        #expect(!replies.contains { if case .goodbye = $0 { true } else { false } })
        try await setup.cluster.eventually("admin forks lists the fork") {
            let forks = try setup.daemon.call("admin.forks")["forks"] as? [[String: Any]] ?? []
            return forks.contains { $0["origin"] as? String == setup.relayed.nodeID.base32 && jsonInt($0["seq"]) == 2 }
        }
        #expect(try setup.daemon.digest() == before, "nothing of the other history applied")
        #expect(try setup.daemon.peers().contains { $0.nodeID == setup.peer.nodeID.base32 }, "the link stays up")
    }

    /// The peer is itself the origin and signs two different ops at seq 1. The second is a fork:
    /// quarantined and listed by `admin forks`, the link stays up, and the origin's further ops
    /// wait (README "Forks"), while the daemon's state is unchanged.
    @Test func aForkIsQuarantinedAndBlocksItsOrigin() async throws {
        let setup = try await Setup("fork")
        defer { setup.cluster.shutdown() }
        let ops = setup.chain(setup.peer, count: 2)
        let link = try setup.connect()
        try link.send(.batch([ops[0]]))
        try await setup.cluster.eventually("the peer's first op is applied") { try setup.daemon.digest().ops == setup.daemonOps + 1 }
        let before = try setup.daemon.digest()

        let other = SignedOp.make(
            identity: setup.peer, seq: 1, prev: Data(), hlc: HLC(millis: 1_750_000_000_000, counter: 1), author: "eve",
            body: .ideaCreate(IdeaContent(title: "A different first op", problem: "p", solution: "s", theme: "")))
        try link.send(.batch([other]))
        try await setup.cluster.eventually("admin forks lists the fork") {
            let forks = try setup.daemon.call("admin.forks")["forks"] as? [[String: Any]] ?? []
            return forks.contains { $0["origin"] as? String == setup.peer.nodeID.base32 && jsonInt($0["seq"]) == 1 }
        }
        #expect(!setup.logLines("fork quarantined", "origin=\(setup.peer.nodeID.short)").isEmpty, "logged\n\(setup.daemon.logTail())")

        // The origin's next op (chained on the held seq 1) waits for an admin.
        try link.send(.batch([ops[1]]))
        try link.send(.digestRequest(token: 7))
        let replies = try link.receive(until: { $0.contains { if case .digestReply = $0 { true } else { false } } })
        #expect(replies.contains { if case .digestReply(7, _, _) = $0 { true } else { false } }, "the link is still up after the fork")
        try await setup.cluster.holds("the forked origin's ops wait", for: .seconds(1)) { try setup.daemon.digest() == before }
        #expect(try setup.daemon.peers().contains { $0.nodeID == setup.peer.nodeID.base32 }, "a fork is not an error of the connection")
        #expect(try setup.daemon.ideaTitles().contains("A different first op") == false)
    }

    /// A message whose 4-byte length announces more than 4 MiB (PROTOCOL.md §1; the 2-byte frame
    /// length cannot exceed its own limit): the link is closed before its bytes are read.
    @Test func anOversizedMessageClosesTheLink() async throws {
        let setup = try await Setup("oversize")
        defer { setup.cluster.shutdown() }
        let link = try setup.connect()
        let before = try setup.daemon.digest()
        try link.sendPlaintext([0x00, 0x50, 0x00, 0x00] + Array(repeating: 0x41, count: 1_000))
        _ = try link.waitClosed()
        try await setup.cluster.eventually("the daemon logs the refusal") {
            !setup.logLines("connection refused", "exceeds the maximum of \(SecureChannel.maxMessageBytes)").isEmpty
        }
        #expect(try setup.daemon.digest() == before)
        #expect(try !setup.daemon.peers().contains { $0.nodeID == setup.peer.nodeID.base32 })
    }

    /// A frame cut short (its length says 256 bytes, 10 come) and then the end of the stream:
    /// the daemon drops the link, logs it, and has applied nothing of it.
    @Test func aTruncatedFrameThenCloseChangesNothing() async throws {
        let setup = try await Setup("trunc")
        defer { setup.cluster.shutdown() }
        let ops = setup.chain(setup.relayed, count: 1)
        let link = try setup.connect()
        let before = try setup.daemon.digest()
        // The real frame of a good batch, cut short.
        let whole = try link.encode(.batch(ops))
        link.sendRaw(Array(whole.prefix(12)))
        link.closeWrite()
        _ = try link.waitClosed()
        try await setup.cluster.eventually("the daemon logs the end of the link") {
            !setup.logLines("connection ended", "closed by peer").isEmpty
        }
        #expect(try setup.daemon.digest() == before)
        #expect(try !setup.daemon.peers().contains { $0.nodeID == setup.peer.nodeID.base32 })
    }

    /// A handshake recorded from a real session (the initiator's messages 1 and 3) replayed on a
    /// new connection: the daemon answers message 1 with a fresh ephemeral key, so the old
    /// message 3 does not decrypt; the replay is refused and never becomes a link.
    @Test func aReplayedHandshakeIsRefused() async throws {
        let setup = try await Setup("replay")
        defer { setup.cluster.shutdown() }
        let recorded = try TestPeer(port: setup.daemon.port, identity: setup.peer, networkKey: setup.networkKey)
        let transcript = try recorded.handshake()
        recorded.close()
        try await setup.cluster.eventually("the recorded session ended") { try setup.daemon.peers().isEmpty }
        let before = try setup.daemon.digest()
        let connectedBefore = setup.logLines("handshake complete").count
        let refusedBefore = setup.logLines("connection refused", "handshake refused").count

        let replay = try RawSocket(port: setup.daemon.port)
        replay.send(transcript.message1)
        var frames = LengthPrefixedDecoder(prefix: .twoBytes, maxLength: NoiseConstants.maxMessageLength)
        let deadline = ContinuousClock.now + .seconds(10)
        var answer: [UInt8]?
        while answer == nil, ContinuousClock.now < deadline, let bytes = replay.read() {
            frames.feed(bytes)
            answer = try frames.next()
        }
        #expect(answer != nil, "the daemon answers a replayed message 1 (it cannot tell it from a new one)")
        #expect(answer != transcript.message2Frame, "with a fresh ephemeral key")
        replay.send(transcript.message3)
        #expect(replay.readUntilClosed(timeout: .seconds(10)), "the daemon closes the replayed handshake")
        try await setup.cluster.eventually("the daemon logs the refusal") {
            setup.logLines("connection refused", "handshake refused").count > refusedBefore
        }
        #expect(setup.logLines("connection refused", "handshake refused").last?.contains("did not decrypt") == true, "\(setup.daemon.logTail())")
        #expect(setup.logLines("handshake complete").count == connectedBefore, "the replay never completed a handshake")
        #expect(try setup.daemon.digest() == before)
        #expect(try setup.daemon.peers().isEmpty)
    }

    /// Control lines that are not requests (bytes that are not UTF-8, nesting deeper than the
    /// parser allows, numbers out of range, lone surrogates; the plain cases are in
    /// ControlSocketTests): each gets one refusal line, the connection keeps answering, nothing
    /// changes.
    @Test func malformedControlLinesAreRefusedOneByOne() async throws {
        let setup = try await Setup("badjson")
        defer { setup.cluster.shutdown() }
        let before = try setup.daemon.digest()
        let client = try setup.daemon.client()
        let lines: [[UInt8]] = [
            [0x7B, 0x22, 0x6D, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D],
            Array((String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000)).utf8),
            Array((String(repeating: "{\"a\":", count: 3_000) + "1" + String(repeating: "}", count: 3_000)).utf8),
            Array(#"{"id":1e999,"method":"ping"}"#.utf8),
            Array(#"{"id":"\ud800","method":"ping"}"#.utf8),
            Array(#"{"method":"idea.submit","params":{"title":"\u0000","problem":"p","solution":"s"}}"#.utf8),
            Array(#"{"method":"idea.submit","params":{"title":"t","problem":"p","solution":"s","tags":[[[]]]}}"#.utf8),
        ]
        for line in lines {
            try client.write(String(decoding: line, as: UTF8.self).replacingOccurrences(of: "\n", with: "") + "\n")
            let raw = try client.readLine()
            let reply = try ControlResponse(line: raw)
            #expect(!reply.ok, "refused: \(raw.prefix(200))")
            #expect(["bad_request", "invalid"].contains(reply.errorCode ?? ""), "\(raw.prefix(300))")
            let pong = try client.request("ping", id: 1)
            #expect(pong.ok, "the connection still answers after \(String(decoding: line.prefix(40), as: UTF8.self))")
        }
        #expect(try setup.daemon.digest() == before)
    }
}

/// A blocking TCP client of a loopback port, with read timeouts.
final class RawSocket {
    let fd: Int32
    private(set) var closedByPeer = false

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw HarnessError("connect to 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
    }

    deinit { Glibc.close(fd) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return }
            offset += sent
        }
    }

    /// Some bytes; empty when none came within the read timeout; nil once the peer closed.
    func read() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count > 0 { return Array(buffer[..<count]) }
        if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            closedByPeer = true
            return nil
        }
        return []
    }

    /// Reads (and drops) until the peer closes; false on timeout.
    func readUntilClosed(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if read() == nil { return true }
        }
        return false
    }

    func closeWrite() { shutdown(fd, Int32(SHUT_WR)) }
}

/// A trusted node played by the test, from the real MeshWire pieces: `NoiseHandshake` with the
/// network key and a `HandshakePayload`, the frame and message framing of `LengthPrefixedDecoder`,
/// the transport `CipherState`s and `SyncMessage`, over a `RawSocket`. It holds the cipher states
/// itself (rather than a `SecureChannel`), so that it can also send what a channel never would.
final class TestPeer {
    /// What an initiator sent and received during its handshake, as bytes on the wire.
    struct Transcript {
        var message1: [UInt8]
        var message2Frame: [UInt8]
        var message3: [UInt8]
    }

    let socket: RawSocket
    private let identity: NodeIdentity
    private var noise: NoiseHandshake
    private let staticKey = Curve25519.KeyAgreement.PrivateKey()
    private var transport: (send: CipherState, receive: CipherState)?
    private var frames = LengthPrefixedDecoder(prefix: .twoBytes, maxLength: NoiseConstants.maxMessageLength)
    private var messages = LengthPrefixedDecoder(prefix: .fourBytes, maxLength: SecureChannel.maxMessageBytes)

    init(port: Int, identity: NodeIdentity, networkKey: [UInt8]) throws {
        socket = try RawSocket(port: port)
        self.identity = identity
        noise = try NoiseHandshake(role: .initiator, staticKey: staticKey, psk: networkKey, prologue: HandshakePayload.noisePrologue)
    }

    /// Runs the handshake as the initiator (checking the daemon's identity binding); returns its
    /// wire transcript.
    @discardableResult
    func handshake(timeout: Duration = .seconds(10)) throws -> Transcript {
        let message1 = LengthPrefixedDecoder.encode(try noise.writeMessage(payload: []), prefix: .twoBytes)
        socket.send(message1)
        let deadline = ContinuousClock.now + timeout
        var message2: [UInt8]?
        while message2 == nil {
            guard ContinuousClock.now < deadline else { throw HarnessError("handshake timed out") }
            guard let bytes = socket.read() else { throw HarnessError("the daemon closed the connection during the handshake") }
            frames.feed(bytes)
            message2 = try frames.next()
        }
        let theirs = try HandshakePayload.decode(try noise.readMessage(message2!))
        guard let remote = noise.remoteStaticKey, theirs.binds(remote) else { throw HarnessError("the daemon's payload does not bind its key") }
        let ours = HandshakePayload(identity: identity, staticKey: staticKey.publicKey, department: "Test peer").encode()
        let message3 = LengthPrefixedDecoder.encode(try noise.writeMessage(payload: ours), prefix: .twoBytes)
        socket.send(message3)
        transport = try noise.split()
        return Transcript(message1: message1, message2Frame: message2!, message3: message3)
    }

    /// `plaintext` as the next bytes of the decrypted stream: encrypted and framed in chunks,
    /// with no message length added.
    func encodePlaintext(_ plaintext: [UInt8]) throws -> [UInt8] {
        guard transport != nil else { throw HarnessError("no transport before the handshake") }
        var output = [UInt8](), offset = 0
        while offset < plaintext.count {
            let end = min(plaintext.count, offset + NoiseConstants.maxMessageLength - NoiseConstants.tagLength)
            output += LengthPrefixedDecoder.encode(try transport!.send.encrypt(Array(plaintext[offset..<end])), prefix: .twoBytes)
            offset = end
        }
        return output
    }

    /// The wire bytes of `message` (uncompressed).
    func encode(_ message: SyncMessage) throws -> [UInt8] {
        try encodePlaintext(LengthPrefixedDecoder.encode(message.encode(compressing: false), prefix: .fourBytes))
    }

    func send(_ message: SyncMessage) throws { socket.send(try encode(message)) }

    func sendPlaintext(_ plaintext: [UInt8]) throws { socket.send(try encodePlaintext(plaintext)) }

    func sendRaw(_ bytes: [UInt8]) { socket.send(bytes) }

    func closeWrite() { socket.closeWrite() }

    func close() { shutdown(socket.fd, Int32(SHUT_RDWR)) }

    /// Messages decoded from `bytes` just received.
    private func decode(_ bytes: [UInt8]) throws -> [SyncMessage] {
        guard transport != nil else { throw HarnessError("no transport before the handshake") }
        frames.feed(bytes)
        var out = [SyncMessage]()
        while let frame = try frames.next() {
            messages.feed(try transport!.receive.decrypt(frame))
            while let message = try messages.next() { out.append(try SyncMessage.decode(message)) }
        }
        return out
    }

    /// Messages received until `done` holds for all received so far; throws on timeout or close.
    func receive(timeout: Duration = .seconds(10), until done: ([SyncMessage]) -> Bool) throws -> [SyncMessage] {
        var received = [SyncMessage]()
        let deadline = ContinuousClock.now + timeout
        while !done(received) {
            guard ContinuousClock.now < deadline else { throw HarnessError("timed out; received \(received.count) messages") }
            guard let bytes = socket.read() else { throw HarnessError("the daemon closed the connection; received \(received)") }
            received += try decode(bytes)
        }
        return received
    }

    /// Reads until the daemon closes the link; returns the Goodbye reasons it sent.
    func waitClosed(timeout: Duration = .seconds(10)) throws -> [String] {
        var reasons = [String]()
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let bytes = socket.read() else { return reasons }
            for case .goodbye(let reason) in (try? decode(bytes)) ?? [] { reasons.append(reason) }
        }
        throw HarnessError("the daemon did not close the link in \(timeout); Goodbyes: \(reasons)")
    }
}
