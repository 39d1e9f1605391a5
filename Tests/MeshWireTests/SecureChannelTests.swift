import Foundation
import MeshCRDT
import MeshWire
import Testing

/// Two channels wired back to back, as two daemons' connections would be.
struct SecureChannelTests {
    let networkKey = [UInt8](repeating: 0x5A, count: 32)
    let a = NodeIdentity(), b = NodeIdentity()

    func pair(trustA: Bool = true, trustB: Bool = true, keyB: [UInt8]? = nil) throws -> (SecureChannel, SecureChannel) {
        let (aID, bID) = (a.nodeID, b.nodeID)
        let initiator = try SecureChannel(role: .initiator, identity: a, networkKey: networkKey, department: "Renal", isTrusted: { trustA && $0 == bID })
        let responder = try SecureChannel(role: .responder, identity: b, networkKey: keyB ?? networkKey, department: "Cardio", isTrusted: { trustB && $0 == aID })
        return (initiator, responder)
    }

    /// Delivers `bytes` to `channel` in chunks of `chunk` bytes (nil: all at once).
    static func deliver(_ bytes: [UInt8], to channel: inout SecureChannel, chunk: Int?) throws(ChannelError) -> (output: [UInt8], events: [SecureChannel.Event]) {
        var output = [UInt8](), events = [SecureChannel.Event]()
        var offset = 0
        repeat {
            let end = chunk.map { min(bytes.count, offset + $0) } ?? bytes.count
            let result = try channel.receive(Array(bytes[offset..<end]))
            output += result.output
            events += result.events
            offset = end
        } while offset < bytes.count
        return (output, events)
    }

    /// Runs the handshake; returns the events each side saw.
    static func handshake(_ i: inout SecureChannel, _ r: inout SecureChannel, chunk: Int? = nil) throws(ChannelError) -> ([SecureChannel.Event], [SecureChannel.Event]) {
        let m1 = try i.start()
        let (m2, rEvents1) = try deliver(m1, to: &r, chunk: chunk)
        let (m3, iEvents) = try deliver(m2, to: &i, chunk: chunk)
        let (none, rEvents2) = try deliver(m3, to: &r, chunk: chunk)
        #expect(none.isEmpty && rEvents1.isEmpty)
        return (iEvents, rEvents2)
    }

    static func bigBatch(ops: Int) -> SyncMessage {
        var rng = SplitMix64(seed: 3)
        return .batch((0..<ops).map { _ in
            SignedOp(bytes: Data((0..<300).map { _ in UInt8(truncatingIfNeeded: rng.next()) }), signature: Data(repeating: 7, count: 64))
        })
    }

    @Test(arguments: [nil, 1, 7, 1000] as [Int?])
    func establishesAndCarriesMessagesInAnyChunking(chunk: Int?) throws {
        var (i, r) = try pair()
        let (iEvents, rEvents) = try Self.handshake(&i, &r, chunk: chunk)
        #expect(iEvents == [.established(peer: b.nodeID, department: "Cardio")])
        #expect(rEvents == [.established(peer: a.nodeID, department: "Renal")])
        #expect(i.isEstablished && r.isEstablished && i.peer == b.nodeID && r.peer == a.nodeID)

        // A batch of ~330 KB (uncompressed) spans several 64 KiB frames; a small message follows in
        // the same write.
        let big = Self.bigBatch(ops: 1000), hello = SyncMessage.hello(version: 1, department: "Renal", listenPort: 7400, vector: VersionVector())
        let wire = try i.send(big, compressing: false) + i.send(hello)
        #expect(wire.count > 5 * 65535)
        let (_, events) = try Self.deliver(wire, to: &r, chunk: chunk.map { $0 * 97 })
        #expect(events == [.message(big), .message(hello)])
        // And the other way.
        let (_, back) = try Self.deliver(try r.send(.have(VersionVector())), to: &i, chunk: chunk)
        #expect(back == [.message(.have(VersionVector()))])
    }

    @Test func batchesAreSentCompressedUnlessTurnedOff() throws {
        var (i, r) = try pair()
        _ = try Self.handshake(&i, &r)
        let batch = SyncMessage.batch(SyncMessageTests.realisticOps(count: 200))
        let compressed = try i.send(batch), plain = try i.send(batch, compressing: false)
        #expect(compressed.count < plain.count)
        let (_, events) = try Self.deliver(compressed + plain, to: &r, chunk: 1000)
        #expect(events == [.message(batch), .message(batch)])
    }

    @Test func aWrongNetworkKeyFailsOnTheFirstMessageAndLearnsNothing() throws {
        var (i, r) = try pair(keyB: [UInt8](repeating: 0x11, count: 32))
        let m1 = try i.start()
        #expect(throws: ChannelError.noise(.decryptionFailed)) { try r.receive(m1) }
        #expect(r.peer == nil && !r.isEstablished)
        // Once failed, the channel stays failed.
        #expect(throws: ChannelError.noise(.decryptionFailed)) { try r.receive([]) }
    }

    @Test func anUntrustedInitiatorIsRefusedByTheResponder() throws {
        var (i, r) = try pair(trustB: false)
        let (m2, _) = try r.receive(i.start())
        let (m3, events) = try i.receive(m2)
        #expect(events.count == 1)
        #expect(throws: ChannelError.untrusted(a.nodeID)) { try r.receive(m3) }
        #expect(!r.isEstablished)
    }

    @Test func anUntrustedResponderIsRefusedByTheInitiator() throws {
        var (i, r) = try pair(trustA: false)
        let (m2, _) = try r.receive(i.start())
        #expect(throws: ChannelError.untrusted(b.nodeID)) { try i.receive(m2) }
        #expect(!i.isEstablished)
    }

    @Test func aTamperedTransportFrameIsRefused() throws {
        var (i, r) = try pair()
        _ = try Self.handshake(&i, &r)
        var wire = try i.send(.goodbye(reason: "bye"))
        wire[wire.count - 1] ^= 0x01
        #expect(throws: ChannelError.noise(.decryptionFailed)) { try r.receive(wire) }
    }

    @Test func garbageAndBadFramesAreRefused() throws {
        var (_, r) = try pair()
        #expect(throws: ChannelError.framing(.empty)) { try r.receive([0, 0]) }
        var (_, r2) = try pair()
        var rng = SplitMix64(seed: 5)
        let garbage = LengthPrefixedDecoder.encode((0..<64).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, prefix: .twoBytes)
        #expect(throws: ChannelError.self) { try r2.receive(garbage) }
    }

    @Test func nothingIsSentBeforeTheHandshake() throws {
        var (i, _) = try pair()
        #expect(throws: ChannelError.notEstablished) { try i.send(.goodbye(reason: "x")) }
    }

    @Test func aReplayedFirstMessageIsRefused() throws {
        var (i, r) = try pair()
        let m1 = try i.start()
        _ = try r.receive(m1)
        #expect(throws: ChannelError.self) { try r.receive(m1) }  // read as message 3: does not decrypt
        #expect(!r.isEstablished)
    }
}

struct RedactionTests {
    @Test func channelsNeverPrintKeyMaterial() throws {
        let key = [UInt8](repeating: 0x5A, count: 32)
        var i = try SecureChannel(role: .initiator, identity: NodeIdentity(), networkKey: key, department: "A", isTrusted: { _ in true })
        _ = try i.start()
        for text in [String(describing: i), String(reflecting: i), "\(Mirror(reflecting: i).children.map { "\($0)" })"] {
            #expect(!text.contains("90, 90, 90"), "\(text)")  // the psk's bytes
            #expect(!text.lowercased().contains("chaining"))
        }
    }
}
