import Foundation
import SwiftProtobuf

/// Op batches as `CompressedBatch` (PROTOCOL.md §3): the raw deflate of the serialized `OpBatch`,
/// with that serialization's length.
extension SyncMessage {
    /// Serialized batches shorter than this travel as they are: deflate cannot save much on them.
    public static let compressionThresholdBytes = 256
    /// Largest `raw_length` a receiver accepts: what an uncompressed message may carry.
    public static let maxInflatedBatchBytes = 4 << 20

    /// `batch` compressed, when its serialization is `compressionThresholdBytes` to
    /// `maxInflatedBatchBytes` long and the compressed message is smaller; otherwise nil.
    static func compressedBatch(_ batch: WireOpBatch) -> WireCompressedBatch? {
        guard let raw: [UInt8] = try? batch.serializedBytes() else { preconditionFailure("batch encoding failed") }
        guard raw.count >= compressionThresholdBytes, raw.count <= maxInflatedBatchBytes else { return nil }
        let deflated = Deflate.compress(raw)
        // A CompressedBatch's bytes: field 1's tag and varint, field 2's tag, length and data.
        let compressedBytes = 1 + varintBytes(raw.count) + 1 + varintBytes(deflated.count) + deflated.count
        guard compressedBytes < raw.count else { return nil }
        var compressed = WireCompressedBatch()
        compressed.rawLength = UInt32(raw.count)
        compressed.deflate = Data(deflated)
        return compressed
    }

    /// The ops of a `CompressedBatch`; the declared length is checked before anything is inflated,
    /// and inflating stops at it.
    static func ops(inflating compressed: WireCompressedBatch) throws(SyncDecodingError) -> [SignedOp] {
        let rawLength = Int(compressed.rawLength)
        guard rawLength >= 1, rawLength <= maxInflatedBatchBytes else {
            throw .malformed("compressed batch: raw length \(rawLength) is not within 1...\(maxInflatedBatchBytes)")
        }
        let raw: [UInt8]
        do { raw = try Deflate.inflate(compressed.deflate, maxOutputBytes: rawLength) } catch {
            throw .malformed("compressed batch of raw length \(rawLength): \(error)")
        }
        guard raw.count == rawLength else {
            throw .malformed("compressed batch: inflates to \(raw.count) bytes, not its raw length \(rawLength)")
        }
        let batch: WireOpBatch
        do { batch = try WireOpBatch(serializedBytes: raw) } catch { throw .malformed("compressed batch: \(error)") }
        return try ops(batch)
    }

    /// Bytes of `value` as a protobuf varint.
    private static func varintBytes(_ value: Int) -> Int {
        var bytes = 1, rest = value >> 7
        while rest > 0 { bytes += 1; rest >>= 7 }
        return bytes
    }
}
