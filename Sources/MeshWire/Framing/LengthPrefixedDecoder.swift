/// Why a byte stream is not a valid sequence of length-prefixed records. Either way the stream
/// cannot be resynchronised: the connection must be closed.
public enum FramingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A record announced as longer than allowed.
    case tooLong(length: Int, max: Int)
    /// A zero-length record (never sent by a conforming peer).
    case empty

    public var description: String {
        switch self {
        case .tooLong(let length, let max): "record of \(length) bytes exceeds the maximum of \(max)"
        case .empty: "empty record"
        }
    }
}

/// Splits a byte stream into records, each sent as a big-endian length followed by that many
/// bytes. Used twice (see Protocol/PROTOCOL.md): for frames on the TCP stream (2-byte length, at
/// most 65535 bytes: one Noise message) and for messages in the decrypted stream (4-byte length).
///
/// Pure and incremental: bytes may arrive one at a time or many records at once. A length over
/// `maxLength` is refused before its bytes are buffered, so a peer cannot make it allocate more
/// than `maxLength` plus one read. `bufferedBytes` is what the connection uses for backpressure.
public struct LengthPrefixedDecoder: Sendable {
    public enum Prefix: Int, Sendable {
        case twoBytes = 2
        case fourBytes = 4

        public var maxRepresentable: Int { self == .twoBytes ? 0xFFFF : Int(UInt32.max) }
    }

    public let prefix: Prefix
    public let maxLength: Int
    private var buffer: [UInt8] = []
    /// Where the unread bytes start in `buffer` (compacted lazily, so reads stay linear).
    private var start = 0
    /// Set once the stream was refused; every later call fails the same way.
    private var failure: FramingError?

    public init(prefix: Prefix, maxLength: Int) {
        precondition(maxLength >= 1 && maxLength <= prefix.maxRepresentable, "maxLength out of range for the prefix")
        self.prefix = prefix
        self.maxLength = maxLength
    }

    /// Bytes received and not yet returned as records.
    public var bufferedBytes: Int { buffer.count - start }

    /// Appends received bytes.
    public mutating func feed(_ bytes: some Collection<UInt8>) {
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete record, or nil when more bytes are needed.
    public mutating func next() throws(FramingError) -> [UInt8]? {
        if let failure { throw failure }
        let width = prefix.rawValue
        guard bufferedBytes >= width else { return nil }
        var length = 0
        for i in 0..<width { length = length << 8 | Int(buffer[start + i]) }
        if length == 0 { return try fail(.empty) }
        if length > maxLength { return try fail(.tooLong(length: length, max: maxLength)) }
        guard bufferedBytes >= width + length else { return nil }
        let record = Array(buffer[(start + width)..<(start + width + length)])
        start += width + length
        return record
    }

    /// Every complete record now buffered.
    public mutating func drain() throws(FramingError) -> [[UInt8]] {
        var records = [[UInt8]]()
        while let record = try next() { records.append(record) }
        return records
    }

    private mutating func fail(_ error: FramingError) throws(FramingError) -> [UInt8]? {
        failure = error
        buffer = []
        start = 0
        throw error
    }

    /// `payload` with its length prefix, ready to send.
    public static func encode(_ payload: some Collection<UInt8>, prefix: Prefix) -> [UInt8] {
        precondition(!payload.isEmpty && payload.count <= prefix.maxRepresentable, "record length out of range")
        var out = [UInt8]()
        out.reserveCapacity(prefix.rawValue + payload.count)
        for shift in stride(from: (prefix.rawValue - 1) * 8, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: payload.count >> shift))
        }
        out.append(contentsOf: payload)
        return out
    }
}
