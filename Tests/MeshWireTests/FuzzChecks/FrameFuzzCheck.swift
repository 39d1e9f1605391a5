import MeshWire

/// The frame decoder (`LengthPrefixedDecoder`) on arbitrary bytes, fed in arbitrary pieces.
///
/// Input: a mode byte (bit 0: 2- or 4-byte prefix), a 2-byte `maxLength`, a piece-size seed, then
/// the stream. Invariants: fed whole or in pieces, the decoder returns the same records or the
/// same error as a plain reference parser of the whole stream; it never buffers more than one
/// record's worth past a refusal; every record re-encodes to the bytes it came from; once
/// failed, it stays failed.
package enum FrameFuzzCheck {
    package static func run(_ data: [UInt8]) throws(FuzzViolation) -> FuzzVerdict {
        var input = FuzzInput(data)
        let mode = input.byte()
        let prefix: LengthPrefixedDecoder.Prefix = mode & 1 == 0 ? .twoBytes : .fourBytes
        // 1 ... 65535: small limits make "too long" reachable, large ones real frames.
        let maxLength = 1 + input.length(max: 0xFFFE)
        let pieceSeed = Int(input.byte())
        let stream = input.rest()

        let expected = reference(stream, prefix: prefix, maxLength: maxLength)

        var decoder = LengthPrefixedDecoder(prefix: prefix, maxLength: maxLength)
        var records = [[UInt8]]()
        var failure: FramingError?
        var offset = 0, piece = 0
        feeding: while offset < stream.count {
            // Piece sizes cycle through 1 ... 1 + pieceSeed % 64: drip-fed and coalesced.
            let size = 1 + (pieceSeed == 0 ? stream.count : (piece * 7 + pieceSeed) % 64)
            piece += 1
            let end = min(stream.count, offset + size)
            decoder.feed(stream[offset..<end])
            offset = end
            do {
                while let record = try decoder.next() { records.append(record) }
            } catch {
                failure = error
                break feeding
            }
            try fuzzRequire(
                decoder.bufferedBytes <= prefix.rawValue + maxLength + size,
                "buffered \(decoder.bufferedBytes) bytes with maxLength \(maxLength) and a piece of \(size)")
        }

        try fuzzRequire(records == expected.records, "pieces gave \(records.count) records, the whole stream \(expected.records.count)")
        try fuzzRequire(failure == expected.failure, "pieces failed with \(String(describing: failure)), the reference with \(String(describing: expected.failure))")
        for record in records {
            try fuzzRequire(!record.isEmpty && record.count <= maxLength, "a record of \(record.count) bytes got through")
        }
        if let failure {
            // Failed for good: more bytes change nothing.
            decoder.feed([0, 1, 0x41])
            do {
                _ = try decoder.next()
                throw FuzzViolation("a failed decoder returned a record")
            } catch let again as FramingError {
                try fuzzRequire(again == failure, "a failed decoder changed its error to \(again)")
            } catch {
                throw FuzzViolation("unexpected error \(error)")
            }
            return .refused("\(failure)")
        }
        // What was returned re-encodes to exactly the stream consumed.
        let consumed = records.flatMap { LengthPrefixedDecoder.encode($0, prefix: prefix) }
        try fuzzRequire(
            consumed.count + decoder.bufferedBytes == stream.count && Array(stream.prefix(consumed.count)) == consumed,
            "records do not re-encode to the stream")
        return .accepted
    }

    /// The specification, as plainly as possible.
    static func reference(_ stream: [UInt8], prefix: LengthPrefixedDecoder.Prefix, maxLength: Int) -> (records: [[UInt8]], failure: FramingError?) {
        var records = [[UInt8]]()
        var offset = 0
        let width = prefix.rawValue
        while stream.count - offset >= width {
            var length = 0
            for byte in stream[offset..<offset + width] { length = length << 8 | Int(byte) }
            if length == 0 { return (records, .empty) }
            if length > maxLength { return (records, .tooLong(length: length, max: maxLength)) }
            guard stream.count - offset - width >= length else { break }
            records.append(Array(stream[offset + width..<offset + width + length]))
            offset += width + length
        }
        return (records, nil)
    }
}
