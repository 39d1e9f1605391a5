import Crypto
import Foundation
import MeshCRDT

/// A node's Ed25519 key pair. The public key is the node's id.
public struct NodeIdentity: Sendable {
    let key: Curve25519.Signing.PrivateKey
    public let nodeID: NodeID

    /// A fresh random identity.
    public init() {
        self.init(key: Curve25519.Signing.PrivateKey())
    }

    /// From the 32-byte private key seed (as stored in the identity file).
    public init(seed: some ContiguousBytes) throws(IdentityError) {
        do {
            self.init(key: try Curve25519.Signing.PrivateKey(rawRepresentation: seed))
        } catch {
            throw IdentityError.malformedKey
        }
    }

    init(key: Curve25519.Signing.PrivateKey) {
        self.key = key
        nodeID = NodeID(bytes: key.publicKey.rawRepresentation)!
    }

    /// The 32-byte private key seed. Handle with care: whoever holds it can write as this node.
    public var seed: Data { key.rawRepresentation }

    public func sign(_ bytes: Data) -> Data {
        // Ed25519 signing only fails on an internal error of the crypto library.
        guard let signature = try? key.signature(for: bytes) else {
            preconditionFailure("Ed25519 signing failed")
        }
        return signature
    }
}

public enum IdentityError: Error, Equatable, Sendable {
    case malformedKey
}

extension NodeID {
    /// True when `signature` is this node's Ed25519 signature over `bytes`.
    public func verifies(_ signature: Data, over bytes: Data) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: self.bytes) else { return false }
        return key.isValidSignature(signature, for: bytes)
    }
}

/// SHA-256, the hash of the op chain.
public enum OpHash {
    public static let byteCount = 32

    public static func of(_ bytes: Data) -> Data {
        SHA256.hash(data: bytes).withUnsafeBytes { Data($0) }
    }

    /// Whether `hash` (an op's `prev`) equals `data`, without generic byte iteration.
    public static func equal(_ hash: [UInt8], _ data: Data) -> Bool {
        hash.count == data.count && hash.withUnsafeBytes { a in data.withUnsafeBytes { b in a.elementsEqual(b) } }
    }
}
