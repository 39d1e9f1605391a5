import Foundation
import MeshCRDT
import SwiftProtobuf

/// A sync message as a domain value (sync.proto's Envelope on the wire).
public enum SyncMessage: Equatable, Sendable {
    /// `listenPort`: the TCP port the sender accepts connections on; 0 when it accepts none.
    /// `version`, `maxVersion` and `maxOpFormat` are the versions the sender speaks, as on the
    /// wire: the lowest protocol version, then the highest (0: absent, the same as `version`)
    /// and the highest op format (0: absent, 1). `ProtocolVersions(helloVersion:…)` reads them.
    case hello(version: UInt32, department: String, listenPort: UInt16, vector: VersionVector, maxVersion: UInt32 = 0, maxOpFormat: UInt32 = 0)
    /// A full Have: the sender's version vector, seqs only (head hashes are left out). With
    /// `wantFull`, the sender's view of the receiver disagreed with the receiver's digest Have,
    /// and the receiver answers with a full Have of its own (PROTOCOL.md §4).
    case have(VersionVector, wantFull: Bool = false)
    /// A digest Have: only `vectorDigest(_:)` of the sender's version vector (32 bytes), so that an
    /// in-sync round costs the same whatever the number of origins.
    case haveDigest([UInt8])
    /// Contiguous ops of one origin, in seq order. On the wire an `OpBatch`, or a
    /// `CompressedBatch` when that is smaller (SyncMessage+Compression.swift); decoding gives this
    /// either way.
    case batch([SignedOp])
    /// Peer exchange: nodes the sender knows how to reach. At most `maxPeers`, each valid
    /// (`PeerInfo.isValid`), or the receiver refuses the message.
    case peers([PeerInfo])
    case goodbye(reason: String)
    /// Asks for the peer's state digest (an admin verifying that two nodes agree).
    case digestRequest(token: UInt64)
    /// The answer: the state digest (32 bytes) and the version vector it covers, with hashes.
    case digestReply(token: UInt64, digest: [UInt8], vector: VersionVector)
    /// An Envelope of a kind this version does not know (its field number in the Envelope), from
    /// a newer node: skipped (PROTOCOL.md §3, §6). Encodes as an Envelope holding only an empty
    /// field `kind`, which is how a test plays a newer node.
    case unknown(kind: UInt32)

    /// The lowest protocol version this build speaks: what its Hello says in `protocol_version`.
    public static let protocolVersion: UInt32 = ProtocolVersions.current.protocols.lowerBound
    /// Most entries in one `peers` message.
    public static let maxPeers = 1_000

    /// The message's bytes: one serialized Envelope. A batch is compressed when `compressing` and
    /// that saves bytes (see `compressedBatch(_:)`).
    public func encode(compressing: Bool = true) -> [UInt8] {
        var envelope = WireEnvelope()
        switch self {
        case .hello(let version, let department, let listenPort, let vector, let maxVersion, let maxOpFormat):
            var hello = WireHello()
            hello.protocolVersion = version
            hello.maxProtocolVersion = maxVersion
            hello.maxOpFormat = maxOpFormat
            hello.department = department
            hello.listenPort = UInt32(listenPort)
            hello.heads = Self.heads(vector, withHashes: true)
            envelope.message = .hello(hello)
        case .have(let vector, let wantFull):
            var have = WireHave()
            have.heads = Self.heads(vector, withHashes: false)
            have.wantFull = wantFull
            envelope.message = .have(have)
        case .haveDigest(let digest):
            var have = WireHave()
            have.vectorDigest = Data(digest)
            envelope.message = .have(have)
        case .batch(let ops):
            var batch = WireOpBatch()
            batch.ops = ops.map(\.wire)
            if compressing, let compressed = Self.compressedBatch(batch) {
                envelope.message = .compressedBatch(compressed)
            } else {
                envelope.message = .batch(batch)
            }
        case .peers(let list):
            var peers = WirePeers()
            peers.peers = list.map(\.wire)
            envelope.message = .peers(peers)
        case .goodbye(let reason):
            var goodbye = WireGoodbye()
            goodbye.reason = reason
            envelope.message = .goodbye(goodbye)
        case .digestRequest(let token):
            var request = WireDigestRequest()
            request.token = token
            envelope.message = .digestRequest(request)
        case .digestReply(let token, let digest, let vector):
            var reply = WireDigestReply()
            reply.token = token
            reply.digest = Data(digest)
            reply.heads = Self.heads(vector, withHashes: true)
            envelope.message = .digestReply(reply)
        case .unknown(let kind):
            // The field's key (length-delimited), then a length of 0.
            return Self.varint(UInt64(kind) << 3 | 2) + [0]
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
            guard let port = UInt16(exactly: hello.listenPort) else { throw .malformed("listen port \(hello.listenPort) exceeds 65535") }
            guard hello.department.utf8.count <= PeerInfo.maxDepartmentBytes else {
                throw .malformed("Hello department of \(hello.department.utf8.count) bytes exceeds \(PeerInfo.maxDepartmentBytes)")
            }
            guard ProtocolVersions(helloVersion: hello.protocolVersion, maxVersion: hello.maxProtocolVersion, maxOpFormat: hello.maxOpFormat) != nil else {
                throw .malformed("Hello's protocol versions \(hello.protocolVersion) to \(hello.maxProtocolVersion) are not a range")
            }
            return .hello(
                version: hello.protocolVersion, department: hello.department, listenPort: port, vector: try vector(hello.heads),
                maxVersion: hello.maxProtocolVersion, maxOpFormat: hello.maxOpFormat)
        case .have(let have):
            return try Self.have(have)
        case .batch(let batch):
            return .batch(try ops(batch))
        case .compressedBatch(let compressed):
            return .batch(try ops(inflating: compressed))
        case .peers(let peers):
            guard peers.peers.count <= maxPeers else { throw .malformed("\(peers.peers.count) peers exceed \(maxPeers)") }
            var list = [PeerInfo]()
            list.reserveCapacity(peers.peers.count)
            for peer in peers.peers { list.append(try PeerInfo(wire: peer)) }
            return .peers(list)
        case .goodbye(let goodbye):
            return .goodbye(reason: goodbye.reason)
        case .digestRequest(let request):
            return .digestRequest(token: request.token)
        case .digestReply(let reply):
            guard reply.digest.count == OpHash.byteCount else { throw .malformed("digest is not a SHA-256") }
            return .digestReply(token: reply.token, digest: Array(reply.digest), vector: try vector(reply.heads))
        case nil:
            // A kind of a newer version is an unknown field here (swift-protobuf keeps those).
            guard let kind = Self.firstFieldNumber(envelope.unknownFields.data) else { throw .malformed("Envelope carries no message") }
            // swift-protobuf also keeps a known field of the wrong wire type (a varint where a
            // message belongs) as unknown: that is a malformed message, not a newer kind.
            guard !isKnownKind(kind) else { throw .malformed("Envelope field \(kind) has the wrong wire type") }
            return .unknown(kind: kind)
        }
    }

    /// Whether `kind` is a field of this version's Envelope: an empty message in that field
    /// decodes as a known message.
    static func isKnownKind(_ kind: UInt32) -> Bool {
        guard kind >= 1, kind < 1 << 29 else { return false }
        let probe = Data(varint(UInt64(kind) << 3 | 2) + [0])
        return (try? WireEnvelope(serializedBytes: probe))?.message != nil
    }

    /// The field number of the first field in `data` (valid protobuf: the decoder checked it).
    static func firstFieldNumber(_ data: Data) -> UInt32? {
        var key: UInt64 = 0, shift: UInt64 = 0
        for byte in data.prefix(10) {
            key |= UInt64(byte & 0x7F) << shift
            guard byte & 0x80 != 0 else { return UInt32(exactly: key >> 3) }
            shift += 7
        }
        return nil
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value, bytes = [UInt8]()
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        return bytes + [UInt8(value)]
    }

    /// A full Have or a digest Have: never both, and a digest is exactly 32 bytes.
    static func have(_ have: WireHave) throws(SyncDecodingError) -> SyncMessage {
        guard !have.vectorDigest.isEmpty else { return .have(try vector(have.heads), wantFull: have.wantFull) }
        guard have.heads.isEmpty else { throw .malformed("Have carries both heads and a vector digest") }
        guard !have.wantFull else { throw .malformed("digest Have asks for a full Have") }
        guard have.vectorDigest.count == vectorDigestBytes else {
            throw .malformed("vector digest of \(have.vectorDigest.count) bytes, not \(vectorDigestBytes)")
        }
        return .haveDigest(Array(have.vectorDigest))
    }

    static func ops(_ batch: WireOpBatch) throws(SyncDecodingError) -> [SignedOp] {
        guard !batch.ops.isEmpty else { throw .malformed("empty batch") }
        return batch.ops.map(SignedOp.init(wire:))
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

    public var description: String {
        switch self {
        case .malformed(let why): "malformed sync message: \(why)"
        }
    }
}
