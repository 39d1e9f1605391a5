import Crypto
import Foundation
import MeshCRDT

/// What each side says about itself inside the Noise handshake: its node id (Ed25519 key) and a
/// signature by that key binding it to the Noise static key it handshakes with. Without the
/// binding, anyone with the network key could claim any node id.
public struct HandshakePayload: Equatable, Sendable {
    public let nodeID: NodeID
    public let department: String
    let signature: Data

    static let context = Array("ideamesh noise static key v1".utf8)

    /// The Noise prologue of every ideamesh handshake (PROTOCOL.md §2): both sides hash it in, so
    /// a handshake of another protocol, or another version of this one, fails.
    public static let noisePrologue = Array("ideamesh/1".utf8)

    /// The payload for `identity`, handshaking with the Noise static key `staticKey`.
    public init(identity: NodeIdentity, staticKey: Curve25519.KeyAgreement.PublicKey, department: String) {
        nodeID = identity.nodeID
        self.department = department
        signature = identity.sign(Data(Self.context + staticKey.rawRepresentation))
    }

    init(nodeID: NodeID, department: String, signature: Data) {
        self.nodeID = nodeID
        self.department = department
        self.signature = signature
    }

    /// True when the payload's node signed this Noise static key.
    public func binds(_ staticKey: Curve25519.KeyAgreement.PublicKey) -> Bool {
        nodeID.verifies(signature, over: Data(Self.context + staticKey.rawRepresentation))
    }

    public func encode() -> [UInt8] {
        var wire = WireHandshakePayload()
        wire.nodeID = Data(nodeID.bytes)
        wire.signature = signature
        wire.department = department
        guard let bytes: [UInt8] = try? wire.serializedBytes() else { preconditionFailure("payload encoding failed") }
        return bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(SyncDecodingError) -> HandshakePayload {
        let wire: WireHandshakePayload
        do { wire = try WireHandshakePayload(serializedBytes: bytes) } catch { throw .malformed("handshake payload: \(error)") }
        guard let node = wire.nodeID.withUnsafeBytes({ NodeID(raw: $0) }) else { throw .malformed("handshake payload: node id is not 32 bytes") }
        guard wire.signature.count == 64 else { throw .malformed("handshake payload: signature is not 64 bytes") }
        guard wire.department.utf8.count <= PeerInfo.maxDepartmentBytes else {
            throw .malformed("handshake payload: department of \(wire.department.utf8.count) bytes exceeds \(PeerInfo.maxDepartmentBytes)")
        }
        return HandshakePayload(nodeID: node, department: wire.department, signature: wire.signature)
    }
}
