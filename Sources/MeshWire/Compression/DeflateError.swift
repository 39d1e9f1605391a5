/// Why a deflate stream could not be inflated. Nothing is returned from a failed inflate.
public enum DeflateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The stream inflates to more than `limit` bytes: a compression bomb, or a length that lies.
    case outputTooLarge(limit: Int)
    /// Not a valid raw deflate stream; zlib's reason.
    case corrupt(String)
    /// The input ends before the stream's final block does.
    case truncated
    /// `count` bytes follow the end of the stream.
    case trailingBytes(count: Int)
    /// zlib failed for a reason of its own (such as no memory for its state), with its status code.
    case zlib(status: Int32)

    public var description: String {
        switch self {
        case .outputTooLarge(let limit): "deflate stream inflates to more than \(limit) bytes"
        case .corrupt(let reason): "corrupt deflate stream: \(reason)"
        case .truncated: "deflate stream is truncated"
        case .trailingBytes(let count): "\(count) bytes follow the end of the deflate stream"
        case .zlib(let status): "zlib failed with status \(status)"
        }
    }
}
