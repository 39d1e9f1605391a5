import Crypto
import Foundation
import MeshCRDT
import MeshWire
import Testing

struct HandshakePayloadTests {
    let identity = NodeIdentity()
    let staticKey = Curve25519.KeyAgreement.PrivateKey()

    @Test func bindsTheNodeToItsNoiseStaticKeyOnly() throws {
        let payload = HandshakePayload(identity: identity, staticKey: staticKey.publicKey, department: "Renal Ward")
        let decoded = try HandshakePayload.decode(payload.encode())
        #expect(decoded == payload)
        #expect(decoded.nodeID == identity.nodeID && decoded.department == "Renal Ward")
        #expect(decoded.binds(staticKey.publicKey))
        #expect(!decoded.binds(Curve25519.KeyAgreement.PrivateKey().publicKey))  // another static key
    }

    @Test func aClaimedNodeIDWithoutItsKeyDoesNotBind() throws {
        // Someone with the network key but not the node's Ed25519 key claims the node's id.
        let impostor = HandshakePayload(identity: NodeIdentity(), staticKey: staticKey.publicKey, department: "x")
        var bytes = impostor.encode()
        let idRange = try #require(findSubsequence(Array(impostor.nodeID.bytes), in: bytes))
        bytes.replaceSubrange(idRange, with: identity.nodeID.bytes)
        let forged = try HandshakePayload.decode(bytes)
        #expect(forged.nodeID == identity.nodeID)
        #expect(!forged.binds(staticKey.publicKey))
    }

    @Test func malformedPayloadsAreErrors() {
        #expect(throws: SyncDecodingError.self) { try HandshakePayload.decode([0xFF]) }
        #expect(throws: SyncDecodingError.self) { try HandshakePayload.decode([]) }
    }

    /// The department is a label of at most 320 UTF-8 bytes, as in Peers (PROTOCOL.md §2).
    @Test func aDepartmentOver320BytesIsRefused() throws {
        let longest = String(repeating: "é", count: 160)  // 320 bytes
        let fits = HandshakePayload(identity: identity, staticKey: staticKey.publicKey, department: longest)
        #expect(try HandshakePayload.decode(fits.encode()).department == longest)
        let over = HandshakePayload(identity: identity, staticKey: staticKey.publicKey, department: longest + "x")
        #expect(throws: SyncDecodingError.malformed("handshake payload: department of 321 bytes exceeds 320")) {
            try HandshakePayload.decode(over.encode())
        }
    }

    @Test func aFullHandshakeCarriesBothBindings() throws {
        let psk = [UInt8](repeating: 7, count: 32)
        let (aID, bID) = (NodeIdentity(), NodeIdentity())
        let (aKey, bKey) = (Curve25519.KeyAgreement.PrivateKey(), Curve25519.KeyAgreement.PrivateKey())
        var initiator = try NoiseHandshake(role: .initiator, staticKey: aKey, psk: psk, prologue: HandshakePayload.noisePrologue)
        var responder = try NoiseHandshake(role: .responder, staticKey: bKey, psk: psk, prologue: HandshakePayload.noisePrologue)
        _ = try responder.readMessage(initiator.writeMessage(payload: []))
        let m2 = try responder.writeMessage(payload: HandshakePayload(identity: bID, staticKey: bKey.publicKey, department: "B").encode())
        let p2 = try HandshakePayload.decode(initiator.readMessage(m2))
        let responderStatic = try #require(initiator.remoteStaticKey)
        #expect(p2.nodeID == bID.nodeID && p2.binds(responderStatic))
        let m3 = try initiator.writeMessage(payload: HandshakePayload(identity: aID, staticKey: aKey.publicKey, department: "A").encode())
        let p3 = try HandshakePayload.decode(responder.readMessage(m3))
        let initiatorStatic = try #require(responder.remoteStaticKey)
        #expect(p3.nodeID == aID.nodeID && p3.binds(initiatorStatic))
        #expect(initiator.isComplete && responder.isComplete && initiator.handshakeHash == responder.handshakeHash)

        // A stranger with another network key learns nothing and gets nowhere: message 1 fails.
        var stranger = try NoiseHandshake(role: .initiator, staticKey: Curve25519.KeyAgreement.PrivateKey(), psk: [UInt8](repeating: 8, count: 32), prologue: HandshakePayload.noisePrologue)
        var fresh = try NoiseHandshake(role: .responder, staticKey: bKey, psk: psk, prologue: HandshakePayload.noisePrologue)
        #expect(throws: NoiseError.self) { try fresh.readMessage(stranger.writeMessage(payload: [])) }
    }
}

func findSubsequence(_ needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
    guard needle.count <= haystack.count else { return nil }
    for start in 0...(haystack.count - needle.count) where Array(haystack[start..<(start + needle.count)]) == needle {
        return start..<(start + needle.count)
    }
    return nil
}
