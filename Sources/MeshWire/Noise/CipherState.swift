import Crypto
import Foundation

/// A Noise CipherState for ChaChaPoly (Noise specification revision 34, section 5.1): a key and a
/// 64-bit message counter, used as the nonce (4 zero bytes then the counter, little-endian).
///
/// During the handshake it may have no key, and then passes plaintext through unchanged. The pair
/// that `NoiseHandshake.split()` returns always has keys and encrypts transport messages.
public struct CipherState: Sendable {
    private var key: SymmetricKey?
    /// The nonce the next `encrypt` or `decrypt` uses. 2^64-1 is reserved and never used.
    public private(set) var nonce: UInt64

    /// A state with no key: encryption is the identity.
    init() {
        key = nil
        nonce = 0
    }

    init(key: [UInt8], nonce: UInt64 = 0) {
        self.key = SymmetricKey(data: key)
        self.nonce = nonce
    }

    /// Whether a key is set (HasKey in the specification).
    public var hasKey: Bool { key != nil }

    /// EncryptWithAd: the ciphertext with its 16-byte tag appended; advances the nonce.
    public mutating func encrypt(_ plaintext: [UInt8], ad: [UInt8] = []) throws(NoiseError) -> [UInt8] {
        guard let key else { return plaintext }
        let length = plaintext.count + NoiseConstants.tagLength
        guard length <= NoiseConstants.maxMessageLength else { throw .messageTooLong(byteCount: length) }
        let chachaNonce = try currentNonce()
        let sealed: ChaChaPoly.SealedBox
        do {
            sealed = try ChaChaPoly.seal(plaintext, using: key, nonce: chachaNonce, authenticating: ad)
        } catch {
            // Sealing only fails on an internal error of the crypto library.
            preconditionFailure("ChaChaPoly.seal failed: \(error)")
        }
        nonce += 1
        return [UInt8](sealed.ciphertext) + [UInt8](sealed.tag)
    }

    /// DecryptWithAd: the plaintext, or `.decryptionFailed` when the tag does not verify. The nonce
    /// advances only on success.
    public mutating func decrypt(_ ciphertext: [UInt8], ad: [UInt8] = []) throws(NoiseError) -> [UInt8] {
        guard let key else { return ciphertext }
        guard ciphertext.count <= NoiseConstants.maxMessageLength else {
            throw .messageTooLong(byteCount: ciphertext.count)
        }
        guard ciphertext.count >= NoiseConstants.tagLength else {
            throw .truncated(needed: NoiseConstants.tagLength, got: ciphertext.count)
        }
        let chachaNonce = try currentNonce()
        let split = ciphertext.count - NoiseConstants.tagLength
        let plaintext: Data
        do {
            let box = try ChaChaPoly.SealedBox(
                nonce: chachaNonce, ciphertext: ciphertext[..<split], tag: ciphertext[split...])
            plaintext = try ChaChaPoly.open(box, using: key, authenticating: ad)
        } catch {
            throw .decryptionFailed
        }
        nonce += 1
        return [UInt8](plaintext)
    }

    private func currentNonce() throws(NoiseError) -> ChaChaPoly.Nonce {
        guard nonce < UInt64.max else { throw .nonceExhausted }
        var bytes = [UInt8](repeating: 0, count: 12)
        withUnsafeBytes(of: nonce.littleEndian) { counter in
            for (index, byte) in counter.enumerated() { bytes[4 + index] = byte }
        }
        do {
            return try ChaChaPoly.Nonce(data: bytes)
        } catch {
            preconditionFailure("a 12-byte ChaChaPoly nonce was refused")
        }
    }
}
