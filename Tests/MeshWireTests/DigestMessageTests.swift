import Foundation
import MeshCRDT
import MeshWire
import Testing

/// `DigestRequest` and `DigestReply` (PROTOCOL.md §4, "Verifying") through their real encoding.
struct DigestMessageTests {
    @Test func digestMessagesRoundTrip() throws {
        let origin = NodeIdentity().nodeID
        var vector = VersionVector()
        vector[origin] = OriginHead(seq: 7, hash: Array(repeating: 9, count: 32))
        let messages: [SyncMessage] = [
            .digestRequest(token: 42),
            .digestReply(token: 42, digest: Array(repeating: 1, count: 32), vector: vector),
            .digestReply(token: 0, digest: Array(repeating: 0, count: 32), vector: VersionVector()),
        ]
        for message in messages {
            #expect(try SyncMessage.decode(message.encode()) == message)
        }
    }

    @Test func aDigestThatIsNotASHA256IsRefused() throws {
        var reply = WireDigestReply()
        reply.token = 1
        reply.digest = Data(repeating: 1, count: 31)
        var envelope = WireEnvelope()
        envelope.message = .digestReply(reply)
        let bytes: [UInt8] = try envelope.serializedBytes()
        #expect(throws: SyncDecodingError.malformed("digest is not a SHA-256")) { try SyncMessage.decode(bytes) }
    }

    /// The session leaves both to the adapter once in sync, and refuses them before Hello.
    @Test func theSessionLeavesDigestMessagesToTheAdapter() {
        var session = SyncSession()
        _ = session.start(local: VersionVector(), department: "A", listenPort: 0, nowMillis: 0)
        #expect(session.receive(.digestRequest(token: 1), nowMillis: 0).contains { if case .close = $0 { true } else { false } })
        var syncing = SyncSession()
        _ = syncing.start(local: VersionVector(), department: "A", listenPort: 0, nowMillis: 0)
        _ = syncing.receive(.hello(version: 1, department: "B", listenPort: 0, vector: VersionVector()), nowMillis: 0)
        #expect(syncing.receive(.digestRequest(token: 1), nowMillis: 0).isEmpty)
        #expect(syncing.receive(.digestReply(token: 1, digest: Array(repeating: 0, count: 32), vector: VersionVector()), nowMillis: 0).isEmpty)
        #expect(syncing.phase == .syncing)
    }
}
