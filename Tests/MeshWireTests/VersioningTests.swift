import Crypto
import Foundation
import MeshCRDT
import MeshWire
import SwiftProtobuf
import Testing

/// Rollout safety (PROTOCOL.md §3, §6): Hello's version ranges and what two nodes agree on, what
/// a node built before negotiation sends and sees, and kinds and fields of newer versions, which
/// are skipped rather than closing the link.
struct VersioningTests {
    static func versions(_ text: String, opFormat: UInt32 = 1) -> ProtocolVersions {
        let range = ProtocolVersions(parsing: text)!
        return ProtocolVersions(protocols: range.protocols, maxOpFormat: opFormat)!
    }

    // MARK: Negotiation

    @Test(arguments: [
        ("1-1", "1-1", 1), ("1-2", "1-1", 1), ("1-1", "1-2", 1), ("1-2", "1-2", 2), ("1-3", "2-2", 2), ("2-3", "1-2", 2), ("2-5", "3-9", 5),
    ] as [(String, String, UInt32)])
    func twoNodesUseTheHighestVersionBothSpeak(ours: String, theirs: String, expected: UInt32) throws {
        let agreed = try Self.versions(ours).negotiate(with: Self.versions(theirs)).get()
        #expect(agreed.protocolVersion == expected)
        #expect(try Self.versions(theirs).negotiate(with: Self.versions(ours)).get() == agreed, "both sides agree")
    }

    @Test func withoutAVersionInCommonTheMessageSaysWhichSideToUpgrade() {
        let new = Self.versions("2-3"), old = Self.versions("1-1")
        guard case .failure(let mismatch) = new.negotiate(with: old) else { Issue.record("agreed"); return }
        #expect(mismatch.peerTooOld)
        #expect("\(mismatch)" == "this node speaks protocol 2–3, peer speaks 1–1: upgrade the peer")
        guard case .failure(let other) = old.negotiate(with: new) else { Issue.record("agreed"); return }
        #expect(!other.peerTooOld)
        #expect("\(other)" == "this node speaks protocol 1–1, peer speaks 2–3: upgrade this node")
    }

    @Test func theOpFormatIsTheHighestBothSpeak() throws {
        #expect(try Self.versions("1-2", opFormat: 2).negotiate(with: Self.versions("1-2", opFormat: 1)).get().opFormat == 1)
        #expect(try Self.versions("1-2", opFormat: 3).negotiate(with: Self.versions("2-2", opFormat: 2)).get().opFormat == 2)
    }

    @Test func thisBuildSpeaksVersionsOneAndTwo() throws {
        #expect(ProtocolVersions.current.protocols == 1...2)
        #expect(ProtocolVersions.current.maxOpFormat == 2)
        let withOld = try ProtocolVersions.current.negotiate(with: .version1).get()
        #expect(withOld == NegotiatedVersions(protocolVersion: 1, opFormat: 1))
        #expect(!withOld.peerSkipsUnknownKinds, "a version-1 node may close on a kind it does not know")
        #expect(try ProtocolVersions.current.negotiate(with: .current).get().peerSkipsUnknownKinds)
    }

    // MARK: Hello on the wire

    /// A version-1 node closes on any `protocol_version` but 1 and knows no other Hello field:
    /// this build's Hello must still say 1 there; the range goes in fields it ignores.
    @Test func thisBuildsHelloStillSaysVersionOneWhereAnOldNodeLooks() throws {
        var session = SyncSession()
        guard case .send(let hello)? = session.start(local: VersionVector(), department: "Renal", listenPort: 7400, nowMillis: 0).first else {
            Issue.record("no Hello")
            return
        }
        guard case .hello(let wire)? = try WireEnvelope(serializedBytes: hello.encode()).message else { Issue.record("not a Hello"); return }
        #expect(wire.protocolVersion == 1)
        #expect(wire.maxProtocolVersion == 2)
        #expect(wire.maxOpFormat == 2, "this build speaks op format 2 (Protocol/README.md, Op format 2), in a field an old node ignores")
    }

    /// What a node built before negotiation sends: `protocol_version` 1 and nothing else about
    /// versions. Read as 1–1, op format 1; and a node configured to speak only that sends exactly it.
    @Test func anOldNodesHelloReadsAsVersionOneOnly() throws {
        var old = WireHello()
        old.protocolVersion = 1
        old.department = "Cardiology"
        old.listenPort = 7401
        var envelope = WireEnvelope()
        envelope.message = .hello(old)
        let oldBytes: [UInt8] = try envelope.serializedBytes()
        guard case .hello(let version, _, _, _, let maxVersion, let maxOpFormat) = try SyncMessage.decode(oldBytes) else {
            Issue.record("not a Hello")
            return
        }
        #expect(ProtocolVersions(helloVersion: version, maxVersion: maxVersion, maxOpFormat: maxOpFormat) == .version1)

        var playingOld = SyncSession(config: SyncSession.Config(versions: .version1))
        guard case .send(let hello)? = playingOld.start(local: VersionVector(), department: "Cardiology", listenPort: 7401, nowMillis: 0).first else {
            Issue.record("no Hello")
            return
        }
        #expect(hello.encode() == oldBytes, "byte for byte a version-1 node's Hello")
    }

    @Test func aHelloWhoseVersionsAreNotARangeIsRefused() throws {
        for (version, max) in [(0, 0), (0, 2), (3, 2)] as [(UInt32, UInt32)] {
            var hello = WireHello()
            hello.protocolVersion = version
            hello.maxProtocolVersion = max
            var envelope = WireEnvelope()
            envelope.message = .hello(hello)
            let bytes: [UInt8] = try envelope.serializedBytes()
            #expect(throws: SyncDecodingError.self, "\(version)–\(max)") { try SyncMessage.decode(bytes) }
        }
    }

    // MARK: The session at the Hello

    static func helloFrom(_ versions: ProtocolVersions) -> SyncMessage {
        let fields = versions.helloFields
        return .hello(
            version: fields.version, department: "Peer", listenPort: 0, vector: VersionVector(),
            maxVersion: fields.maxVersion, maxOpFormat: fields.maxOpFormat)
    }

    @Test func theSessionAgreesOnAVersionAtTheHello() {
        var session = SyncSession()
        _ = session.start(local: VersionVector(), department: "A", listenPort: 0, nowMillis: 0)
        #expect(session.negotiated == nil)
        #expect(session.receive(Self.helloFrom(Self.versions("1-2")), nowMillis: 0).isEmpty)
        #expect(session.phase == .syncing)
        #expect(session.negotiated == NegotiatedVersions(protocolVersion: 2, opFormat: 1))
        #expect(session.peerVersions == Self.versions("1-2"))
        #expect(session.versionMismatch == nil)

        var withOld = SyncSession()
        _ = withOld.start(local: VersionVector(), department: "A", listenPort: 0, nowMillis: 0)
        _ = withOld.receive(.hello(version: 1, department: "Old", listenPort: 0, vector: VersionVector()), nowMillis: 0)
        #expect(withOld.phase == .syncing)
        #expect(withOld.negotiated == NegotiatedVersions(protocolVersion: 1, opFormat: 1))
    }

    @Test func aPeerTooOldGetsAGoodbyeNamingBothRanges() {
        var session = SyncSession(config: SyncSession.Config(versions: Self.versions("2-3")))
        let hello = session.start(local: VersionVector(), department: "A", listenPort: 0, nowMillis: 0)
        #expect(hello == [.send(.hello(version: 2, department: "A", listenPort: 0, vector: VersionVector(), maxVersion: 3))])
        let reason = "this node speaks protocol 2–3, peer speaks 1–1: upgrade the peer"
        #expect(session.receive(.hello(version: 1, department: "Old", listenPort: 0, vector: VersionVector()), nowMillis: 0)
            == [.send(.goodbye(reason: reason)), .close(reason: reason)])
        #expect(session.phase == .closed)
        #expect(session.negotiated == nil)
        #expect(session.versionMismatch == VersionMismatch(ours: Self.versions("2-3"), theirs: .version1))
        #expect(session.peerDepartment == "Old")
        #expect(session.nextBatch() == nil)
    }

    // MARK: Unknown kinds

    /// An Envelope holding only field `number` with `payload` (wire type 2) or a varint (wire type 0).
    static func envelope(field number: UInt64, payload: [UInt8]? = [1, 2, 3]) -> [UInt8] {
        func varint(_ value: UInt64) -> [UInt8] {
            var value = value, out = [UInt8]()
            while value >= 0x80 { out.append(UInt8(value & 0x7F) | 0x80); value >>= 7 }
            return out + [UInt8(value)]
        }
        guard let payload else { return varint(number << 3) + varint(300) }
        return varint(number << 3 | 2) + varint(UInt64(payload.count)) + payload
    }

    @Test(arguments: [9, 15, 16, 99, 2047, 536_870_911] as [UInt64])
    func anEnvelopeOfAnUnknownKindDecodesAsUnknown(number: UInt64) throws {
        #expect(try SyncMessage.decode(Self.envelope(field: number)) == .unknown(kind: UInt32(number)))
        #expect(try SyncMessage.decode(Self.envelope(field: number, payload: nil)) == .unknown(kind: UInt32(number)))
        #expect(try SyncMessage.decode(SyncMessage.unknown(kind: UInt32(number)).encode()) == .unknown(kind: UInt32(number)))
    }

    /// A known kind with the wrong wire type (a varint where a message belongs) is malformed, not
    /// a newer kind: decoded as unknown, it would re-encode as an empty message of that kind
    /// (found by FuzzSync and FuzzHandshake).
    @Test(arguments: 1...8 as ClosedRange<UInt64>)
    func aKnownKindOfTheWrongWireTypeIsRefused(number: UInt64) {
        #expect(throws: SyncDecodingError.malformed("Envelope field \(number) has the wrong wire type")) {
            try SyncMessage.decode(Self.envelope(field: number, payload: nil))
        }
    }

    @Test func anEnvelopeWithNoMessageAtAllIsRefused() {
        #expect(throws: SyncDecodingError.malformed("Envelope carries no message")) { try SyncMessage.decode([]) }
    }

    @Test func theSessionSkipsUnknownKindsAndStaysUp() {
        var session = SyncSession()
        _ = session.start(local: VersionVector(), department: "A", listenPort: 0, nowMillis: 0)
        // Before the peer's Hello: skipped too, and the Hello still counts as the first message.
        #expect(session.receive(.unknown(kind: 99), nowMillis: 0).isEmpty)
        #expect(session.phase == .awaitingHello)
        #expect(session.receive(Self.helloFrom(.current), nowMillis: 0).isEmpty)
        #expect(session.phase == .syncing)
        #expect(session.receive(.unknown(kind: 42), nowMillis: 0).isEmpty)
        #expect(session.phase == .syncing)
        #expect(session.skippedMessages == 2)
        #expect(session.receive(.digestRequest(token: 1), nowMillis: 0).isEmpty, "and goes on as before")
    }

    /// Through two real channels (Noise, framing): the bytes of a kind sync.proto does not name
    /// arrive as `.unknown`, and the channel carries on with the next message.
    @Test func anUnknownKindCrossesARealChannelAndTheNextMessageFollows() throws {
        let key = [UInt8](repeating: 7, count: 32)
        let a = NodeIdentity(), b = NodeIdentity()
        var initiator = try SecureChannel(role: .initiator, identity: a, networkKey: key, department: "A", isTrusted: { _ in true })
        var responder = try SecureChannel(role: .responder, identity: b, networkKey: key, department: "B", isTrusted: { _ in true })
        var toResponder = try initiator.start(), toInitiator = [UInt8]()
        var received = [SecureChannel.Event]()
        for _ in 0..<4 {
            let (out1, events1) = try responder.receive(toResponder)
            toResponder = []
            received += events1
            toInitiator += out1
            let (out2, _) = try initiator.receive(toInitiator)
            toInitiator = []
            toResponder += out2
        }
        #expect(initiator.isEstablished && responder.isEstablished)
        received = []
        let bytes = try initiator.send(.unknown(kind: 77)) + initiator.send(.goodbye(reason: "after"))
        let (_, events) = try responder.receive(bytes)
        #expect(events == [.message(.unknown(kind: 77)), .message(.goodbye(reason: "after"))])
    }

    // MARK: Unknown fields

    /// Field 50 as a varint, and field 51 as bytes: numbers no message of sync.proto uses.
    static let unknownFields: [UInt8] = [0x90, 0x03, 0x05, 0x9A, 0x03, 0x02, 0xAB, 0xCD]

    /// `message` with `unknownFields` added to its serialization.
    static func withUnknownFields<M: SwiftProtobuf.Message>(_ message: M) throws -> M {
        let bytes: [UInt8] = try message.serializedBytes()
        return try M(serializedBytes: bytes + unknownFields)
    }

    /// Every message a node decodes, with fields of a newer version inside it (and inside the
    /// messages it holds): each decodes as it does without them.
    @Test func unknownFieldsAreIgnoredInEveryMessage() throws {
        let identity = NodeIdentity()
        var head = WireOriginHead()
        head.origin = Data(identity.nodeID.bytes)
        head.seq = 3
        head.head = Data(repeating: 9, count: 32)
        let oddHead = try Self.withUnknownFields(head)

        var hello = WireHello()
        hello.protocolVersion = 1
        hello.department = "Renal"
        hello.listenPort = 7400
        hello.heads = [oddHead]
        var have = WireHave()
        have.heads = [oddHead]
        var digestHave = WireHave()
        digestHave.vectorDigest = Data(repeating: 1, count: 32)
        var info = WirePeerInfo()
        info.nodeID = Data(identity.nodeID.bytes)
        info.address = "10.0.0.1:7400"
        var peers = WirePeers()
        peers.peers = [try Self.withUnknownFields(info)]
        var goodbye = WireGoodbye()
        goodbye.reason = "bye"
        var request = WireDigestRequest()
        request.token = 5
        var reply = WireDigestReply()
        reply.token = 5
        reply.digest = Data(repeating: 2, count: 32)
        reply.heads = [oddHead]
        let op = SyncMessageTests.realisticOps(count: 1)[0]
        var batch = WireOpBatch()
        batch.ops = [try Self.withUnknownFields(op.wire)]

        let kinds: [WireEnvelope.OneOf_Message] = [
            .hello(try Self.withUnknownFields(hello)), .have(try Self.withUnknownFields(have)), .have(try Self.withUnknownFields(digestHave)),
            .peers(try Self.withUnknownFields(peers)), .goodbye(try Self.withUnknownFields(goodbye)),
            .digestRequest(try Self.withUnknownFields(request)), .digestReply(try Self.withUnknownFields(reply)),
            .batch(try Self.withUnknownFields(batch)),
        ]
        for kind in kinds {
            var envelope = WireEnvelope()
            envelope.message = kind
            let bytes: [UInt8] = try envelope.serializedBytes()
            let message = try SyncMessage.decode(bytes)
            // And at the Envelope's own level, beside the message.
            #expect(try SyncMessage.decode(bytes + Self.unknownFields) == message)
            if case .unknown = message { Issue.record("\(kind) read as an unknown kind") }
        }
        // The handshake payload: fields of a newer version beside the identity.
        let payload = HandshakePayload(identity: identity, staticKey: Curve25519.KeyAgreement.PrivateKey().publicKey, department: "Renal")
        #expect(try HandshakePayload.decode(payload.encode() + Self.unknownFields) == payload)
    }
}
