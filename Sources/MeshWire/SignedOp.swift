import Crypto
import Foundation
import MeshCRDT
import MeshModel
import SwiftProtobuf

/// An op as stored and sent: its encoded bytes (verbatim, never re-encoded), the origin's
/// signature over them, and in op format 2 its body beside them.
///
/// Format 1 (ops written before format 2 existed): `bytes` hold the whole op, body included, and
/// `body` is empty. Format 2 (Protocol/README.md, "Op format 2"): `bytes` hold the op's header with `body_hash`,
/// and `body` the encoded `Body` it names, whose texts can be erased (`erasing`) while the
/// signature, the chain and the hash still verify.
public struct SignedOp: Hashable, Sendable {
    public let bytes: Data
    public let signature: Data
    /// The encoded `Body` of a format-2 op; empty in format 1.
    public let body: Data

    /// The op format this op is in.
    public static let formats: ClosedRange<UInt32> = 1...2

    public init(bytes: Data, signature: Data, body: Data = Data()) {
        self.bytes = bytes
        self.signature = signature
        self.body = body
    }

    /// SHA-256 of the op bytes: what the next op of the same origin names as `prev`.
    public var hash: Data { OpHash.of(bytes) }

    /// 2 when the op carries a separate body, else 1 (`decode` checks that the bytes agree).
    public var format: UInt32 { body.isEmpty ? 1 : 2 }

    public func decode() throws(OpDecodingError) -> Op { try OpCodec.decode(bytes, body: body) }

    /// Makes, encodes and signs a new op, in op format 2 unless `format` is 1; `random` gives the
    /// texts' salts.
    public static func make(
        identity: NodeIdentity, seq: UInt64, prev: Data, hlc: HLC, author: String, body: OpBody,
        format: UInt32 = 2, random: inout some RandomNumberGenerator
    ) -> SignedOp {
        let op = Op(origin: identity.nodeID, seq: seq, prev: Array(prev), hlc: hlc, author: author, body: body)
        if format == 1 {
            let bytes = OpCodec.encode(op)
            return SignedOp(bytes: bytes, signature: identity.sign(bytes))
        }
        let sealed = SealedBody.seal(body, origin: identity.nodeID, random: &random)
        let bytes = OpCodec.encodeHeader(op, bodyHash: sealed.hash)
        return SignedOp(bytes: bytes, signature: identity.sign(bytes), body: sealed.bytes)
    }

    /// `make` with the system's random numbers.
    public static func make(
        identity: NodeIdentity, seq: UInt64, prev: Data, hlc: HLC, author: String, body: OpBody, format: UInt32 = 2
    ) -> SignedOp {
        var random = SystemRandomNumberGenerator()
        return make(identity: identity, seq: seq, prev: prev, hlc: hlc, author: author, body: body, format: format, random: &random)
    }

    /// The op with the texts at `slots` of its body erased (each replaced by its commitment), or
    /// nil when it is a format-1 op or its body cannot be read. Slots already erased stay so.
    public func erasing(slots: [Int]) -> SignedOp? {
        guard format == 2, let erased = SealedBody.erase(slots: slots, in: body) else { return nil }
        return SignedOp(bytes: bytes, signature: signature, body: erased)
    }

    /// The slots of the body's texts that are erased (empty for format 1).
    public var erasedSlots: [Int] { format == 2 ? SealedBody.erasedSlots(in: body) : [] }

    /// The envelope form (`SignedOp` in ops.proto), e.g. for files and sync batches.
    public var wire: WireSignedOp {
        var message = WireSignedOp()
        message.op = bytes
        message.signature = signature
        message.body = body
        return message
    }

    public init(wire: WireSignedOp) {
        self.init(bytes: wire.op, signature: wire.signature, body: wire.body)
    }
}

/// Op format 2's body (`Body` in ops.proto): a skeleton with every erasable text empty, and the
/// texts sealed one by one with a salt. Protocol/README.md, "Op format 2", is the spec; Protocol/vectors checks it.
public enum SealedBody {
    public static let saltCount = 16

    /// The commitment to one text: SHA-256(salt || UTF-8 of value).
    /// Every node computes it for every text of every op it takes in: hashed in place, with no
    /// copy of the salt and the text joined.
    public static func commitment(salt: Data, value: String) -> Data {
        var hasher = SHA256()
        hasher.update(data: salt)
        var value = value
        value.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        return hasher.finalize().withUnsafeBytes { Data($0) }
    }

    /// SHA-256(SHA-256(skeleton) || c_1 || … || c_n): what the op's `body_hash` holds.
    public static func hash(skeleton: Data, commitments: [Data]) -> Data {
        var hasher = SHA256()
        SHA256.hash(data: skeleton).withUnsafeBytes { hasher.update(bufferPointer: $0) }
        for commitment in commitments { hasher.update(data: commitment) }
        return hasher.finalize().withUnsafeBytes { Data($0) }
    }

    static func seal(_ body: OpBody, origin: NodeID, random: inout some RandomNumberGenerator) -> (bytes: Data, hash: Data) {
        let texts = body.texts
        let blank = body.replacingTexts(texts.map { _ in "" }) ?? body
        var skeleton = WireOp()
        skeleton.body = OpCodec.body(blank, origin: origin)
        var wire = WireBody()
        // Encoding a message built from valid Swift values cannot fail.
        guard let skeletonBytes: Data = try? skeleton.serializedBytes() else { preconditionFailure("skeleton encoding failed") }
        wire.skeleton = skeletonBytes
        var commitments = [Data]()
        for text in texts {
            var sealed = WireSealedText()
            if !text.isEmpty {
                var salt = Data(count: saltCount)
                for index in salt.indices { salt[index] = random.next() }
                sealed.salt = salt
                sealed.value = text
            }
            commitments.append(commitment(salt: sealed.salt, value: sealed.value))
            wire.texts.append(sealed)
        }
        guard let bytes: Data = try? wire.serializedBytes() else { preconditionFailure("body encoding failed") }
        return (bytes, hash(skeleton: skeletonBytes, commitments: commitments))
    }

    /// The body's parts once checked against `bodyHash`: the skeleton's bytes and each text
    /// (nil where erased).
    static func open(_ bytes: Data, bodyHash: Data) throws(OpDecodingError) -> (skeleton: Data, texts: [String?]) {
        let wire: WireBody
        do { wire = try WireBody(serializedBytes: bytes) } catch { throw .malformed("body: \(error)") }
        var commitments = [Data]()
        var texts = [String?]()
        for sealed in wire.texts {
            if !sealed.erased.isEmpty {
                guard sealed.erased.count == OpHash.byteCount, sealed.salt.isEmpty, sealed.value.isEmpty else {
                    throw .malformed("an erased text keeps its salt or value, or its commitment is not 32 bytes")
                }
                commitments.append(sealed.erased)
                texts.append(nil)
            } else {
                guard sealed.salt.count == (sealed.value.isEmpty ? 0 : saltCount) else {
                    throw .malformed("a text's salt must be \(saltCount) bytes, and empty only for an empty text")
                }
                commitments.append(commitment(salt: sealed.salt, value: sealed.value))
                texts.append(sealed.value)
            }
        }
        guard hash(skeleton: wire.skeleton, commitments: commitments) == bodyHash else {
            throw .malformed("body does not match the op's body_hash")
        }
        return (wire.skeleton, texts)
    }

    static func erase(slots: [Int], in bytes: Data) -> Data? {
        guard var wire = try? WireBody(serializedBytes: bytes) else { return nil }
        for slot in slots where wire.texts.indices.contains(slot) {
            let sealed = wire.texts[slot]
            guard sealed.erased.isEmpty else { continue }
            var erased = WireSealedText()
            erased.erased = commitment(salt: sealed.salt, value: sealed.value)
            wire.texts[slot] = erased
        }
        return try? wire.serializedBytes()
    }

    static func erasedSlots(in bytes: Data) -> [Int] {
        guard let wire = try? WireBody(serializedBytes: bytes) else { return [] }
        return wire.texts.indices.filter { !wire.texts[$0].erased.isEmpty }
    }
}
