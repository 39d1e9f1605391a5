import CZlib
import Foundation

/// Raw deflate (RFC 1951: no zlib or gzip wrapper) through the system zlib, for compressed op
/// batches (PROTOCOL.md §3).
///
/// Inflating is bounded by the caller's limit: a stream that would inflate past it (a compression
/// bomb, or a declared length that lies) fails with `.outputTooLarge` as soon as one byte past the
/// limit comes out; the output never holds, nor reserves, more than the limit.
public enum Deflate {
    /// zlib's fastest level: on op batches it gets most of what the default level saves (repeated
    /// origins, field tags and words) in a fraction of the time.
    public static let defaultLevel = 1

    /// Bytes inflated per zlib call.
    static let chunkBytes = 64 << 10

    /// The raw deflate stream of `bytes` (at most 4 GiB), at `level`: 0 stores, 1 is fastest, 9
    /// smallest.
    public static func compress(_ bytes: some ContiguousBytes, level: Int = defaultLevel) -> [UInt8] {
        precondition((0...9).contains(level), "deflate level is 0 to 9")
        return bytes.withUnsafeBytes { input in
            precondition(input.count <= Int(UInt32.max), "zlib counts input in 32 bits")
            return withStream { stream in
                // Fails only without memory for zlib's state.
                guard ideamesh_deflate_init_raw(stream, Int32(level)) == Z_OK else { preconditionFailure("deflateInit2 failed") }
                defer { deflateEnd(stream) }
                let bound = Int(deflateBound(stream, uLong(input.count)))
                return [UInt8](unsafeUninitializedCapacity: bound) { output, count in
                    stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_in = uInt(input.count)
                    stream.pointee.next_out = output.baseAddress
                    stream.pointee.avail_out = uInt(bound)
                    // zlib guarantees that one Z_FINISH call into deflateBound bytes completes.
                    let status = deflate(stream, Z_FINISH)
                    precondition(status == Z_STREAM_END, "deflate into deflateBound bytes did not finish (\(status))")
                    count = bound - Int(stream.pointee.avail_out)
                }
            }
        }
    }

    /// The bytes the raw deflate stream `bytes` (at most 4 GiB) inflates to, if that is at most
    /// `maxOutputBytes`. The stream must end exactly where `bytes` does.
    public static func inflate(_ bytes: some ContiguousBytes, maxOutputBytes: Int) throws(DeflateError) -> [UInt8] {
        precondition(maxOutputBytes >= 0, "a limit is not negative")
        let result = bytes.withUnsafeBytes { input in
            precondition(input.count <= Int(UInt32.max), "zlib counts input in 32 bits")
            return withStream { stream in inflate(input, into: stream, limit: maxOutputBytes) }
        }
        return try result.get()
    }

    private static func inflate(_ input: UnsafeRawBufferPointer, into stream: UnsafeMutablePointer<z_stream>, limit: Int) -> Result<[UInt8], DeflateError> {
        let initialized = ideamesh_inflate_init_raw(stream)
        guard initialized == Z_OK else { return .failure(.zlib(status: initialized)) }
        defer { inflateEnd(stream) }
        stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(input.count)

        var output = [UInt8]()
        output.reserveCapacity(min(limit, chunkBytes))
        var chunk = [UInt8](repeating: 0, count: min(chunkBytes, limit + 1))
        while true {
            // Room for at most one byte past the limit: enough to tell that the stream goes on.
            let room = min(chunk.count, limit - output.count + 1)
            let (status, produced) = chunk.withUnsafeMutableBufferPointer { buffer in
                stream.pointee.next_out = buffer.baseAddress
                stream.pointee.avail_out = uInt(room)
                let status = CZlib.inflate(stream, Z_NO_FLUSH)
                return (status, room - Int(stream.pointee.avail_out))
            }
            guard produced <= limit - output.count else { return .failure(.outputTooLarge(limit: limit)) }
            if output.count + produced > output.capacity {
                // Grow by doubling, but never reserve past the limit.
                output.reserveCapacity(min(limit, max(output.capacity * 2, output.count + produced)))
            }
            output.append(contentsOf: chunk[..<produced])
            switch status {
            case Z_STREAM_END:
                let trailing = Int(stream.pointee.avail_in)
                return trailing == 0 ? .success(output) : .failure(.trailingBytes(count: trailing))
            case Z_OK:
                continue
            case Z_BUF_ERROR:
                // No progress with room to write: the input ran out before the final block.
                return .failure(.truncated)
            case Z_DATA_ERROR, Z_NEED_DICT:
                return .failure(.corrupt(stream.pointee.msg.map { String(cString: $0) } ?? "invalid deflate data"))
            default:
                return .failure(.zlib(status: status))
            }
        }
    }

    /// A zeroed `z_stream` at a fixed address for `body` (zlib's state points back to it, so it
    /// must not move while in use).
    private static func withStream<R>(_ body: (UnsafeMutablePointer<z_stream>) -> R) -> R {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        return body(stream)
    }
}
