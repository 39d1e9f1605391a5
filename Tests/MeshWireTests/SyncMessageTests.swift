import Foundation
import MeshCRDT
import MeshModel
import MeshWire
import Testing

/// Messages through their real encoding: compressed batches, Hello's listen port, full and digest
/// Haves, peer exchange.
struct SyncMessageTests {
    /// A chain of `count` signed ops of one origin, of every body kind in turn (as a department writes).
    static func realisticOps(count: Int) -> [SignedOp] {
        let identity = NodeIdentity()
        let bodies = OpCodecTests.bodies(origin: identity.nodeID)
        var prev = Data(), ops = [SignedOp]()
        for index in 0..<count {
            let body: OpBody = index % 3 == 0
                ? .ideaCreate(IdeaContent(title: "Idea \(index) from the renal ward", problem: "Patients wait for dialysis slots",
                                          solution: "Book the slot when the referral arrives", theme: "flow"))
                : bodies[index % bodies.count]
            let op = SignedOp.make(
                identity: identity, seq: UInt64(index + 1), prev: prev, hlc: HLC(millis: 1_750_000_000_000 + UInt64(index) * 37, counter: 0),
                author: ["ann", "bob", "cat"][index % 3], body: body)
            prev = op.hash
            ops.append(op)
        }
        return ops
    }

    static func envelope(_ bytes: [UInt8]) throws -> WireEnvelope.OneOf_Message? {
        try WireEnvelope(serializedBytes: bytes).message
    }

    static func isCompressed(_ bytes: [UInt8]) throws -> Bool {
        if case .compressedBatch = try envelope(bytes) { return true }
        return false
    }

    /// Why `bytes` fail to decode, or nil when they decode.
    static func refusal(_ bytes: [UInt8]) -> String? {
        do {
            _ = try SyncMessage.decode(bytes)
            return nil
        } catch {
            if case .malformed(let reason) = error { return reason }
            return "\(error)"
        }
    }

    static func encode(_ message: WireEnvelope.OneOf_Message) throws -> [UInt8] {
        var envelope = WireEnvelope()
        envelope.message = message
        return try envelope.serializedBytes()
    }

    static func compressedEnvelope(rawLength: UInt32, deflate: [UInt8]) throws -> [UInt8] {
        var compressed = WireCompressedBatch()
        compressed.rawLength = rawLength
        compressed.deflate = Data(deflate)
        return try encode(.compressedBatch(compressed))
    }

    /// The serialized OpBatch of `ops`, as a compressed batch carries it.
    static func rawBatch(_ ops: [SignedOp]) throws -> [UInt8] {
        var batch = WireOpBatch()
        batch.ops = ops.map(\.wire)
        return try batch.serializedBytes()
    }

    // MARK: Compressed batches

    @Test func aRealisticBatchTravelsCompressedAndSmaller() throws {
        let ops = Self.realisticOps(count: 256)
        let message = SyncMessage.batch(ops)
        let compressed = message.encode(), plain = message.encode(compressing: false)
        #expect(try Self.isCompressed(compressed))
        #expect(try !Self.isCompressed(plain))
        // Signatures and prev hashes do not compress; the rest (origins, tags, words) does.
        #expect(Double(compressed.count) < 0.8 * Double(plain.count), "\(compressed.count) vs \(plain.count)")
        #expect(try SyncMessage.decode(compressed) == message)
        #expect(try SyncMessage.decode(plain) == message)
    }

    @Test func aTinyBatchTravelsUncompressed() throws {
        let identity = NodeIdentity()
        let ops = [SignedOp.make(identity: identity, seq: 1, prev: Data(), hlc: .zero, author: "ann", body: .support(idea: OpID(origin: identity.nodeID, seq: 1)))]
        #expect(try Self.rawBatch(ops).count < SyncMessage.compressionThresholdBytes)
        let bytes = SyncMessage.batch(ops).encode()
        #expect(try !Self.isCompressed(bytes))
        #expect(try SyncMessage.decode(bytes) == .batch(ops))
    }

    @Test func anIncompressibleBatchTravelsUncompressed() throws {
        // One op of random bytes. (Many ops of random bytes still compress a little: deflate
        // finds the repeated protobuf tags and lengths.)
        var rng = SplitMix64(seed: 11)
        let ops = [SignedOp(bytes: Data((0..<1000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }), signature: Data((0..<64).map { _ in UInt8(truncatingIfNeeded: rng.next()) }))]
        #expect(try Self.rawBatch(ops).count >= SyncMessage.compressionThresholdBytes)
        let bytes = SyncMessage.batch(ops).encode()
        #expect(try !Self.isCompressed(bytes))
        #expect(bytes == SyncMessage.batch(ops).encode(compressing: false))
        #expect(try SyncMessage.decode(bytes) == .batch(ops))
    }

    @Test func aBatchJustOverTheThresholdIsCompressedWhenThatSaves() throws {
        // One op of repetitive text: over 256 bytes serialized, and shrinks.
        let identity = NodeIdentity()
        let op = SignedOp.make(identity: identity, seq: 1, prev: Data(), hlc: .zero, author: "ann",
                               body: .commentAdd(idea: OpID(origin: identity.nodeID, seq: 1), text: String(repeating: "again ", count: 60)))
        #expect(try Self.rawBatch([op]).count >= SyncMessage.compressionThresholdBytes)
        let bytes = SyncMessage.batch([op]).encode()
        #expect(try Self.isCompressed(bytes))
        #expect(bytes.count < SyncMessage.batch([op]).encode(compressing: false).count)
        #expect(try SyncMessage.decode(bytes) == .batch([op]))
    }

    @Test func malformedCompressedBatchesAreRefused() throws {
        let raw = try Self.rawBatch(Self.realisticOps(count: 10))
        let deflated = Deflate.compress(raw)
        let valid = try Self.compressedEnvelope(rawLength: UInt32(raw.count), deflate: deflated)
        #expect(Self.refusal(valid) == nil)

        #expect(Self.refusal(try Self.compressedEnvelope(rawLength: 0, deflate: deflated))?.contains("raw length 0 is not within") == true)
        // Over the limit: refused before inflating (this stream would inflate fine).
        let big = UInt32(SyncMessage.maxInflatedBatchBytes + 1)
        let overLimit = try Self.compressedEnvelope(rawLength: big, deflate: Deflate.compress([UInt8](repeating: 0, count: Int(big))))
        #expect(Self.refusal(overLimit)?.contains("raw length \(big) is not within") == true)
        #expect(Self.refusal(try Self.compressedEnvelope(rawLength: .max, deflate: deflated))?.contains("is not within") == true)
        // Declared length longer, then shorter, than what the stream inflates to.
        let longer = try Self.compressedEnvelope(rawLength: UInt32(raw.count + 1), deflate: deflated)
        #expect(Self.refusal(longer)?.contains("inflates to \(raw.count) bytes, not its raw length \(raw.count + 1)") == true)
        let shorter = try Self.compressedEnvelope(rawLength: UInt32(raw.count - 1), deflate: deflated)
        #expect(Self.refusal(shorter)?.contains("inflates to more than \(raw.count - 1) bytes") == true)
        // Not deflate at all; deflate of something that is not an OpBatch; an OpBatch with no ops.
        let garbage = try Self.compressedEnvelope(rawLength: UInt32(raw.count), deflate: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(Self.refusal(garbage)?.contains("corrupt deflate stream") == true)
        let notABatch = [UInt8](repeating: 0xFF, count: 300)
        let wrongContent = try Self.compressedEnvelope(rawLength: 300, deflate: Deflate.compress(notABatch))
        #expect(Self.refusal(wrongContent)?.hasPrefix("compressed batch: ") == true)
        let unknownFieldOnly: [UInt8] = [0x10, 0x01]  // field 2, varint 1: decodes to an OpBatch without ops
        let empty = try Self.compressedEnvelope(rawLength: 2, deflate: Deflate.compress(unknownFieldOnly))
        #expect(Self.refusal(empty) == "empty batch")
    }

    // MARK: Hello

    @Test(arguments: [0, 1, 7400, 65535] as [UInt16])
    func helloCarriesTheListenPort(port: UInt16) throws {
        var vector = VersionVector()
        vector[NodeIdentity().nodeID] = OriginHead(seq: 12, hash: [UInt8](repeating: 3, count: 32))
        let hello = SyncMessage.hello(version: 1, department: "Renal", listenPort: port, vector: vector)
        let bytes = hello.encode()
        guard case .hello(let wire) = try Self.envelope(bytes) else { Issue.record("not a Hello"); return }
        #expect(wire.listenPort == UInt32(port))
        #expect(try SyncMessage.decode(bytes) == hello)
    }

    @Test func aListenPortOver65535IsRefused() throws {
        var hello = WireHello()
        hello.protocolVersion = 1
        hello.listenPort = 65_536
        #expect(Self.refusal(try Self.encode(.hello(hello))) == "listen port 65536 exceeds 65535")
        hello.listenPort = 65_535
        #expect(Self.refusal(try Self.encode(.hello(hello))) == nil)
    }

    @Test func aHelloDepartmentOver320BytesIsRefused() throws {
        var hello = WireHello()
        hello.protocolVersion = 1
        hello.department = String(repeating: "a", count: 321)
        #expect(Self.refusal(try Self.encode(.hello(hello))) == "Hello department of 321 bytes exceeds 320")
        hello.department = String(repeating: "a", count: 320)
        #expect(Self.refusal(try Self.encode(.hello(hello))) == nil)
    }

    // MARK: Have: full and digest

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func randomVector(origins: Int, seed: UInt64, hashes: Bool = false) -> VersionVector {
        var rng = SplitMix64(seed: seed), vector = VersionVector()
        for _ in 0..<origins {
            let origin = NodeID(bytes: (0..<32).map { _ in UInt8(truncatingIfNeeded: rng.next()) })!
            vector[origin] = OriginHead(seq: 1 + UInt64(rng.below(5_000_000)), hash: hashes ? (0..<32).map { _ in UInt8(truncatingIfNeeded: rng.next()) } : [])
        }
        return vector
    }

    static func wireHave(heads: VersionVector = VersionVector(), digest: [UInt8] = [], wantFull: Bool = false) throws -> [UInt8] {
        var have = WireHave()
        have.heads = heads.origins.map { origin in
            var head = WireOriginHead()
            head.origin = Data(origin.bytes)
            head.seq = heads[origin].seq
            return head
        }
        have.vectorDigest = Data(digest)
        have.wantFull = wantFull
        return try encode(.have(have))
    }

    /// Known answers, computed independently (Python's hashlib over the bytes PROTOCOL.md §4 spells out).
    @Test func theVectorDigestIsSHA256OfTheCanonicalEncoding() throws {
        #expect(Self.hex(SyncMessage.vectorDigest(VersionVector())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SyncMessage.vectorDigestInput(VersionVector()).isEmpty)

        let a = NodeID(bytes: [UInt8](repeating: 1, count: 32))!, b = NodeID(bytes: Array(0..<32) as [UInt8])!
        var one = VersionVector()
        one[a] = OriginHead(seq: 300, hash: [])
        #expect(SyncMessage.vectorDigestInput(one) == [UInt8](repeating: 1, count: 32) + [0, 0, 0, 0, 0, 0, 0x01, 0x2C])
        #expect(Self.hex(SyncMessage.vectorDigest(one)) == "cd49d184d092a928ee79a2a38acf835ef20ef4b8cf9fc8c661bfbbcac0152916")

        // Sorted by origin bytes: b (00 01 02 …) before a (01 01 01 …), whatever the insertion order.
        var two = VersionVector()
        two[a] = OriginHead(seq: 1, hash: [])
        two[b] = OriginHead(seq: 0x0102_0304_0506_0708, hash: [])
        #expect(SyncMessage.vectorDigestInput(two) == Array(0..<32) + [1, 2, 3, 4, 5, 6, 7, 8] + [UInt8](repeating: 1, count: 32) + [0, 0, 0, 0, 0, 0, 0, 1])
        #expect(Self.hex(SyncMessage.vectorDigest(two)) == "79e454b08cd835293514386c6b5c65d93ffe71fdc55ad8022677d02e1633797b")
    }

    @Test func theVectorDigestDependsOnSeqsOnlyNotOnOrderOrHeadHashes() throws {
        let withHashes = Self.randomVector(origins: 200, seed: 21, hashes: true)
        let digest = SyncMessage.vectorDigest(withHashes)
        #expect(digest.count == SyncMessage.vectorDigestBytes)
        // The same pairs inserted in other orders, and without head hashes (as `peer` holds them).
        var rng = SplitMix64(seed: 4)
        for _ in 0..<5 {
            var shuffled = VersionVector()
            for origin in withHashes.origins.shuffled(using: &rng) { shuffled[origin] = OriginHead(seq: withHashes[origin].seq, hash: []) }
            #expect(SyncMessage.vectorDigest(shuffled) == digest)
        }
        // One seq more, one origin less, one origin more: another digest.
        let first = withHashes.origins[0]
        var bumped = withHashes
        bumped[first] = OriginHead(seq: withHashes[first].seq + 1, hash: [])
        var fewer = withHashes
        fewer[first] = .empty
        var more = withHashes
        more[NodeID(bytes: [UInt8](repeating: 0xEE, count: 32))!] = OriginHead(seq: 1, hash: [])
        let others = [bumped, fewer, more].map(SyncMessage.vectorDigest)
        #expect(Set(others + [digest]).count == 4)
    }

    @Test(arguments: [0, 1, 20, 500])
    func aDigestHaveIsTheSameSizeWhateverTheOrigins(origins: Int) throws {
        let vector = Self.randomVector(origins: origins, seed: UInt64(origins))
        let message = SyncMessage.haveDigest(SyncMessage.vectorDigest(vector))
        let bytes = message.encode()
        // Envelope tag and length, Have's field 2 tag and length, 32 bytes.
        #expect(bytes.count == 36)
        #expect(try SyncMessage.decode(bytes) == message)
        guard case .have(let wire) = try Self.envelope(bytes) else { Issue.record("not a Have"); return }
        #expect(wire.heads.isEmpty && !wire.wantFull && wire.vectorDigest.count == 32)
    }

    @Test func aFullHaveCarriesSeqsAndTheRequestForAFullHaveBack() throws {
        let vector = Self.randomVector(origins: 20, seed: 5, hashes: true)
        let seqsOnly = VersionVector(vector.heads.mapValues { OriginHead(seq: $0.seq, hash: []) })
        for wantFull in [false, true] {
            let bytes = SyncMessage.have(vector, wantFull: wantFull).encode()
            guard case .have(let wire) = try Self.envelope(bytes) else { Issue.record("not a Have"); return }
            #expect(wire.heads.count == 20 && wire.heads.allSatisfy { $0.head.isEmpty } && wire.vectorDigest.isEmpty)
            #expect(wire.wantFull == wantFull)
            #expect(try SyncMessage.decode(bytes) == .have(seqsOnly, wantFull: wantFull))
        }
        // The empty vector's full Have: no heads, no digest.
        #expect(try SyncMessage.decode(SyncMessage.have(VersionVector()).encode()) == .have(VersionVector()))
        #expect(SyncMessage.have(vector).encode().count > 20 * 40)
    }

    @Test func malformedHavesAreRefused() throws {
        let vector = Self.randomVector(origins: 3, seed: 8)
        let digest = SyncMessage.vectorDigest(vector)
        #expect(Self.refusal(try Self.wireHave(digest: digest)) == nil)
        #expect(Self.refusal(try Self.wireHave(heads: vector, wantFull: true)) == nil)
        #expect(Self.refusal(try Self.wireHave(digest: Array(digest.prefix(31)))) == "vector digest of 31 bytes, not 32")
        #expect(Self.refusal(try Self.wireHave(digest: digest + [0])) == "vector digest of 33 bytes, not 32")
        #expect(Self.refusal(try Self.wireHave(digest: [7])) == "vector digest of 1 bytes, not 32")
        #expect(Self.refusal(try Self.wireHave(heads: vector, digest: digest)) == "Have carries both heads and a vector digest")
        #expect(Self.refusal(try Self.wireHave(digest: digest, wantFull: true)) == "digest Have asks for a full Have")
    }

    // MARK: Peers

    static func peer(_ address: String, seed: UInt8 = 1) -> PeerInfo {
        PeerInfo(nodeID: NodeID(bytes: [UInt8](repeating: seed, count: 32))!, address: address)
    }

    static func wirePeers(_ peers: [(nodeID: [UInt8], address: String)]) throws -> [UInt8] {
        var wire = WirePeers()
        wire.peers = peers.map { peer in
            var info = WirePeerInfo()
            info.nodeID = Data(peer.nodeID)
            info.address = peer.address
            return info
        }
        return try encode(.peers(wire))
    }

    @Test func peersRoundTrip() throws {
        let list = [
            Self.peer("cardio.example.org:7400", seed: 1), Self.peer("[fd00::7]:7400", seed: 2), Self.peer("10.0.0.9:7401", seed: 3),
            Self.peer(String(repeating: "é", count: 150), seed: 4),  // 300 UTF-8 bytes: the longest allowed
        ]
        #expect(list.allSatisfy { $0.isValid })
        for message in [SyncMessage.peers(list), .peers([])] {
            #expect(try SyncMessage.decode(message.encode()) == message)
        }
        let thousand = (0..<SyncMessage.maxPeers).map { Self.peer("h\($0):1", seed: UInt8(truncatingIfNeeded: $0)) }
        #expect(try SyncMessage.decode(SyncMessage.peers(thousand).encode()) == .peers(thousand))
    }

    @Test func invalidPeersAreRefused() throws {
        let id = [UInt8](repeating: 1, count: 32)
        #expect(Self.refusal(try Self.wirePeers([(id, "a:1"), (Array(id.prefix(31)), "b:1")])) == "peer: node id is not 32 bytes")
        #expect(Self.refusal(try Self.wirePeers([([], "b:1")])) == "peer: node id is not 32 bytes")
        #expect(Self.refusal(try Self.wirePeers([(id, "")]))?.hasSuffix("empty address") == true)
        #expect(Self.refusal(try Self.wirePeers([(id, String(repeating: "a", count: 301))]))?.hasSuffix("address of 301 bytes exceeds 300") == true)
        // Bytes, not characters: 151 two-byte characters are 302 bytes.
        #expect(Self.refusal(try Self.wirePeers([(id, String(repeating: "é", count: 151))]))?.hasSuffix("address of 302 bytes exceeds 300") == true)
        #expect(!Self.peer("").isValid && !Self.peer(String(repeating: "a", count: 301)).isValid)
        let tooMany = try Self.wirePeers(Array(repeating: (id, "a:1"), count: SyncMessage.maxPeers + 1))
        #expect(Self.refusal(tooMany) == "1001 peers exceed 1000")
    }

    @Test func peersCarryTheirDepartmentUpToItsLimit() throws {
        let node = NodeID(bytes: [UInt8](repeating: 9, count: 32))!
        let named = [
            PeerInfo(nodeID: node, address: "renal:7400", department: "Renal Ward"),
            PeerInfo(nodeID: node, address: "icu:7400", department: String(repeating: "病", count: 106)),  // 318 bytes
            PeerInfo(nodeID: node, address: "ed:7400"),  // not known to the sender
        ]
        #expect(named.allSatisfy { $0.isValid })
        #expect(try SyncMessage.decode(SyncMessage.peers(named).encode()) == .peers(named))

        var wire = WirePeers()
        var info = WirePeerInfo()
        info.nodeID = Data(node.bytes)
        info.address = "a:1"
        info.department = String(repeating: "é", count: 161)  // 322 bytes
        wire.peers = [info]
        #expect(Self.refusal(try Self.encode(.peers(wire)))?.hasSuffix("department of 322 bytes exceeds 320") == true)
        #expect(!PeerInfo(nodeID: node, address: "a:1", department: info.department).isValid)
    }
}
