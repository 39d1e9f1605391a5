import Crypto
import MeshCRDT

/// The vector digest of a digest Have (PROTOCOL.md §4, "Vector digest"): SHA-256 over the
/// sender's (origin, seq) pairs, sorted by origin, each as the origin's 32 bytes then the seq as
/// 8 bytes big-endian. Head hashes do not count; an empty vector digests to SHA-256 of nothing.
extension SyncMessage {
    public static let vectorDigestBytes = 32

    /// The canonical bytes the vector digest hashes: 40 bytes per origin, origins in ascending
    /// byte order.
    public static func vectorDigestInput(_ vector: VersionVector) -> [UInt8] {
        let origins = vector.origins  // sorted: byte-lexicographic
        var bytes = [UInt8]()
        bytes.reserveCapacity(origins.count * (NodeID.byteCount + 8))
        for origin in origins {
            bytes += origin.bytes
            let seq = vector[origin].seq
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: seq >> UInt64(shift))) }
        }
        return bytes
    }

    /// SHA-256 of `vectorDigestInput(vector)`: 32 bytes.
    public static func vectorDigest(_ vector: VersionVector) -> [UInt8] {
        Array(SHA256.hash(data: vectorDigestInput(vector)))
    }
}
