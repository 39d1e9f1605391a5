import Crypto
import Foundation
@testable import MeshWire
import Testing

/// Noise_XXpsk0_25519_ChaChaPoly_SHA256: published vectors (byte for byte) and failure cases.
struct NoiseTests {
    // MARK: - Vectors

    struct VectorFile: Decodable {
        let source: String
        let vectors: [Vector]
    }

    struct Vector: Decodable, CustomStringConvertible {
        let origin: String
        let protocol_name: String
        let prologue: String
        let psk: String?
        let init_static: String
        let init_ephemeral: String
        let resp_static: String
        let resp_ephemeral: String
        let handshake_hash: String?
        let messages: [Message]

        var description: String { "\(protocol_name) from \(origin), prologue \(prologue.isEmpty ? "empty" : prologue)" }
    }

    struct Message: Decodable {
        let sender: String
        let payload: String
        let ciphertext: String
    }

    static let vectorFile: VectorFile = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Vectors/noise-xxpsk0.json")
        do {
            return try JSONDecoder().decode(VectorFile.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot load \(url.path): \(error)")
        }
    }()

    static func hex(_ string: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = string.startIndex
        while index < string.endIndex {
            let next = string.index(index, offsetBy: 2)
            bytes.append(UInt8(string[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    static func key(_ string: String) throws -> Curve25519.KeyAgreement.PrivateKey {
        try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: hex(string))
    }

    @Test func theVectorFileHoldsTheExpectedVectors() {
        let file = Self.vectorFile
        #expect(file.source.contains("flynn/noise"))
        #expect(file.vectors.filter { $0.protocol_name == NoiseHandshake.protocolName }.count == 4)
        #expect(file.vectors.filter { $0.protocol_name == "Noise_XX_25519_ChaChaPoly_SHA256" }.count == 2)
    }

    @Test(arguments: vectorFile.vectors)
    func publishedVector(_ vector: Vector) throws {
        let pattern: NoiseHandshake.Pattern
        switch vector.protocol_name {
        case NoiseHandshake.protocolName: pattern = .xxpsk0
        case "Noise_XX_25519_ChaChaPoly_SHA256": pattern = .xx
        default:
            Issue.record("unexpected protocol \(vector.protocol_name)")
            return
        }
        let psk = vector.psk.map(Self.hex)
        #expect((psk != nil) == (pattern == .xxpsk0))
        let prologue = Self.hex(vector.prologue)
        let initiatorStatic = try Self.key(vector.init_static), responderStatic = try Self.key(vector.resp_static)
        var initiator = NoiseHandshake(
            pattern: pattern, role: .initiator, staticKey: initiatorStatic, psk: psk, prologue: prologue,
            ephemeral: try Self.key(vector.init_ephemeral))
        var responder = NoiseHandshake(
            pattern: pattern, role: .responder, staticKey: responderStatic, psk: psk, prologue: prologue,
            ephemeral: try Self.key(vector.resp_ephemeral))

        #expect(vector.messages.count > 3)
        for (index, message) in vector.messages.prefix(3).enumerated() {
            #expect(message.sender == (index % 2 == 0 ? "initiator" : "responder"))
            let payload = Self.hex(message.payload)
            let written: [UInt8], read: [UInt8]
            if index % 2 == 0 {
                written = try initiator.writeMessage(payload: payload)
                read = try responder.readMessage(written)
            } else {
                written = try responder.writeMessage(payload: payload)
                read = try initiator.readMessage(written)
            }
            #expect(written == Self.hex(message.ciphertext), "handshake message \(index)")
            #expect(read == payload, "handshake message \(index)")
        }

        #expect(initiator.isComplete && responder.isComplete)
        #expect(initiator.handshakeHash == responder.handshakeHash)
        if let expected = vector.handshake_hash {
            #expect(initiator.handshakeHash == Self.hex(expected))
        }
        #expect(initiator.remoteStaticKey?.rawRepresentation == responderStatic.publicKey.rawRepresentation)
        #expect(responder.remoteStaticKey?.rawRepresentation == initiatorStatic.publicKey.rawRepresentation)

        var (initiatorSend, initiatorReceive) = try initiator.split()
        var (responderSend, responderReceive) = try responder.split()
        for (index, message) in vector.messages.enumerated().dropFirst(3) {
            let payload = Self.hex(message.payload)
            let written: [UInt8], read: [UInt8]
            switch message.sender {
            case "initiator":
                written = try initiatorSend.encrypt(payload)
                read = try responderReceive.decrypt(written)
            case "responder":
                written = try responderSend.encrypt(payload)
                read = try initiatorReceive.decrypt(written)
            default:
                Issue.record("unknown sender \(message.sender)")
                return
            }
            #expect(written == Self.hex(message.ciphertext), "transport message \(index)")
            #expect(read == payload, "transport message \(index)")
        }
    }

    // MARK: - Spec details

    @Test func noiseHKDFMatchesRFC5869HKDFExpandWithEmptyInfo() {
        // Noise's HKDF equals RFC 5869 HKDF with the chaining key as salt and empty info.
        let chainingKey = [UInt8](repeating: 7, count: 32), material = [UInt8](repeating: 9, count: 32)
        let outputs = SymmetricState.hkdf(chainingKey: chainingKey, inputKeyMaterial: material, outputs: 3)
        let reference = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: material), salt: chainingKey, info: [UInt8](), outputByteCount: 96)
        #expect(outputs.flatMap { $0 } == reference.withUnsafeBytes { Array($0) })
    }

    @Test func theProtocolNameFillsTheInitialHash() {
        // 36 bytes: longer than HASHLEN, so h starts as its SHA-256.
        let state = SymmetricState(protocolName: NoiseHandshake.protocolName)
        #expect(state.handshakeHash == Array(SHA256.hash(data: Array(NoiseHandshake.protocolName.utf8))))
        let short = SymmetricState(protocolName: "Noise_XX_25519_ChaChaPoly_SHA256")  // exactly 32 bytes
        #expect(short.handshakeHash == Array("Noise_XX_25519_ChaChaPoly_SHA256".utf8))
    }

    @Test func nonceIsFourZeroBytesThenTheLittleEndianCounter() throws {
        let key = [UInt8](repeating: 1, count: 32)
        var cipher = CipherState(key: key, nonce: 0x0102_0304_0506_0708)
        let ciphertext = try cipher.encrypt([1, 2, 3], ad: [9])
        let nonce = try ChaChaPoly.Nonce(data: [0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1])
        let reference = try ChaChaPoly.seal([1, 2, 3], using: SymmetricKey(data: key), nonce: nonce, authenticating: [9])
        #expect(ciphertext == Array(reference.ciphertext) + Array(reference.tag))
        #expect(cipher.nonce == 0x0102_0304_0506_0709)
    }

    @Test func theLastNonceIsRefused() throws {
        let key = [UInt8](repeating: 1, count: 32)
        var sender = CipherState(key: key, nonce: UInt64.max - 1)
        var receiver = CipherState(key: key, nonce: UInt64.max - 1)
        #expect(try receiver.decrypt(try sender.encrypt([42])) == [42])
        #expect(throws: NoiseError.nonceExhausted) { try sender.encrypt([42]) }
        #expect(throws: NoiseError.nonceExhausted) { try receiver.decrypt([UInt8](repeating: 0, count: 17)) }
    }

    // MARK: - Round trips and failures

    struct Pair {
        var initiator: NoiseHandshake
        var responder: NoiseHandshake
        let initiatorStatic = Curve25519.KeyAgreement.PrivateKey()
        let responderStatic = Curve25519.KeyAgreement.PrivateKey()

        init(psk: [UInt8] = Array(repeating: 0x5a, count: 32), responderPSK: [UInt8]? = nil,
             prologue: [UInt8] = Array("ideamesh test".utf8), responderPrologue: [UInt8]? = nil) throws {
            initiator = try NoiseHandshake(role: .initiator, staticKey: initiatorStatic, psk: psk, prologue: prologue)
            responder = try NoiseHandshake(
                role: .responder, staticKey: responderStatic, psk: responderPSK ?? psk,
                prologue: responderPrologue ?? prologue)
        }
    }

    @Test func randomKeysRoundTripAndTransportBothWays() throws {
        var pair = try Pair()
        let m1 = try pair.initiator.writeMessage(payload: Array("hello".utf8))
        #expect(try pair.responder.readMessage(m1) == Array("hello".utf8))
        let m2 = try pair.responder.writeMessage(payload: Array("from responder".utf8))
        #expect(try pair.initiator.readMessage(m2) == Array("from responder".utf8))
        #expect(pair.initiator.remoteStaticKey?.rawRepresentation == pair.responderStatic.publicKey.rawRepresentation)
        #expect(!pair.initiator.isComplete && !pair.responder.isComplete)
        let m3 = try pair.initiator.writeMessage(payload: [])
        #expect(try pair.responder.readMessage(m3) == [])
        #expect(m1.count == 32 + 5 + 16 && m2.count == 32 + 48 + 14 + 16 && m3.count == 48 + 16)

        #expect(pair.initiator.isComplete && pair.responder.isComplete)
        #expect(pair.initiator.handshakeHash == pair.responder.handshakeHash)
        #expect(pair.responder.remoteStaticKey?.rawRepresentation == pair.initiatorStatic.publicKey.rawRepresentation)

        var (initiatorSend, initiatorReceive) = try pair.initiator.split()
        var (responderSend, responderReceive) = try pair.responder.split()
        for round in 0..<3 {
            let there = try initiatorSend.encrypt(Array("ping \(round)".utf8), ad: [1])
            #expect(try responderReceive.decrypt(there, ad: [1]) == Array("ping \(round)".utf8))
            let back = try responderSend.encrypt(Array("pong \(round)".utf8))
            #expect(try initiatorReceive.decrypt(back) == Array("pong \(round)".utf8))
        }
        // A replayed transport message fails: the receiver's nonce has moved on.
        let again = try initiatorSend.encrypt([7])
        #expect(try responderReceive.decrypt(again) == [7])
        #expect(throws: NoiseError.decryptionFailed) { try responderReceive.decrypt(again) }
        // Wrong associated data fails.
        let withAD = try responderSend.encrypt([8], ad: [1])
        #expect(throws: NoiseError.decryptionFailed) { try initiatorReceive.decrypt(withAD, ad: [2]) }
    }

    @Test func aWrongPSKFailsTheResponderOnTheFirstMessage() throws {
        var pair = try Pair(psk: Array(repeating: 1, count: 32), responderPSK: Array(repeating: 2, count: 32))
        let m1 = try pair.initiator.writeMessage(payload: Array("secret".utf8))
        var payload: [UInt8]?
        #expect(throws: NoiseError.decryptionFailed) { payload = try pair.responder.readMessage(m1) }
        #expect(payload == nil)
        #expect(!pair.responder.isComplete)
        // The failed handshake stays failed.
        #expect(throws: NoiseError.handshakeAborted) { try pair.responder.readMessage(m1) }
        #expect(throws: NoiseError.handshakeAborted) { try pair.responder.writeMessage(payload: []) }
        #expect(throws: NoiseError.handshakeAborted) { try pair.responder.split() }
    }

    @Test func aDifferentPrologueFailsTheFirstMessage() throws {
        var pair = try Pair(prologue: [1], responderPrologue: [2])
        let m1 = try pair.initiator.writeMessage(payload: [])
        #expect(throws: NoiseError.decryptionFailed) { try pair.responder.readMessage(m1) }
    }

    @Test func everyBitFlipInEveryMessageFails() throws {
        let template = try Pair()
        var clean = template
        let m1 = try clean.initiator.writeMessage(payload: [1, 2, 3])
        _ = try clean.responder.readMessage(m1)
        let m2 = try clean.responder.writeMessage(payload: [4, 5])
        _ = try clean.initiator.readMessage(m2)
        let m3 = try clean.initiator.writeMessage(payload: [6])

        // Bring a copy of the reader to the state just before message `index`.
        func reader(before index: Int) throws -> NoiseHandshake {
            var pair = template
            _ = try pair.initiator.writeMessage(payload: [1, 2, 3])
            if index == 0 { return pair.responder }
            _ = try pair.responder.readMessage(m1)
            _ = try pair.responder.writeMessage(payload: [4, 5])
            if index == 1 { return pair.initiator }
            _ = try pair.initiator.readMessage(m2)
            return pair.responder
        }
        for (index, message) in [m1, m2, m3].enumerated() {
            let fresh = try reader(before: index)
            for byte in message.indices {
                for bit in 0..<8 {
                    var flipped = message
                    flipped[byte] ^= 1 << bit
                    var reader = fresh
                    #expect(throws: NoiseError.self, "message \(index) byte \(byte) bit \(bit)") {
                        try reader.readMessage(flipped)
                    }
                }
            }
            // Unflipped, the same state accepts it.
            var reader = fresh
            _ = try reader.readMessage(message)
        }
    }

    @Test func truncatedMessagesFail() throws {
        let template = try Pair()
        var pair = template
        let m1 = try pair.initiator.writeMessage(payload: [1, 2, 3])
        for length in 0..<m1.count {
            var responder = template.responder
            #expect(throws: NoiseError.self, "length \(length)") { try responder.readMessage(Array(m1.prefix(length))) }
        }
        var responder = template.responder
        #expect(throws: NoiseError.truncated(needed: 48, got: 47)) { try responder.readMessage(Array(m1.prefix(47))) }
        _ = try pair.responder.readMessage(m1)
        let m2 = try pair.responder.writeMessage(payload: [])
        for length in [0, 31, 32, 79, 80, 95] {
            var initiator = pair.initiator
            #expect(throws: NoiseError.self, "length \(length)") { try initiator.readMessage(Array(m2.prefix(length))) }
        }
    }

    @Test func messagesOutOfOrderFail() throws {
        var pair = try Pair()
        // The responder cannot speak first, and the initiator cannot read before writing.
        #expect(throws: NoiseError.self) { try pair.responder.writeMessage(payload: []) }
        #expect(throws: NoiseError.self) { try pair.initiator.readMessage([UInt8](repeating: 0, count: 64)) }
        #expect(throws: NoiseError.handshakeIncomplete) { try pair.initiator.split() }
        let m1 = try pair.initiator.writeMessage(payload: [])
        // Writing twice in a row is refused; a misplaced write does not spoil the handshake.
        #expect(throws: NoiseError.self) { try pair.initiator.writeMessage(payload: []) }
        _ = try pair.responder.readMessage(m1)
        let m2 = try pair.responder.writeMessage(payload: [])
        // Message 1 (or the responder's own message 2) delivered where message 3 belongs fails,
        // and aborts that handshake.
        for wrong in [m1, m2] {
            var confused = pair.responder
            #expect(throws: NoiseError.self) { try confused.readMessage(wrong) }
            #expect(throws: NoiseError.handshakeAborted) { try confused.readMessage(wrong) }
        }
        // Message 1 is no message 2 for the initiator either.
        var confused = pair.initiator
        #expect(throws: NoiseError.self) { try confused.readMessage(m1) }
        _ = try pair.initiator.readMessage(m2)
        let m3 = try pair.initiator.writeMessage(payload: [])
        _ = try pair.responder.readMessage(m3)
        #expect(pair.initiator.handshakeHash == pair.responder.handshakeHash)
        // After completion, no more handshake messages.
        #expect(throws: NoiseError.self) { try pair.initiator.writeMessage(payload: []) }
        #expect(throws: NoiseError.self) { try pair.responder.readMessage(m3) }
    }

    @Test func sizesAreBounded() throws {
        #expect(throws: NoiseError.invalidPreSharedKey(byteCount: 31)) {
            try NoiseHandshake(role: .initiator, staticKey: .init(), psk: Array(repeating: 0, count: 31), prologue: [])
        }
        var pair = try Pair()
        // 32 (e) + payload + 16 (tag) must stay within 65535.
        #expect(throws: NoiseError.messageTooLong(byteCount: 65536)) {
            try pair.initiator.writeMessage(payload: Array(repeating: 0, count: 65535 - 48 + 1))
        }
        #expect(throws: NoiseError.messageTooLong(byteCount: 65536)) {
            try pair.responder.readMessage(Array(repeating: 0, count: 65536))
        }
        let largest = try pair.initiator.writeMessage(payload: Array(repeating: 3, count: 65535 - 48))
        #expect(largest.count == 65535)
        #expect(try pair.responder.readMessage(largest) == Array(repeating: 3, count: 65535 - 48))
        var cipher = CipherState(key: Array(repeating: 1, count: 32))
        #expect(throws: NoiseError.messageTooLong(byteCount: 65536)) { try cipher.encrypt(Array(repeating: 0, count: 65520)) }
        #expect(throws: NoiseError.self) { try cipher.decrypt(Array(repeating: 0, count: 65536)) }
    }

    @Test func errorsDescribeThemselves() {
        #expect(NoiseError.decryptionFailed.description.contains("pre-shared"))
        #expect(NoiseError.messageTooLong(byteCount: 70000).description.contains("65535"))
    }
}

// MARK: - Interop with the PyPI package noiseprotocol

extension NoiseTests {
    static let responderScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Interop/noise_responder.py")

    /// Whether `python3 -c "import noise"` succeeds (`pip install noiseprotocol`).
    static let pythonNoiseAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import noise.connection"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return false
        }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    static func hexString(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// The Python responder, spoken to one JSON line at a time.
    final class PythonResponder {
        let process = Process()
        let input = Pipe(), output = Pipe(), errors = Pipe()
        var buffer = Data()

        init(staticKey: Curve25519.KeyAgreement.PrivateKey, psk: [UInt8], prologue: [UInt8]) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3", NoiseTests.responderScript.path, NoiseTests.hexString(Array(staticKey.rawRepresentation)),
                NoiseTests.hexString(psk), NoiseTests.hexString(prologue),
            ]
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            try process.run()
        }

        /// Sends one request; the reply, or nil when the responder ended instead (see `finish()`).
        func exchange(_ request: [String: String]) throws -> [String: String]? {
            var line = try JSONEncoder().encode(request)
            line.append(0x0A)
            try input.fileHandleForWriting.write(contentsOf: line)
            while true {
                if let newline = buffer.firstIndex(of: 0x0A) {
                    let reply = buffer[buffer.startIndex..<newline]
                    buffer = Data(buffer[(newline + 1)...])
                    return try JSONDecoder().decode([String: String].self, from: reply)
                }
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { return nil }
                buffer.append(chunk)
            }
        }

        /// Why the responder ended, for a failure message.
        func ended() -> String {
            guard let end = try? finish() else { return "responder state unknown" }
            return "exit status \(end.status): \(end.errors)"
        }

        /// Closes its input and waits: the exit status and what it wrote to stderr.
        func finish() throws -> (status: Int32, errors: String) {
            try input.fileHandleForWriting.close()
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
    }

    @Test(.enabled(if: pythonNoiseAvailable, "needs python3 with the PyPI package noiseprotocol (pip install noiseprotocol)"))
    func interopWithNoiseprotocolAsResponder() throws {
        let initiatorStatic = Curve25519.KeyAgreement.PrivateKey(), responderStatic = Curve25519.KeyAgreement.PrivateKey()
        let psk = (0..<32).map { _ in UInt8.random(in: 0...255) }, prologue = Array("ideamesh interop".utf8)
        var initiator = try NoiseHandshake(role: .initiator, staticKey: initiatorStatic, psk: psk, prologue: prologue)
        let python = try PythonResponder(staticKey: responderStatic, psk: psk, prologue: prologue)

        let m1 = try initiator.writeMessage(payload: Array("first".utf8))
        let reply1 = try #require(try python.exchange(["message": Self.hexString(m1)]), "responder ended: \(python.ended())")
        #expect(reply1["payload"] == Self.hexString(Array("first".utf8)))
        let m2 = Self.hex(try #require(reply1["message"]))
        #expect(try initiator.readMessage(m2) == Array("hello from noiseprotocol".utf8))
        #expect(initiator.remoteStaticKey?.rawRepresentation == responderStatic.publicKey.rawRepresentation)

        let m3 = try initiator.writeMessage(payload: Array("third".utf8))
        let reply3 = try #require(try python.exchange(["message": Self.hexString(m3)]), "responder ended: \(python.ended())")
        #expect(reply3["payload"] == Self.hexString(Array("third".utf8)))
        #expect(initiator.isComplete)
        #expect(reply3["handshake_hash"] == Self.hexString(initiator.handshakeHash))
        #expect(reply3["remote_static"] == Self.hexString(Array(initiatorStatic.publicKey.rawRepresentation)))

        var (send, receive) = try initiator.split()
        for round in 0..<3 {
            let plaintext = Array("transport \(round)".utf8)
            let reply = try #require(
                try python.exchange(["transport": Self.hexString(try send.encrypt(plaintext))]),
                "responder ended: \(python.ended())")
            #expect(reply["plaintext"] == Self.hexString(plaintext))
            #expect(try receive.decrypt(Self.hex(try #require(reply["transport"]))) == plaintext.reversed())
        }
        let end = try python.finish()
        #expect(end.status == 0, "\(end.errors)")
    }

    @Test(.enabled(if: pythonNoiseAvailable, "needs python3 with the PyPI package noiseprotocol (pip install noiseprotocol)"))
    func noiseprotocolRefusesOurFirstMessageUnderAnotherPSK() throws {
        var initiator = try NoiseHandshake(
            role: .initiator, staticKey: .init(), psk: Array(repeating: 1, count: 32), prologue: [])
        let python = try PythonResponder(staticKey: .init(), psk: Array(repeating: 2, count: 32), prologue: [])
        let m1 = try initiator.writeMessage(payload: Array("first".utf8))
        #expect(try python.exchange(["message": Self.hexString(m1)]) == nil)
        let end = try python.finish()
        #expect(end.status != 0)
        #expect(end.errors.contains("InvalidTag") || end.errors.contains("Invalid"), "\(end.errors)")
    }
}
