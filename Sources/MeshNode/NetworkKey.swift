import Foundation

/// The organisation's network key: 32 random bytes, the same at every department, used as the
/// Noise psk (PROTOCOL.md §2), so a machine without it can neither connect nor learn node ids.
///
/// File format (PROTOCOL.md §2, "The network key file"): comment lines and one line
/// `ideamesh-network-key:<64 hex digits>`; readable by its owner only (mode 0600).
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
        guard let bytes = parse(text) else { throw .malformed(path: path) }
        return NetworkKey(unchecked: bytes)
    }

    static let linePrefix = Array("ideamesh-network-key:".utf8)

    /// The key of a key file's text: the first line (LF-separated, a CR before the LF ignored)
    /// that starts with `ideamesh-network-key:`, followed by exactly 64 hex digits of either case,
    /// with spaces or tabs around them allowed. Nil when that line is malformed or missing.
    static func parse(_ text: String) -> [UInt8]? {
        for var line in Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            guard line.starts(with: linePrefix) else { continue }
            line = line.dropFirst(linePrefix.count)
            let blank: Set<UInt8> = [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r")]
            while let last = line.last, blank.contains(last) { line = line.dropLast() }
            while let first = line.first, blank.contains(first) { line = line.dropFirst() }
            let digits = line.compactMap(hexValue)
            guard line.count == 64, digits.count == 64 else { return nil }
            return stride(from: 0, to: 64, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
        }
        return nil
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
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
