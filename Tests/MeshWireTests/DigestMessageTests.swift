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

    /// The bookkeeping beside the session (`DigestExchange`): tokens, waiters, one answer at a time.
    @Test func theExchangeMatchesRepliesToWaitersAndAnswersOneRequestAtATime() {
        var exchange = DigestExchange<String>()
        let (first, message) = exchange.request("first")
        #expect(message == .digestRequest(token: first))
        let (second, _) = exchange.request("second")
        #expect(second != first)
        exchange.forget(second)
        let digest = [UInt8](repeating: 3, count: 32)
        guard case .reply(let waiter, let got, _)? = exchange.receive(.digestReply(token: first, digest: digest, vector: VersionVector())) else {
            Issue.record("no reply")
            return
        }
        #expect(waiter == "first" && got == digest)
        // A reply nobody waits for (answered already, or forgotten) is dropped.
        guard case .dropped? = exchange.receive(.digestReply(token: first, digest: digest, vector: VersionVector())) else { Issue.record("kept"); return }
        guard case .dropped? = exchange.receive(.digestReply(token: second, digest: digest, vector: VersionVector())) else { Issue.record("kept"); return }

        // The peer's requests: one answered at a time, the next once that one is done.
        guard case .answer(let token)? = exchange.receive(.digestRequest(token: 9)) else { Issue.record("not answered"); return }
        #expect(token == 9 && exchange.answering)
        guard case .dropped? = exchange.receive(.digestRequest(token: 10)) else { Issue.record("two at once"); return }
        #expect(exchange.answered(token: 9, digest: digest, vector: VersionVector()) == .digestReply(token: 9, digest: digest, vector: VersionVector()))
        guard case .answer? = exchange.receive(.digestRequest(token: 11)) else { Issue.record("not answered"); return }
        exchange.answerFailed()
        #expect(!exchange.answering)
        #expect(exchange.receive(.haveDigest(digest)) == nil, "not a digest message")

        // Closing hands back every waiter, once.
        _ = exchange.request("third")
        #expect(exchange.close() == ["third"])
        #expect(exchange.close().isEmpty)
    }
}
