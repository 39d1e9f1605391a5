import Crypto
import MeshCRDT
import MeshWire

/// The handshake state machine (`SecureChannel` over `NoiseHandshake`) against a scripted peer.
///
/// Random bytes almost never get past the first Noise message (it is authenticated with the
/// network key), so the input does not stand in for the wire: it steers a real peer, a raw
/// `NoiseHandshake` with the same network key, that chooses each handshake payload (valid, empty,
/// a stranger's, or arbitrary bytes), may tamper with each message (flip a byte, cut it short),
/// delivers it in pieces, and once past the handshake sends arbitrary transport frames
/// (envelopes, raw plaintext streams, unencrypted garbage). Input layout: a mode byte (bit 0: the
/// tested side is the initiator; bit 1: the peer signs as an untrusted node; bit 2: the rest of
/// the input is raw bytes on the tested responder's socket; bits 3–7: the delivery piece size),
/// then one step per message.
///
/// Invariants: a tampered handshake message is refused; the channel is established only with
/// the trusted peer, never with the stranger, and once; the tested side's own handshake messages
/// are readable by an honest peer and bind its identity; every message delivered decodes and
/// re-encodes to itself.
package enum HandshakeFuzzCheck {
    static let networkKey = [UInt8](repeating: 0x5A, count: 32)
    static let tested = fixedIdentity(1)
    static let peer = fixedIdentity(2)
    static let stranger = fixedIdentity(3)
    static let testedStatic = fixedStaticKey(4)
    static let peerStatic = fixedStaticKey(5)
    static let peerEphemeral = fixedStaticKey(6)

    /// At most this many transport steps per input, so that no input runs long.
    static let maxTransportSteps = 64

    package static func run(_ data: [UInt8]) throws(FuzzViolation) -> FuzzVerdict {
        var input = FuzzInput(data)
        let mode = input.byte()
        let testedRole: NoiseHandshake.Role = mode & 1 == 0 ? .responder : .initiator
        let peerIsStranger = mode & 2 != 0
        let piece = (mode >> 3) == 31 ? Int.max : 1 + Int(mode >> 3) * 3
        var channel: SecureChannel
        do {
            channel = try SecureChannel(
                role: testedRole, identity: tested, networkKey: networkKey, department: "Tested",
                staticKey: testedStatic, isTrusted: { $0 == peer.nodeID })
        } catch {
            throw FuzzViolation("cannot make the tested channel: \(error)")
        }
        var establishedWith: NodeID?

        /// Delivers `bytes` in pieces; the peer's decoder gets what the tested side answers.
        func deliver(_ bytes: [UInt8], to toPeer: inout LengthPrefixedDecoder) throws(FuzzViolation) -> String? {
            var offset = 0
            while offset < bytes.count {
                let end = piece >= bytes.count - offset ? bytes.count : offset + piece
                let output: [UInt8], events: [SecureChannel.Event]
                do { (output, events) = try channel.receive(Array(bytes[offset..<end])) } catch { return "\(error)" }
                offset = end
                toPeer.feed(output)
                for event in events {
                    switch event {
                    case .established(let node, _):
                        try fuzzRequire(establishedWith == nil, "established twice")
                        try fuzzRequire(node == peer.nodeID, "established with \(node.short), not the peer")
                        try fuzzRequire(channel.isEstablished && channel.peer == node, "the event and the state disagree")
                        establishedWith = node
                    case .message(let message):
                        try fuzzRequire(establishedWith != nil, "a message before the handshake completed")
                        try checkRoundTrip(message)
                    }
                }
            }
            return nil
        }

        var toPeer = LengthPrefixedDecoder(prefix: .twoBytes, maxLength: NoiseConstants.maxMessageLength)
        if mode & 4 != 0 {
            // Raw bytes on the port of a listening node (the tested side's role is ignored).
            var responder: SecureChannel
            do {
                responder = try SecureChannel(
                    role: .responder, identity: tested, networkKey: networkKey, department: "Tested",
                    staticKey: testedStatic, isTrusted: { $0 == peer.nodeID })
            } catch {
                throw FuzzViolation("cannot make the tested channel: \(error)")
            }
            swap(&channel, &responder)
            if let refusal = try deliver(input.rest(), to: &toPeer) { return .refused(refusal) }
            try fuzzRequire(!channel.isEstablished, "raw bytes completed a handshake")
            return .accepted
        }

        var noise: NoiseHandshake
        do {
            noise = try NoiseHandshake(
                role: testedRole == .initiator ? .responder : .initiator, staticKey: peerStatic, psk: networkKey,
                prologue: HandshakePayload.noisePrologue, ephemeral: peerEphemeral)
            toPeer.feed(try channel.start())
        } catch {
            throw FuzzViolation("cannot start the handshake: \(error)")
        }

        var index = 0
        while !noise.isComplete {
            index += 1
            if noise.isMyTurnToWrite {
                let payload: [UInt8]
                var claimsStranger = false
                switch input.byte() % 4 {
                case 0:
                    claimsStranger = peerIsStranger && index > 1
                    payload = index == 1 ? [] : claimsStranger ? strangerPayload() : validPayload(department: input.chunk(max: 64))
                case 1: payload = []
                case 2: payload = input.chunk(max: 1_024)
                default:
                    // A valid payload with bytes after it (protobuf: unknown fields or garbage).
                    claimsStranger = peerIsStranger && index > 1
                    payload = (claimsStranger ? strangerPayload() : validPayload(department: [])) + input.chunk(max: 64)
                }
                var message: [UInt8]
                do { message = try noise.writeMessage(payload: payload) } catch {
                    throw FuzzViolation("the peer cannot write handshake message \(index): \(error)")
                }
                var tampered = false
                let flip = input.byte()
                if flip != 0 {
                    message[Int(input.byte()) % message.count] ^= flip
                    tampered = true
                }
                let cut = input.byte()
                if cut & 0x80 != 0 && Int(cut & 0x7F) < message.count {
                    message = Array(message.prefix(Int(cut & 0x7F)))
                    tampered = true
                }
                let frame = message.isEmpty ? [0, 0] : LengthPrefixedDecoder.encode(message, prefix: .twoBytes)
                if let refusal = try deliver(frame, to: &toPeer) { return .refused(refusal) }
                try fuzzRequire(!tampered, "handshake message \(index), tampered with, was accepted")
                try fuzzRequire(!claimsStranger, "the stranger's handshake message \(index) was accepted")
            } else {
                let frame: [UInt8]?
                do { frame = try toPeer.next() } catch { throw FuzzViolation("the tested side sent a bad frame: \(error)") }
                guard let frame else { throw FuzzViolation("the tested side owes handshake message \(index) and sent nothing") }
                let payload: [UInt8]
                do { payload = try noise.readMessage(frame) } catch {
                    throw FuzzViolation("an honest peer cannot read the tested side's handshake message \(index): \(error)")
                }
                if index > 1 {
                    let theirs: HandshakePayload
                    do { theirs = try HandshakePayload.decode(payload) } catch {
                        throw FuzzViolation("the tested side's handshake payload does not decode: \(error)")
                    }
                    guard let remote = noise.remoteStaticKey else { throw FuzzViolation("no static key after message \(index)") }
                    try fuzzRequire(theirs.nodeID == tested.nodeID && theirs.binds(remote), "the tested side's payload does not bind its key")
                }
            }
        }
        try fuzzRequire(establishedWith == peer.nodeID, "the handshake ended without the tested side established")

        // Transport: the peer's cipher states, and arbitrary frames.
        var send: CipherState
        do { (send, _) = try noise.split() } catch { throw FuzzViolation("the peer cannot split: \(error)") }
        var steps = 0
        while !input.isAtEnd && steps < maxTransportSteps {
            steps += 1
            var bytes = [UInt8]()
            let kind = input.byte() % 3
            let chunk = input.chunk(max: 8_192)
            switch kind {
            case 0, 1:
                // 0: one envelope, length-prefixed as the message stream wants; 1: raw plaintext.
                let plaintext = kind == 0 && !chunk.isEmpty ? LengthPrefixedDecoder.encode(chunk, prefix: .fourBytes) : chunk
                var offset = 0
                repeat {
                    let end = min(plaintext.count, offset + NoiseConstants.maxMessageLength - NoiseConstants.tagLength)
                    do {
                        bytes += LengthPrefixedDecoder.encode(try send.encrypt(Array(plaintext[offset..<end])), prefix: .twoBytes)
                    } catch {
                        throw FuzzViolation("the peer cannot encrypt: \(error)")
                    }
                    offset = end
                } while offset < plaintext.count
            default:
                bytes = chunk
            }
            if let refusal = try deliver(bytes, to: &toPeer) { return .refused(refusal) }
        }
        return .accepted
    }

    /// Decoding is the inverse of encoding for everything that decodes (compressed or not).
    static func checkRoundTrip(_ message: SyncMessage) throws(FuzzViolation) {
        for compressing in [false, true] {
            let again: SyncMessage
            do { again = try SyncMessage.decode(message.encode(compressing: compressing)) } catch {
                throw FuzzViolation("a decoded message does not decode once re-encoded (compressing: \(compressing)): \(error)")
            }
            try fuzzRequire(again == message, "a decoded message changed through re-encoding (compressing: \(compressing))")
        }
    }

    static func validPayload(department: [UInt8]) -> [UInt8] {
        HandshakePayload(identity: peer, staticKey: peerStatic.publicKey, department: String(decoding: department, as: UTF8.self)).encode()
    }

    /// The payload a stranger (a node with the network key but not trusted) would send.
    static func strangerPayload() -> [UInt8] {
        HandshakePayload(identity: stranger, staticKey: peerStatic.publicKey, department: "Stranger").encode()
    }

    static func fixedIdentity(_ byte: UInt8) -> NodeIdentity {
        guard let identity = try? NodeIdentity(seed: [UInt8](repeating: byte, count: 32)) else {
            preconditionFailure("a 32-byte seed is a valid Ed25519 key")
        }
        return identity
    }

    static func fixedStaticKey(_ byte: UInt8) -> Curve25519.KeyAgreement.PrivateKey {
        guard let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: [UInt8](repeating: byte, count: 32)) else {
            preconditionFailure("32 bytes are a valid X25519 private key")
        }
        return key
    }
}
