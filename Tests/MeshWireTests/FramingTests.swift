import MeshCRDT
import MeshWire
import Testing

/// Framing, checked the way swift-nio's ByteToMessageDecoderVerifier does: the same records must
/// come out whether the bytes arrive one at a time, all at once, or in any chunking.
struct FramingTests {
    static func records(_ rng: inout SplitMix64, count: Int, maxLength: Int) -> [[UInt8]] {
        (0..<count).map { _ in (0..<(1 + rng.below(maxLength))).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
    }

    static func stream(_ records: [[UInt8]], _ prefix: LengthPrefixedDecoder.Prefix) -> [UInt8] {
        records.flatMap { LengthPrefixedDecoder.encode($0, prefix: prefix) }
    }

    @Test(arguments: [LengthPrefixedDecoder.Prefix.twoBytes, .fourBytes])
    func dripFedOneByteAtATime(prefix: LengthPrefixedDecoder.Prefix) throws {
        var rng = SplitMix64(seed: 1)
        let records = Self.records(&rng, count: 50, maxLength: 300)
        var decoder = LengthPrefixedDecoder(prefix: prefix, maxLength: 300)
        var out = [[UInt8]]()
        for byte in Self.stream(records, prefix) {
            decoder.feed([byte])
            out += try decoder.drain()
        }
        #expect(out == records)
        #expect(decoder.bufferedBytes == 0)
    }

    @Test func coalescedIntoOneChunk() throws {
        var rng = SplitMix64(seed: 2)
        let records = Self.records(&rng, count: 200, maxLength: 1000)
        var decoder = LengthPrefixedDecoder(prefix: .fourBytes, maxLength: 1000)
        decoder.feed(Self.stream(records, .fourBytes))
        #expect(try decoder.drain() == records)
    }

    @Test func anyChunkingGivesTheSameRecords() throws {
        for seed in 0..<50 as Range<UInt64> {
            var rng = SplitMix64(seed: seed)
            let records = Self.records(&rng, count: 1 + rng.below(40), maxLength: 70_000 / 40)
            let bytes = Self.stream(records, .twoBytes)
            var decoder = LengthPrefixedDecoder(prefix: .twoBytes, maxLength: 0xFFFF)
            var out = [[UInt8]]()
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + 1 + rng.below(500))
                decoder.feed(bytes[offset..<end])
                out += try decoder.drain()
                offset = end
            }
            #expect(out == records, "seed \(seed)")
        }
    }

    @Test func anOversizedLengthIsRefusedBeforeItsBytesArrive() throws {
        var decoder = LengthPrefixedDecoder(prefix: .fourBytes, maxLength: 4 << 20)
        decoder.feed([0x7F, 0xFF, 0xFF, 0xFF])  // announces ~2 GiB; nothing else sent
        #expect(throws: FramingError.tooLong(length: 0x7FFF_FFFF, max: 4 << 20)) { try decoder.next() }
        #expect(decoder.bufferedBytes == 0)
        // Once refused, the stream stays refused: it cannot be resynchronised.
        decoder.feed(LengthPrefixedDecoder.encode([1], prefix: .fourBytes))
        #expect(throws: FramingError.self) { try decoder.next() }
    }

    @Test func aZeroLengthRecordIsRefused() {
        var decoder = LengthPrefixedDecoder(prefix: .twoBytes, maxLength: 100)
        decoder.feed([0, 0, 1, 2])
        #expect(throws: FramingError.empty) { try decoder.next() }
    }

    @Test func garbageNeverCrashesAndNeverBuffersPastTheLimit() {
        for seed in 0..<200 as Range<UInt64> {
            var rng = SplitMix64(seed: seed)
            var decoder = LengthPrefixedDecoder(prefix: .twoBytes, maxLength: 1024)
            for _ in 0..<20 {
                decoder.feed((0..<rng.below(600)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
                do { _ = try decoder.drain() } catch { break }
                // What stays buffered is at most one incomplete record plus its prefix.
                #expect(decoder.bufferedBytes <= 1024 + 2)
            }
        }
    }
}
