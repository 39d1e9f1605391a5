import MeshWire

/// Bytes a message costs on the wire, as PROTOCOL.md §1 frames it (what `SecureChannel.send`
/// writes): the serialized Envelope behind a 4-byte length, cut into Noise transport messages of
/// at most 65,519 plaintext bytes, each with a 16-byte tag and a 2-byte frame length. A digest
/// Have (36 bytes) costs 58.
public enum WireCost {
    static let chunkBytes = NoiseConstants.maxMessageLength - NoiseConstants.tagLength
    static let perFrame = 2 + NoiseConstants.tagLength

    /// Wire bytes of one sync message whose serialized Envelope is `envelopeBytes` long.
    public static func message(envelopeBytes: Int) -> Int {
        let plaintext = 4 + envelopeBytes
        let frames = (plaintext + chunkBytes - 1) / chunkBytes
        return plaintext + frames * perFrame
    }

    /// Bytes of `HandshakePayload` for a department label of `departmentBytes` UTF-8 bytes: the
    /// node id (tag, length, 32 bytes), the signature (tag, length, 64 bytes), the department.
    static func handshakePayload(departmentBytes: Int) -> Int {
        (2 + 32) + (2 + 64) + (departmentBytes == 0 ? 0 : 1 + varintBytes(departmentBytes) + departmentBytes)
    }

    /// The three handshake messages of `Noise_XXpsk0_25519_ChaChaPoly_SHA256` (PROTOCOL.md §2),
    /// framed: `-> psk, e` (an ephemeral key and the empty payload's tag), `<- e, ee, s, es` (an
    /// ephemeral key, the encrypted static key, the encrypted payload), `-> s, se` (the
    /// encrypted static key and payload).
    public static func handshake(initiatorDepartmentBytes: Int, responderDepartmentBytes: Int) -> [Int] {
        let dh = NoiseConstants.dhLength, tag = NoiseConstants.tagLength
        return [
            2 + dh + tag,
            2 + dh + (dh + tag) + handshakePayload(departmentBytes: responderDepartmentBytes) + tag,
            2 + (dh + tag) + handshakePayload(departmentBytes: initiatorDepartmentBytes) + tag,
        ]
    }

    static func varintBytes(_ value: Int) -> Int {
        var bytes = 1, rest = value >> 7
        while rest > 0 { bytes += 1; rest >>= 7 }
        return bytes
    }
}
