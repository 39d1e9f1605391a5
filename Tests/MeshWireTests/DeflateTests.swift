import Foundation
import MeshCRDT
import MeshWire
import Testing

struct DeflateTests {
    static func random(_ count: Int, seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    static let text = Array(String(repeating: """
        Patients on the renal ward fall at night on the way to the toilet. Hourly rounding between \
        22:00 and 06:00, with a call bell in reach and a night light, halved falls in four weeks.

        """, count: 200).utf8)

    @Test(arguments: [0, 1, 255, 65_536, 300_000])
    func randomBytesRoundTrip(count: Int) throws {
        let bytes = Self.random(count, seed: UInt64(count))
        let deflated = Deflate.compress(bytes)
        #expect(try Deflate.inflate(deflated, maxOutputBytes: count) == bytes)
        // Incompressible: stored blocks cost a few bytes each, no more.
        #expect(deflated.count <= count + count / 1000 + 16)
    }

    @Test(arguments: [0, 1, 6, 9])
    func textRoundTripsAndShrinks(level: Int) throws {
        let deflated = Deflate.compress(Self.text, level: level)
        #expect(try Deflate.inflate(deflated, maxOutputBytes: Self.text.count) == Self.text)
        if level > 0 { #expect(deflated.count * 10 < Self.text.count) }
    }

    @Test func dataInputRoundTrips() throws {
        let deflated = Deflate.compress(Data(Self.text))
        #expect(try Deflate.inflate(Data(deflated), maxOutputBytes: 1 << 20) == Self.text)
    }

    @Test func aBombFailsAtTheLimit() throws {
        let bomb = Deflate.compress([UInt8](repeating: 0, count: 10_000_000))
        #expect(bomb.count < 50_000)
        #expect(throws: DeflateError.outputTooLarge(limit: 4 << 20)) { try Deflate.inflate(bomb, maxOutputBytes: 4 << 20) }
    }

    @Test func theLimitIsExact() throws {
        let zeros = [UInt8](repeating: 0, count: 4 << 20)
        let deflated = Deflate.compress(zeros)
        #expect(try Deflate.inflate(deflated, maxOutputBytes: 4 << 20) == zeros)
        #expect(throws: DeflateError.outputTooLarge(limit: (4 << 20) - 1)) { try Deflate.inflate(deflated, maxOutputBytes: (4 << 20) - 1) }
        #expect(throws: DeflateError.outputTooLarge(limit: 0)) { try Deflate.inflate(Deflate.compress([1]), maxOutputBytes: 0) }
        #expect(try Deflate.inflate(Deflate.compress([UInt8]()), maxOutputBytes: 0) == [])
    }

    @Test func garbageIsRefused() throws {
        // BFINAL=1 with block type 3, which does not exist.
        #expect(throws: DeflateError.corrupt("invalid block type")) { try Deflate.inflate([0xFF, 0xFF, 0xFF, 0xFF], maxOutputBytes: 1000) }
        // A stored block whose length and its complement disagree.
        #expect(throws: DeflateError.corrupt("invalid stored block lengths")) { try Deflate.inflate([0x01, 0x05, 0x00, 0x00, 0x00], maxOutputBytes: 1000) }
        // Random bytes: refused somehow, never accepted.
        for seed in 0..<50 as Range<UInt64> {
            #expect(throws: DeflateError.self) { try Deflate.inflate(Self.random(200, seed: seed), maxOutputBytes: 1 << 20) }
        }
        #expect(throws: DeflateError.truncated) { try Deflate.inflate([], maxOutputBytes: 1000) }
    }

    @Test func aTruncatedStreamOrTrailingBytesAreRefused() throws {
        let deflated = Deflate.compress(Self.text)
        #expect(throws: DeflateError.truncated) { try Deflate.inflate(Array(deflated.dropLast(3)), maxOutputBytes: 1 << 20) }
        #expect(throws: DeflateError.trailingBytes(count: 2)) { try Deflate.inflate(deflated + [0, 0], maxOutputBytes: 1 << 20) }
    }
}
