import Crypto
import MeshCRDT

/// One peer connection's security and framing, as a pure state machine (PROTOCOL.md §1–2): bytes
/// from the socket go in, bytes for the socket and events come out. It runs the Noise XXpsk0
/// handshake with the network key, checks the peer's identity binding and trust, then encrypts
/// and frames sync messages. No IO; the connection adapter moves the bytes.
///
/// Any error is final: the adapter closes the connection, logs the reason, and nothing the peer
/// sent has been delivered.
public struct SecureChannel: Sendable {
    public enum Event: Equatable, Sendable {
        /// The handshake finished: the peer proved it holds `peer`'s key, and `peer` is trusted.
        case established(peer: NodeID, department: String)
        case message(SyncMessage)
    }

    /// Largest message (before encryption and framing), PROTOCOL.md §1.
    public static let maxMessageBytes = 4 << 20
    /// Plaintext bytes per transport frame: a Noise message of at most 65535 bytes, tag included.
    static let chunkBytes = NoiseConstants.maxMessageLength - NoiseConstants.tagLength

    public let role: NoiseHandshake.Role
    private let identity: NodeIdentity
    private let staticKey: Curve25519.KeyAgreement.PrivateKey
    private let department: String
    private let isTrusted: @Sendable (NodeID) -> Bool
    private var handshake: NoiseHandshake
    private var transport: (send: CipherState, receive: CipherState)?
    private var frames = LengthPrefixedDecoder(prefix: .twoBytes, maxLength: NoiseConstants.maxMessageLength)
    private var messages = LengthPrefixedDecoder(prefix: .fourBytes, maxLength: SecureChannel.maxMessageBytes)
    private var failed: ChannelError?
    public private(set) var peer: NodeID?

    /// `staticKey`: this connection's Noise static key. A node draws a fresh one for every
    /// connection (the default); its identity is the Ed25519 key bound to it (PROTOCOL.md §2).
    public init(
        role: NoiseHandshake.Role, identity: NodeIdentity, networkKey: [UInt8], department: String,
        staticKey: Curve25519.KeyAgreement.PrivateKey = .init(),
        isTrusted: @escaping @Sendable (NodeID) -> Bool
    ) throws(ChannelError) {
        try self.init(
            role: role, identity: identity, networkKey: networkKey, department: department, staticKey: staticKey,
            ephemeral: nil, isTrusted: isTrusted)
    }

    /// With a fixed Noise ephemeral key instead of a fresh random one: for tests only (the
    /// conformance vectors' handshake transcript), which is why it is not public.
    init(
        role: NoiseHandshake.Role, identity: NodeIdentity, networkKey: [UInt8], department: String,
        staticKey: Curve25519.KeyAgreement.PrivateKey, ephemeral: Curve25519.KeyAgreement.PrivateKey?,
        isTrusted: @escaping @Sendable (NodeID) -> Bool
    ) throws(ChannelError) {
        self.role = role
        self.identity = identity
        self.staticKey = staticKey
        self.department = department
        self.isTrusted = isTrusted
        do {
            handshake = try NoiseHandshake(
                role: role, staticKey: staticKey, psk: networkKey, prologue: HandshakePayload.noisePrologue, ephemeral: ephemeral)
        } catch {
            throw .noise(error)
        }
    }

    public var isEstablished: Bool { transport != nil }

    /// The Noise handshake hash (equal at both ends once established).
    var handshakeHash: [UInt8] { handshake.handshakeHash }

    /// What the initiator sends first (the responder sends nothing until it hears from it).
    public mutating func start() throws(ChannelError) -> [UInt8] {
        guard role == .initiator else { return [] }
        return try guarded { (channel: inout SecureChannel) throws(ChannelError) in
            do throws(NoiseError) {
                return LengthPrefixedDecoder.encode(try channel.handshake.writeMessage(payload: []), prefix: .twoBytes)
            } catch { throw .noise(error) }
        }
    }

    /// Bytes from the socket: returns bytes to send and what happened.
    public mutating func receive(_ bytes: [UInt8]) throws(ChannelError) -> (output: [UInt8], events: [Event]) {
        try guarded { (channel: inout SecureChannel) throws(ChannelError) in
            channel.frames.feed(bytes)
            var output = [UInt8](), events = [Event]()
            while let frame = try channel.frame() {
                if channel.transport == nil {
                    try channel.handshakeStep(frame, output: &output, events: &events)
                } else {
                    do throws(NoiseError) { channel.messages.feed(try channel.transport!.receive.decrypt(frame)) } catch { throw .noise(error) }
                    while let message = try channel.message() {
                        do throws(SyncDecodingError) { events.append(.message(try SyncMessage.decode(message))) } catch { throw .message(error) }
                    }
                }
            }
            return (output, events)
        }
    }

    /// The bytes that carry `message` to the peer (encrypted, framed; split over frames if large).
    /// A batch is compressed when `compressing` and that saves bytes (`SyncMessage.encode`).
    public mutating func send(_ message: SyncMessage, compressing: Bool = true) throws(ChannelError) -> [UInt8] {
        try guarded { (channel: inout SecureChannel) throws(ChannelError) in
            guard channel.transport != nil else { throw .notEstablished }
            let encoded = message.encode(compressing: compressing)
            guard encoded.count <= Self.maxMessageBytes else { throw .messageTooLarge(bytes: encoded.count) }
            let stream = LengthPrefixedDecoder.encode(encoded, prefix: .fourBytes)
            var output = [UInt8]()
            output.reserveCapacity(stream.count + (stream.count / Self.chunkBytes + 1) * 18)
            var offset = 0
            while offset < stream.count {
                let end = min(stream.count, offset + Self.chunkBytes)
                do throws(NoiseError) {
                    let sealed = try channel.transport!.send.encrypt(Array(stream[offset..<end]))
                    output += LengthPrefixedDecoder.encode(sealed, prefix: .twoBytes)
                } catch { throw .noise(error) }
                offset = end
            }
            return output
        }
    }

    /// Handshake messages: 1 (responder reads), 2 (initiator reads), 3 (responder reads).
    private mutating func handshakeStep(_ frame: [UInt8], output: inout [UInt8], events: inout [Event]) throws(ChannelError) {
        let payload: [UInt8]
        do { payload = try handshake.readMessage(frame) } catch { throw .noise(error) }
        if role == .responder && !handshake.isComplete {
            // Message 1 carries no payload; answer with message 2 and our identity.
            guard payload.isEmpty else { throw .unexpectedPayload }
            let ours = HandshakePayload(identity: identity, staticKey: staticKey.publicKey, department: department).encode()
            do { output += LengthPrefixedDecoder.encode(try handshake.writeMessage(payload: ours), prefix: .twoBytes) } catch { throw .noise(error) }
            return
        }
        let theirs: HandshakePayload
        do { theirs = try HandshakePayload.decode(payload) } catch { throw .malformedPayload(error) }
        guard let remoteStatic = handshake.remoteStaticKey, theirs.binds(remoteStatic) else { throw .badBinding(claimed: theirs.nodeID) }
        guard theirs.nodeID != identity.nodeID else { throw .connectedToSelf }
        guard isTrusted(theirs.nodeID) else { throw .untrusted(theirs.nodeID) }
        if role == .initiator {
            let ours = HandshakePayload(identity: identity, staticKey: staticKey.publicKey, department: department).encode()
            do { output += LengthPrefixedDecoder.encode(try handshake.writeMessage(payload: ours), prefix: .twoBytes) } catch { throw .noise(error) }
        }
        do { transport = try handshake.split() } catch { throw .noise(error) }
        peer = theirs.nodeID
        events.append(.established(peer: theirs.nodeID, department: theirs.department))
    }

    private mutating func frame() throws(ChannelError) -> [UInt8]? {
        do { return try frames.next() } catch { throw .framing(error) }
    }

    private mutating func message() throws(ChannelError) -> [UInt8]? {
        do { return try messages.next() } catch { throw .framing(error) }
    }

    /// Runs `body`; once anything fails, the channel stays failed.
    private mutating func guarded<T>(_ body: (inout SecureChannel) throws(ChannelError) -> T) throws(ChannelError) -> T {
        if let failed { throw failed }
        do {
            return try body(&self)
        } catch {
            failed = error
            throw error
        }
    }
}

/// Why a channel failed. Final: the connection is closed.
public enum ChannelError: Error, Equatable, Sendable, CustomStringConvertible {
    case noise(NoiseError)
    case framing(FramingError)
    case message(SyncDecodingError)
    case malformedPayload(SyncDecodingError)
    case unexpectedPayload
    /// The peer's payload claims a node id whose key did not sign the Noise static key it used.
    case badBinding(claimed: NodeID)
    case untrusted(NodeID)
    case connectedToSelf
    case notEstablished
    case messageTooLarge(bytes: Int)

    public var description: String {
        switch self {
        case .noise(.decryptionFailed): "handshake or message did not decrypt (wrong network key, or corrupted)"
        case .noise(let error): "noise: \(error)"
        case .framing(let error): "framing: \(error)"
        case .message(let error): "\(error)"
        case .malformedPayload(let error): "handshake payload: \(error)"
        case .unexpectedPayload: "handshake message 1 must carry no payload"
        case .badBinding(let claimed): "peer claims node \(claimed.short) but that node did not sign its Noise key"
        case .untrusted(let node): "node \(node.short) is not on the trust list"
        case .connectedToSelf: "connected to itself"
        case .notEstablished: "no message before the handshake is complete"
        case .messageTooLarge(let bytes): "message of \(bytes) bytes exceeds \(SecureChannel.maxMessageBytes)"
        }
    }
}
