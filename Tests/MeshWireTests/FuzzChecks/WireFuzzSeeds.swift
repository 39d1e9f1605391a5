import Foundation
import MeshCRDT
import MeshModel
import MeshWire

extension FrameFuzzCheck {
    /// Seed inputs: records in both prefix widths, whole and drip-fed, and each refusal.
    package static func seeds() -> [FuzzSeed] {
        func input(fourBytes: Bool, maxLength: Int, piece: UInt8, _ stream: [UInt8]) -> [UInt8] {
            var script = FuzzScript()
            script.byte(fourBytes ? 1 : 0)
            script.length(maxLength - 1)
            script.byte(piece)
            script.raw(stream)
            return script.bytes
        }
        let two = LengthPrefixedDecoder.encode(Array("hello".utf8), prefix: .twoBytes)
            + LengthPrefixedDecoder.encode([UInt8](repeating: 0xAB, count: 300), prefix: .twoBytes)
        let four = LengthPrefixedDecoder.encode(Array("a message".utf8), prefix: .fourBytes)
            + LengthPrefixedDecoder.encode([1, 2, 3], prefix: .fourBytes)
        return [
            FuzzSeed("accept-two-byte-records", input(fourBytes: false, maxLength: 65_535, piece: 0, two)),
            FuzzSeed("accept-two-byte-records-drip-fed", input(fourBytes: false, maxLength: 65_535, piece: 1, two + [0x00])),
            FuzzSeed("accept-four-byte-records", input(fourBytes: true, maxLength: 65_535, piece: 3, four)),
            FuzzSeed("refuse-empty-record", input(fourBytes: false, maxLength: 65_535, piece: 0, two + [0x00, 0x00])),
            FuzzSeed("refuse-record-over-max", input(fourBytes: true, maxLength: 100, piece: 5, four + [0x00, 0x00, 0x01, 0x00] + [UInt8](repeating: 9, count: 40))),
        ]
    }
}

extension HandshakeFuzzCheck {
    /// Seed inputs: complete handshakes in both roles followed by real sync messages, and each
    /// way a handshake or a connection is refused.
    package static func seeds() -> [FuzzSeed] {
        let whole: UInt8 = 31 << 3
        let hello = SyncMessage.hello(version: 1, department: "Renal Ward", listenPort: 7400, vector: VersionVector()).encode()
        let origin = HandshakeFuzzCheck.peer
        let create = SignedOp.make(
            identity: origin, seq: 1, prev: Data(), hlc: HLC(millis: 1_750_000_000_000, counter: 0), author: "ann",
            body: .ideaCreate(IdeaContent(title: "Night falls", problem: "Patients fall at night", solution: "Hourly rounding", theme: "safety")))
        let support = SignedOp.make(
            identity: origin, seq: 2, prev: create.hash, hlc: HLC(millis: 1_750_000_000_001, counter: 0), author: "bob",
            body: .support(idea: OpID(origin: origin.nodeID, seq: 1)))
        let batch = SyncMessage.batch([create, support]).encode(compressing: false)
        let compressed = SyncMessage.batch(Array(repeating: [create, support], count: 1).flatMap { $0 }).encode(compressing: true)
        let have = SyncMessage.have(VersionVector(), wantFull: true).encode()
        let goodbye = SyncMessage.goodbye(reason: "leaving").encode()

        /// A responder's script up to the established channel: message 1 (empty payload), then
        /// message 3 with the peer's payload.
        func responder(_ mode: UInt8, message1: [UInt8] = [1, 0, 0], message3: [UInt8]? = nil) -> FuzzScript {
            var script = FuzzScript()
            script.byte(mode)
            script.raw(message1)
            if let message3 { script.raw(message3) } else {
                script.byte(0)
                script.chunk(Array("Peer".utf8))
                script.raw([0, 0])
            }
            return script
        }
        func envelope(_ script: inout FuzzScript, _ message: [UInt8]) {
            script.byte(0)
            script.chunk(message)
        }

        var seeds = [FuzzSeed]()
        var full = responder(whole)
        for message in [hello, batch, compressed, have, goodbye] { envelope(&full, message) }
        seeds.append(FuzzSeed("accept-responder-then-messages", full.bytes))

        var dripped = responder(0)
        for message in [hello, batch] { envelope(&dripped, message) }
        seeds.append(FuzzSeed("accept-responder-drip-fed", dripped.bytes))

        var initiator = FuzzScript()
        initiator.byte(whole | 1)
        initiator.byte(0)
        initiator.chunk(Array("Peer".utf8))
        initiator.raw([0, 0])
        for message in [hello, have] { envelope(&initiator, message) }
        seeds.append(FuzzSeed("accept-initiator-then-messages", initiator.bytes))

        // The stranger's payload takes no department from the input: selector, flip, cut.
        seeds.append(FuzzSeed("refuse-stranger-as-responder", responder(whole | 2, message3: [0, 0, 0]).bytes))
        var stranger = FuzzScript()
        stranger.raw([whole | 3, 0, 0, 0])
        seeds.append(FuzzSeed("refuse-stranger-as-initiator", stranger.bytes))
        seeds.append(FuzzSeed("refuse-tampered-message-1", responder(whole, message1: [1, 0x01, 5, 0]).bytes))
        seeds.append(FuzzSeed("refuse-message-1-cut-short", responder(whole, message1: [1, 0, 0x80 | 20]).bytes))
        seeds.append(FuzzSeed("refuse-payload-in-message-1", responder(whole, message1: [2, 0, 1, 0x41, 0, 0]).bytes))
        seeds.append(FuzzSeed("refuse-tampered-message-3", responder(whole, message3: [0, 0, 0, 0x40, 60, 0]).bytes))
        seeds.append(FuzzSeed("refuse-garbage-payload-in-message-3", responder(whole, message3: [2, 0, 3, 1, 2, 3, 0, 0]).bytes))

        var oversized = responder(whole)
        envelope(&oversized, hello)
        oversized.byte(1)
        oversized.chunk([0x00, 0x50, 0x00, 0x01])
        seeds.append(FuzzSeed("refuse-message-over-4-MiB", oversized.bytes))
        var zero = responder(whole)
        zero.byte(1)
        zero.chunk([0, 0, 0, 0])
        seeds.append(FuzzSeed("refuse-message-of-length-0", zero.bytes))
        var unencrypted = responder(whole)
        unencrypted.byte(2)
        unencrypted.chunk(LengthPrefixedDecoder.encode(Array(repeating: 7, count: 40), prefix: .twoBytes))
        seeds.append(FuzzSeed("refuse-unencrypted-frame", unencrypted.bytes))
        var first = responder(whole)
        envelope(&first, have)
        seeds.append(FuzzSeed("accept-have-before-hello-decodes", first.bytes))

        var raw = FuzzScript()
        raw.byte(4)
        raw.raw(Array("GET / HTTP/1.1\r\nHost: b\r\n\r\n".utf8))
        // An HTTP request reads as a frame of 0x4745 bytes: the channel waits for the rest.
        seeds.append(FuzzSeed("seed-raw-http", raw.bytes))
        var garbage = FuzzScript()
        garbage.byte(4)
        garbage.raw(LengthPrefixedDecoder.encode((0..<48).map { UInt8(truncatingIfNeeded: $0 &* 131) }, prefix: .twoBytes))
        seeds.append(FuzzSeed("refuse-raw-garbage-message-1", garbage.bytes))
        return seeds
    }
}

extension SyncFuzzCheck {
    /// Seed inputs: Hellos of old, current and future nodes (one sharing no version), then Haves,
    /// a digest Have, a batch, peers, an unknown kind, forks met and resolved, time passing.
    package static func seeds() -> [FuzzSeed] {
        func input(range: UInt8, held: UInt8, _ records: [(UInt8, [UInt8]?)]) -> [UInt8] {
            var script = FuzzScript()
            script.byte(range)
            script.byte(held)
            for (op, payload) in records {
                script.byte(op)
                if let payload { op % 6 == 0 ? script.chunk(payload) : script.raw(payload) }
            }
            return script.bytes
        }
        var vector = VersionVector()
        vector[origins[0]] = OriginHead(seq: 2, hash: [UInt8](repeating: 7, count: 32))
        let oldHello = SyncMessage.hello(version: 1, department: "Old Ward", listenPort: 7400, vector: vector).encode()
        let hello = SyncMessage.hello(version: 1, department: "Renal Ward", listenPort: 7400, vector: vector, maxVersion: 2).encode()
        let futureHello = SyncMessage.hello(version: 5, department: "Future Ward", listenPort: 0, vector: VersionVector(), maxVersion: 6, maxOpFormat: 2).encode()
        let have = SyncMessage.have(vector, wantFull: true).encode()
        let digest = SyncMessage.haveDigest(SyncMessage.vectorDigest(VersionVector())).encode()
        let unknown = SyncMessage.unknown(kind: 99).encode()
        let peers = SyncMessage.peers([PeerInfo(nodeID: origins[1], address: "10.0.0.2:7400", department: "Cardiology")]).encode()
        let session: [(UInt8, [UInt8]?)] = [
            (0, have), (4, [31]), (0, digest), (1, [0, 3]), (0, unknown), (0, peers), (2, [0]), (3, [1, 7]), (5, [1]), (11, [0]),
        ]
        return [
            FuzzSeed("accept-current-hello-then-a-session", input(range: 0x10, held: 0x3F, [(0, hello)] + session)),
            FuzzSeed("accept-old-hello-then-a-session", input(range: 0x10, held: 0x15, [(0, oldHello)] + session)),
            FuzzSeed("accept-hello-sharing-no-version", input(range: 0x10, held: 0x01, [(0, futureHello), (0, have)])),
            FuzzSeed("accept-unknown-kind-before-hello", input(range: 0x10, held: 0x00, [(0, unknown), (0, hello), (0, unknown)])),
            FuzzSeed("refuse-undecodable-envelope", input(range: 0x00, held: 0x00, [(0, [0x0A, 0xFF])])),
        ]
    }
}
