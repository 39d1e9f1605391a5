/// A node's identity: its Ed25519 public key (32 bytes).
///
/// A department name is only a label; the key is the id. Comparison is lexicographic over the
/// key bytes, which is the tie-break order used wherever two writes carry the same HLC.
public struct NodeID: Hashable, Comparable, Sendable {
    public static let byteCount = 32

    /// The key bytes as four big-endian words, so `<` is byte-lexicographic and hashing is cheap.
    @usableFromInline let w0, w1, w2, w3: UInt64

    @usableFromInline init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        (self.w0, self.w1, self.w2, self.w3) = (w0, w1, w2, w3)
    }

    @inlinable
    public init?<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == Self.byteCount else { return nil }
        let words = bytes.withContiguousStorageIfAvailable { Self.words(UnsafeRawBufferPointer($0)) }
            ?? Array(bytes).withUnsafeBytes { Self.words($0) }
        (w0, w1, w2, w3) = words
    }

    /// From exactly 32 bytes of raw memory (e.g. `Data.withUnsafeBytes`).
    public init?(raw: UnsafeRawBufferPointer) {
        guard raw.count == Self.byteCount else { return nil }
        (w0, w1, w2, w3) = Self.words(raw)
    }

    @usableFromInline
    static func words(_ raw: UnsafeRawBufferPointer) -> (UInt64, UInt64, UInt64, UInt64) {
        func word(_ i: Int) -> UInt64 { UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) }
        return (word(0), word(1), word(2), word(3))
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
