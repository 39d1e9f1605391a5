import Foundation
import MeshCRDT
import MeshModel
import SwiftProtobuf
import Synchronization

/// TEST ONLY: one extra body kind, to test what a node does with ops of a kind added by a newer
/// version (Protocol/README.md, "Body kinds added later"). Field 63 of `Op.body` is reserved for
/// it in ops.proto and never used by a real version. Its payload is a `CommentAdd`, and a codec
/// that knows the kind reads it as `.commentAdd`; one that does not (the default) reads
/// `.unknown`, like any kind from a newer version.
///
/// `ideameshd` switches it on at start when the environment has `IDEAMESH_TEST_BODY_KINDS=1`
/// (the end-to-end tests start a daemon with it to stand in for an upgraded version); nothing
/// else may. Switching it changes how field-63 ops decode and nothing else.
public enum TestBodyKind {
    /// The field number of the test body kind in `Op`'s `body` oneof.
    public static let fieldNumber = 63
    /// The environment variable that switches it on in `ideameshd` (value `1`).
    public static let environmentVariable = "IDEAMESH_TEST_BODY_KINDS"

    private static let known = Atomic<Bool>(false)

    /// Whether this process's codec knows the test body kind.
    public static var isKnown: Bool { known.load(ordering: .relaxed) }

    /// Makes this process's codec know (or not) the test body kind.
    public static func setKnown(_ value: Bool) { known.store(value, ordering: .relaxed) }

    /// The bytes of an op whose body is the test kind: a comment `text` on `idea`.
    public static func encode(
        origin: NodeID, seq: UInt64, prev: Data, hlc: HLC, author: String, commentOn idea: OpID, text: String
    ) -> Data {
        var wire = WireOp()
        wire.origin = Data(origin.bytes)
        wire.seq = seq
        wire.prev = prev
        wire.hlc = hlc.rawValue
        wire.author = author
        var comment = WireCommentAdd()
        comment.idea = OpCodec.ref(idea, origin: origin)
        comment.text = text
        guard let head: Data = try? wire.serializedBytes(), let payload: Data = try? comment.serializedBytes() else {
            preconditionFailure("op encoding failed")
        }
        var bytes = head
        appendVarint(UInt64(fieldNumber << 3 | 2), to: &bytes)
        appendVarint(UInt64(payload.count), to: &bytes)
        bytes.append(payload)
        return bytes
    }

    /// The body of an op whose `body` oneof this version does not know, when the test kind is
    /// known and `unknownFields` holds it; nil otherwise.
    static func body(_ unknownFields: Data, origin: NodeID) -> OpBody? {
        guard isKnown, let payload = lengthDelimitedField(fieldNumber, in: unknownFields),
              let comment = try? WireCommentAdd(serializedBytes: payload),
              let idea = OpCodec.id(comment.idea, origin: origin)
        else { return nil }
        return .commentAdd(idea: idea, text: comment.text)
    }

    /// The last occurrence of length-delimited field `number` in `data` (protobuf wire format);
    /// nil when absent or when `data` does not parse.
    static func lengthDelimitedField(_ number: Int, in data: Data) -> Data? {
        let bytes = [UInt8](data)
        var index = 0, found: Data?
        func varint() -> UInt64? {
            var value: UInt64 = 0, shift: UInt64 = 0
            while index < bytes.count, shift < 64 {
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        while index < bytes.count {
            guard let key = varint() else { return nil }
            switch key & 7 {
            case 0: guard varint() != nil else { return nil }
            case 1: index += 8
            case 5: index += 4
            case 2:
                guard let length = varint(), length <= UInt64(bytes.count - index) else { return nil }
                if key >> 3 == UInt64(number) { found = Data(bytes[index..<index + Int(length)]) }
                index += Int(length)
            default: return nil
            }
            guard index <= bytes.count else { return nil }
        }
        return found
    }

    private static func appendVarint(_ value: UInt64, to data: inout Data) {
        var value = value
        while value >= 0x80 {
            data.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        data.append(UInt8(value))
    }
}
