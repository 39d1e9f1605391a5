import Foundation

/// The organisation's network key: 32 random bytes, the same at every department, used as the
/// Noise psk (PROTOCOL.md §2), so a machine without it can neither connect nor learn node ids.
///
/// File format: comment lines and one line `ideamesh-network-key:<64 hex digits>`; mode 0600.
public struct NetworkKey: Equatable, Sendable {
    public let bytes: [UInt8]

    /// A fresh random key (for the organisation's first node).
    public static func generate() -> NetworkKey {
        var generator = SystemRandomNumberGenerator()
        return NetworkKey(unchecked: (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    public static func load(path: String) throws(NetworkKeyError) -> NetworkKey {
        let text: String
        do { text = try PrivateFile.readOwnerOnly(path) } catch {
            switch error {
            case .missing: throw .missing(path: path)
            case .permissions(let mode): throw .permissions(path: path, mode: mode)
            default: throw .malformed(path: path)
            }
        }
        for line in text.split(separator: "\n") where line.hasPrefix("ideamesh-network-key:") {
            let hex = Array(line.dropFirst("ideamesh-network-key:".count).trimmingCharacters(in: .whitespaces).utf8)
            guard hex.count == 64 else { throw .malformed(path: path) }
            var bytes = [UInt8]()
            for i in stride(from: 0, to: 64, by: 2) {
                guard let byte = UInt8(String(decoding: hex[i..<i + 2], as: UTF8.self), radix: 16) else { throw .malformed(path: path) }
                bytes.append(byte)
            }
            return NetworkKey(unchecked: bytes)
        }
        throw .malformed(path: path)
    }

    /// Writes the key to a new file (mode 0600); refuses to overwrite.
    public func write(to path: String) throws(NetworkKeyError) {
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let text = """
            # The organisation's ideamesh network key. Every department needs this same file; keep it
            # secret (mode 0600) and hand it over only by a trusted channel.
            ideamesh-network-key:\(hex)

            """
        do { try PrivateFile.create(path, mode: 0o600, contents: text) } catch {
            switch error {
            case .exists: throw .exists(path: path)
            case .io(let reason): throw .io(path: path, reason: reason)
            default: throw .io(path: path, reason: "cannot create")
            }
        }
    }
}

public enum NetworkKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case missing(path: String)
    case exists(path: String)
    case permissions(path: String, mode: Int)
    case malformed(path: String)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let path):
            "no network key at \(path): copy your organisation's key there (mode 0600), or make a new one with `ideameshd init --new-network` for the first department"
        case .exists(let path): "\(path) already exists; refusing to overwrite a network key"
        case .permissions(let path, let mode):
            "\(path) has mode \(String(mode, radix: 8)); it must be readable by its owner only: chmod 600 \(path)"
        case .malformed(let path): "\(path) is not an ideamesh network key file (expected a line ideamesh-network-key:<64 hex digits>)"
        case .io(let path, let reason): "\(path): \(reason)"
        }
    }
}
