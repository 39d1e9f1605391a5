import Crypto

/// A Noise SymmetricState for SHA256 (Noise specification revision 34, section 5.2): the chaining
/// key `ck`, the handshake hash `h`, and the CipherState they key.
struct SymmetricState: Sendable {
    private(set) var chainingKey: [UInt8]
    private(set) var handshakeHash: [UInt8]
    private(set) var cipher: CipherState

    /// InitializeSymmetric: `h` is the protocol name padded with zeros to 32 bytes, or its hash if
    /// longer; `ck` = `h`; no cipher key.
    init(protocolName: String) {
        let name = Array(protocolName.utf8)
        if name.count <= NoiseConstants.hashLength {
            handshakeHash = name + [UInt8](repeating: 0, count: NoiseConstants.hashLength - name.count)
        } else {
            handshakeHash = Self.hash(name)
        }
        chainingKey = handshakeHash
        cipher = CipherState()
    }

    mutating func mixKey(_ inputKeyMaterial: [UInt8]) {
        let outputs = Self.hkdf(chainingKey: chainingKey, inputKeyMaterial: inputKeyMaterial, outputs: 2)
        chainingKey = outputs[0]
        cipher = CipherState(key: outputs[1])
    }

    mutating func mixHash(_ data: [UInt8]) {
        handshakeHash = Self.hash(handshakeHash + data)
    }

    mutating func mixKeyAndHash(_ inputKeyMaterial: [UInt8]) {
        let outputs = Self.hkdf(chainingKey: chainingKey, inputKeyMaterial: inputKeyMaterial, outputs: 3)
        chainingKey = outputs[0]
        mixHash(outputs[1])
        cipher = CipherState(key: outputs[2])
    }

    mutating func encryptAndHash(_ plaintext: [UInt8]) throws(NoiseError) -> [UInt8] {
        let ciphertext = try cipher.encrypt(plaintext, ad: handshakeHash)
        mixHash(ciphertext)
        return ciphertext
    }

    mutating func decryptAndHash(_ ciphertext: [UInt8]) throws(NoiseError) -> [UInt8] {
        let plaintext = try cipher.decrypt(ciphertext, ad: handshakeHash)
        mixHash(ciphertext)
        return plaintext
    }

    /// Split: the initiator-to-responder and responder-to-initiator cipher states.
    func split() -> (CipherState, CipherState) {
        let outputs = Self.hkdf(chainingKey: chainingKey, inputKeyMaterial: [], outputs: 2)
        return (CipherState(key: outputs[0]), CipherState(key: outputs[1]))
    }

    static func hash(_ data: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: data))
    }

    static func hmac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }

    /// Noise's HKDF (section 4.3): two or three 32-byte outputs from HMAC-SHA256.
    static func hkdf(chainingKey: [UInt8], inputKeyMaterial: [UInt8], outputs count: Int) -> [[UInt8]] {
        precondition(count == 2 || count == 3, "Noise HKDF has two or three outputs")
        let tempKey = hmac(key: chainingKey, inputKeyMaterial)
        var outputs: [[UInt8]] = []
        var previous: [UInt8] = []
        for index in 1...count {
            previous = hmac(key: tempKey, previous + [UInt8(index)])
            outputs.append(previous)
        }
        return outputs
    }
}
