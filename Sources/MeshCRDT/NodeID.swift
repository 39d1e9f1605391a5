/// A node's identity: its Ed25519 public key (32 bytes).
///
/// A department name is only a label; the key is the id. Comparison is lexicographic over the
/// key bytes, which is the tie-break order used wherever two writes carry the same HLC.
public struct NodeID: Hashable, Comparable, Sendable {
    public static let byteCount = 32

    /// The key bytes as four big-endian words, so `<` is byte-lexicographic and hashing is cheap.
    @usableFromInline let w0, w1, w2, w3: UInt64

    public init?<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == Self.byteCount else { return nil }
        var words = [UInt64](repeating: 0, count: 4)
        for (i, byte) in bytes.enumerated() {
            words[i / 8] = words[i / 8] << 8 | UInt64(byte)
        }
        (w0, w1, w2, w3) = (words[0], words[1], words[2], words[3])
    }

    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(Self.byteCount)
        for word in [w0, w1, w2, w3] {
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return out
    }

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool {
        (lhs.w0, lhs.w1, lhs.w2, lhs.w3) < (rhs.w0, rhs.w1, rhs.w2, rhs.w3)
    }

    /// Full RFC 4648 base32 (lower case, unpadded): 52 characters.
    public var base32: String { Base32.encode(bytes) }

    /// The short form shown to people: the first 10 base32 characters (50 bits).
    public var short: String { String(base32.prefix(10)) }

    public init?(base32 text: String) {
        guard let bytes = Base32.decode(text) else { return nil }
        self.init(bytes: bytes)
    }
}

extension NodeID: CustomStringConvertible {
    public var description: String { short }
}
