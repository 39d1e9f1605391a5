import Crypto

/// The Noise handshake `Noise_XXpsk0_25519_ChaChaPoly_SHA256` (Noise specification revision 34):
///
/// ```
/// -> psk, e
/// <- e, ee, s, es
/// -> s, se
/// ```
///
/// Both parties prove their static X25519 keys and must hold the same 32-byte pre-shared key; a
/// responder with a different pre-shared key fails on the first message. A pure state machine: the
/// caller moves the bytes. Each party alternately calls `writeMessage` and `readMessage` (the
/// initiator writes first); after the third message `isComplete` is true and `split()` gives the
/// transport cipher states. Any failure while processing a message aborts the handshake.
public struct NoiseHandshake: Sendable {
    public enum Role: Sendable, Equatable {
        case initiator, responder
    }

    /// The handshake patterns this type implements. Only `.xxpsk0` is public; `.xx` (no pre-shared
    /// key) exists so that published `Noise_XX` vectors can check the shared machinery too.
    enum Pattern: Sendable {
        case xx, xxpsk0

        var protocolName: String {
            switch self {
            case .xx: "Noise_XX_25519_ChaChaPoly_SHA256"
            case .xxpsk0: "Noise_XXpsk0_25519_ChaChaPoly_SHA256"
            }
        }

        var messages: [[Token]] {
            switch self {
            case .xx: [[.e], [.e, .ee, .s, .es], [.s, .se]]
            case .xxpsk0: [[.psk, .e], [.e, .ee, .s, .es], [.s, .se]]
            }
        }
    }

    enum Token: Sendable {
        case e, s, ee, es, se, psk
    }

    public static let protocolName = Pattern.xxpsk0.protocolName

    public let role: Role
    private let pattern: Pattern
    private let staticKey: Curve25519.KeyAgreement.PrivateKey
    private let psk: [UInt8]?
    private var ephemeral: Curve25519.KeyAgreement.PrivateKey
    private var remoteEphemeral: Curve25519.KeyAgreement.PublicKey?
    /// The peer's static public key, known once its `s` token has been read (message 2 for the
    /// initiator, message 3 for the responder).
    public private(set) var remoteStaticKey: Curve25519.KeyAgreement.PublicKey?
    private var symmetric: SymmetricState
    private var messageIndex = 0
    private var aborted = false
    private var transport: (CipherState, CipherState)?

    /// - Parameters:
    ///   - staticKey: this party's long-term X25519 key.
    ///   - psk: the 32-byte pre-shared key both parties hold.
    ///   - prologue: data both parties must agree on (it is hashed in, never sent).
    ///   - ephemeral: the ephemeral key; a fresh random one when nil. Only tests pass one.
    public init(
        role: Role, staticKey: Curve25519.KeyAgreement.PrivateKey, psk: [UInt8], prologue: [UInt8],
        ephemeral: Curve25519.KeyAgreement.PrivateKey? = nil
    ) throws(NoiseError) {
        guard psk.count == NoiseConstants.pskLength else { throw .invalidPreSharedKey(byteCount: psk.count) }
        self.init(pattern: .xxpsk0, role: role, staticKey: staticKey, psk: psk, prologue: prologue, ephemeral: ephemeral)
    }

    init(
        pattern: Pattern, role: Role, staticKey: Curve25519.KeyAgreement.PrivateKey, psk: [UInt8]?,
        prologue: [UInt8], ephemeral: Curve25519.KeyAgreement.PrivateKey?
    ) {
        self.pattern = pattern
        self.role = role
        self.staticKey = staticKey
        self.psk = psk
        self.ephemeral = ephemeral ?? Curve25519.KeyAgreement.PrivateKey()
        symmetric = SymmetricState(protocolName: pattern.protocolName)
        symmetric.mixHash(prologue)
    }

    /// True after the third handshake message has been written or read.
    public var isComplete: Bool { transport != nil }

    /// The handshake hash `h`. After completion both parties hold the same value, which binds the
    /// whole transcript (usable as a channel binding).
    public var handshakeHash: [UInt8] { symmetric.handshakeHash }

    /// Whether the next call must be `writeMessage` (true) or `readMessage` (false).
    public var isMyTurnToWrite: Bool { (messageIndex % 2 == 0) == (role == .initiator) }

    /// Writes the next handshake message, carrying `payload` (encrypted in all three messages of
    /// XXpsk0, since the pre-shared key keys the cipher from the start).
    public mutating func writeMessage(payload: [UInt8]) throws(NoiseError) -> [UInt8] {
        try checkTurn(writing: true)
        // Writing fails only on the caller's input (a payload too long); the state is left as it
        // was, so the caller may retry with a shorter payload.
        var next = self
        let message = try next.write(payload: payload)
        self = next
        return message
    }

    /// Reads the peer's next handshake message and returns its payload. Nothing is returned, and the
    /// handshake is aborted, if the message fails to authenticate.
    public mutating func readMessage(_ message: [UInt8]) throws(NoiseError) -> [UInt8] {
        try checkTurn(writing: false)
        guard message.count <= NoiseConstants.maxMessageLength else {
            throw .messageTooLong(byteCount: message.count)
        }
        var next = self
        do {
            let payload = try next.read(message)
            self = next
            return payload
        } catch {
            aborted = true
            throw error
        }
    }

    /// The transport cipher states once the handshake is complete: `send` encrypts this party's
    /// messages, `receive` decrypts the peer's.
    public func split() throws(NoiseError) -> (send: CipherState, receive: CipherState) {
        guard let transport else {
            throw aborted ? NoiseError.handshakeAborted : NoiseError.handshakeIncomplete
        }
        switch role {
        case .initiator: return (transport.0, transport.1)
        case .responder: return (transport.1, transport.0)
        }
    }

    // MARK: - Message processing

    private func checkTurn(writing: Bool) throws(NoiseError) {
        if aborted { throw .handshakeAborted }
        guard messageIndex < pattern.messages.count else {
            throw .outOfOrder("the handshake is complete; use the cipher states from split()")
        }
        guard isMyTurnToWrite == writing else {
            throw .outOfOrder(
                writing
                    ? "the \(role) must read handshake message \(messageIndex + 1), not write it"
                    : "the \(role) must write handshake message \(messageIndex + 1), not read it")
        }
    }

    private mutating func write(payload: [UInt8]) throws(NoiseError) -> [UInt8] {
        var message: [UInt8] = []
        for token in pattern.messages[messageIndex] {
            switch token {
            case .e:
                let publicKey = Array(ephemeral.publicKey.rawRepresentation)
                message += publicKey
                symmetric.mixHash(publicKey)
                if psk != nil { symmetric.mixKey(publicKey) }
            case .s:
                message += try symmetric.encryptAndHash(Array(staticKey.publicKey.rawRepresentation))
            case .psk:
                try mixPSK()
            case .ee, .es, .se:
                try mixDH(token)
            }
        }
        message += try symmetric.encryptAndHash(payload)
        guard message.count <= NoiseConstants.maxMessageLength else {
            throw .messageTooLong(byteCount: message.count)
        }
        finishMessage()
        return message
    }

    private mutating func read(_ message: [UInt8]) throws(NoiseError) -> [UInt8] {
        var rest = message[...]
        func take(_ count: Int) throws(NoiseError) -> [UInt8] {
            guard rest.count >= count else {
                throw .truncated(needed: message.count - rest.count + count, got: message.count)
            }
            defer { rest = rest.dropFirst(count) }
            return Array(rest.prefix(count))
        }
        for token in pattern.messages[messageIndex] {
            switch token {
            case .e:
                let bytes = try take(NoiseConstants.dhLength)
                remoteEphemeral = try Self.publicKey(bytes)
                symmetric.mixHash(bytes)
                if psk != nil { symmetric.mixKey(bytes) }
            case .s:
                let length = NoiseConstants.dhLength + (symmetric.cipher.hasKey ? NoiseConstants.tagLength : 0)
                let bytes = try symmetric.decryptAndHash(try take(length))
                remoteStaticKey = try Self.publicKey(bytes)
            case .psk:
                try mixPSK()
            case .ee, .es, .se:
                try mixDH(token)
            }
        }
        if symmetric.cipher.hasKey && rest.count < NoiseConstants.tagLength {
            throw .truncated(needed: message.count - rest.count + NoiseConstants.tagLength, got: message.count)
        }
        let payload = try symmetric.decryptAndHash(Array(rest))
        finishMessage()
        return payload
    }

    private mutating func finishMessage() {
        messageIndex += 1
        if messageIndex == pattern.messages.count {
            transport = symmetric.split()
        }
    }

    private mutating func mixPSK() throws(NoiseError) {
        guard let psk else { preconditionFailure("a psk token in a pattern without a pre-shared key") }
        symmetric.mixKeyAndHash(psk)
    }

    /// `ee`, `es`, `se`: the first letter is the initiator's key, the second the responder's.
    private mutating func mixDH(_ token: Token) throws(NoiseError) {
        let local: Curve25519.KeyAgreement.PrivateKey
        let remote: Curve25519.KeyAgreement.PublicKey?
        switch (token, role) {
        case (.ee, _):
            (local, remote) = (ephemeral, remoteEphemeral)
        case (.es, .initiator), (.se, .responder):
            (local, remote) = (ephemeral, remoteStaticKey)
        case (.es, .responder), (.se, .initiator):
            (local, remote) = (staticKey, remoteEphemeral)
        default:
            preconditionFailure("\(token) is not a DH token")
        }
        guard let remote else { preconditionFailure("the pattern uses a remote key before it is known") }
        let shared: SharedSecret
        do {
            shared = try local.sharedSecretFromKeyAgreement(with: remote)
        } catch {
            throw .malformedPublicKey
        }
        symmetric.mixKey(shared.withUnsafeBytes { Array($0) })
    }

    private static func publicKey(_ bytes: [UInt8]) throws(NoiseError) -> Curve25519.KeyAgreement.PublicKey {
        do {
            return try Curve25519.KeyAgreement.PublicKey(rawRepresentation: bytes)
        } catch {
            throw .malformedPublicKey
        }
    }
}
