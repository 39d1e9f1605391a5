import Foundation
import MeshCRDT
import SwiftProtobuf

/// A sync message as a domain value (sync.proto's Envelope on the wire).
public enum SyncMessage: Equatable, Sendable {
    case hello(version: UInt32, department: String, vector: VersionVector)
    /// The sender's version vector, seqs only (head hashes are left out to keep a round small).
    case have(VersionVector)
    /// Contiguous ops of one origin, in seq order.
    case batch([SignedOp])
    case goodbye(reason: String)

    public static let protocolVersion: UInt32 = 1

    public func encode() -> [UInt8] {
        var envelope = WireEnvelope()
        switch self {
        case .hello(let version, let department, let vector):
            var hello = WireHello()
            hello.protocolVersion = version
            hello.department = department
            hello.heads = Self.heads(vector, withHashes: true)
            envelope.message = .hello(hello)
        case .have(let vector):
            var have = WireHave()
            have.heads = Self.heads(vector, withHashes: false)
            envelope.message = .have(have)
        case .batch(let ops):
            var batch = WireOpBatch()
            batch.ops = ops.map(\.wire)
            envelope.message = .batch(batch)
        case .goodbye(let reason):
            var goodbye = WireGoodbye()
            goodbye.reason = reason
            envelope.message = .goodbye(goodbye)
        }
        // Encoding a message built from valid Swift values cannot fail.
        guard let bytes: [UInt8] = try? envelope.serializedBytes() else { preconditionFailure("envelope encoding failed") }
        return bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(SyncDecodingError) -> SyncMessage {
        let envelope: WireEnvelope
        do { envelope = try WireEnvelope(serializedBytes: bytes) } catch { throw .malformed("\(error)") }
        switch envelope.message {
        case .hello(let hello):
            return .hello(version: hello.protocolVersion, department: hello.department, vector: try vector(hello.heads))
        case .have(let have):
            return .have(try vector(have.heads))
        case .batch(let batch):
            guard !batch.ops.isEmpty else { throw .malformed("empty batch") }
            return .batch(batch.ops.map(SignedOp.init(wire:)))
        case .goodbye(let goodbye):
            return .goodbye(reason: goodbye.reason)
        case nil:
            throw .unknownMessage
        }
    }

    static func heads(_ vector: VersionVector, withHashes: Bool) -> [WireOriginHead] {
        vector.origins.map { origin in
            var head = WireOriginHead()
            head.origin = Data(origin.bytes)
            head.seq = vector[origin].seq
            if withHashes { head.head = Data(vector[origin].hash) }
            return head
        }
    }

    static func vector(_ heads: [WireOriginHead]) throws(SyncDecodingError) -> VersionVector {
        var vector = VersionVector()
        for head in heads {
            guard let origin = head.origin.withUnsafeBytes({ NodeID(raw: $0) }) else { throw .malformed("origin is not a 32-byte node id") }
            guard head.head.isEmpty || head.head.count == OpHash.byteCount else { throw .malformed("head is not a SHA-256") }
            guard vector[origin].seq == 0 else { throw .malformed("origin listed twice") }
            vector[origin] = OriginHead(seq: head.seq, hash: Array(head.head))
        }
        return vector
    }
}

public enum SyncDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    /// A message kind this version does not know.
    case unknownMessage

    public var description: String {
        switch self {
        case .malformed(let why): "malformed sync message: \(why)"
        case .unknownMessage: "unknown sync message"
        }
    }
}
