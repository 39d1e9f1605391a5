/// Why a Noise handshake or transport message was refused.
public enum NoiseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A message was written or read when it was the other party's turn, or after the handshake ended.
    case outOfOrder(String)
    /// The handshake failed earlier; a failed handshake cannot continue and must be started afresh.
    case handshakeAborted
    /// `split()` was called before the handshake's last message.
    case handshakeIncomplete
    /// The message is shorter than its handshake tokens or its authentication tag need.
    case truncated(needed: Int, got: Int)
    /// A public key in the message is unusable (for example a low-order X25519 point).
    case malformedPublicKey
    /// Authentication failed: the message was altered, or the peers hold different keys or pre-shared keys.
    case decryptionFailed
    /// A Noise message may be at most 65535 bytes.
    case messageTooLong(byteCount: Int)
    /// The pre-shared key must be exactly 32 bytes.
    case invalidPreSharedKey(byteCount: Int)
    /// The cipher's 64-bit nonce is used up; the session must be replaced by a new handshake.
    case nonceExhausted

    public var description: String {
        switch self {
        case .outOfOrder(let detail):
            "Noise message out of order: \(detail)"
        case .handshakeAborted:
            "the Noise handshake failed earlier and cannot continue; start a new handshake"
        case .handshakeIncomplete:
            "the Noise handshake is not complete yet; no transport keys exist"
        case .truncated(let needed, let got):
            "Noise message truncated: needs at least \(needed) bytes, got \(got)"
        case .malformedPublicKey:
            "the Noise message carries an unusable X25519 public key"
        case .decryptionFailed:
            "Noise decryption failed: the message was altered, or the peers use different keys or pre-shared keys"
        case .messageTooLong(let byteCount):
            "Noise message too long: \(byteCount) bytes, the maximum is \(NoiseConstants.maxMessageLength)"
        case .invalidPreSharedKey(let byteCount):
            "the Noise pre-shared key must be 32 bytes, got \(byteCount)"
        case .nonceExhausted:
            "the Noise cipher's nonce is exhausted; start a new handshake"
        }
    }
}

/// Sizes fixed by the Noise specification (revision 34) for 25519, ChaChaPoly and SHA256.
public enum NoiseConstants {
    /// The largest Noise message, handshake or transport, in bytes.
    public static let maxMessageLength = 65535
    /// DHLEN for Curve25519.
    public static let dhLength = 32
    /// HASHLEN for SHA256.
    public static let hashLength = 32
    /// The Poly1305 authentication tag appended to every encrypted field.
    public static let tagLength = 16
    /// The pre-shared key length.
    public static let pskLength = 32
}
