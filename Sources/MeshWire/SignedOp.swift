import Foundation
import MeshCRDT
import MeshModel
import SwiftProtobuf

/// An op as stored and sent: its encoded bytes (verbatim, never re-encoded) and the origin's
/// signature over them.
public struct SignedOp: Hashable, Sendable {
    public let bytes: Data
    public let signature: Data

    public init(bytes: Data, signature: Data) {
        self.bytes = bytes
        self.signature = signature
    }

    /// SHA-256 of the op bytes: what the next op of the same origin names as `prev`.
    public var hash: Data { OpHash.of(bytes) }

    public func decode() throws(OpDecodingError) -> Op { try OpCodec.decode(bytes) }

    /// Makes, encodes and signs a new op.
    public static func make(
        identity: NodeIdentity, seq: UInt64, prev: Data, hlc: HLC, author: String, body: OpBody
    ) -> SignedOp {
        let op = Op(origin: identity.nodeID, seq: seq, prev: Array(prev), hlc: hlc, author: author, body: body)
        let bytes = OpCodec.encode(op)
        return SignedOp(bytes: bytes, signature: identity.sign(bytes))
    }

    /// The envelope form (`SignedOp` in ops.proto), e.g. for files and sync batches.
    public var wire: WireSignedOp {
        var message = WireSignedOp()
        message.op = bytes
        message.signature = signature
        return message
    }

    public init(wire: WireSignedOp) {
        self.init(bytes: wire.op, signature: wire.signature)
    }
}
