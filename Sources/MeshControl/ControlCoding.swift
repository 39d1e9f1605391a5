import Foundation

/// The one encoder and decoder pair of control params and results, used by the daemon and the
/// clients alike: Swift's camelCase names are snake_case keys on the wire (`shortId` is
/// `short_id`, `rttMs` is `rtt_ms`, `upperTwoSigma` is `upper_two_sigma`). Properties are named
/// so that the conversion round-trips (`shortId`, never `shortID`); `MeshControlTests` checks
/// every key. Dictionary keys (node ids) are left as they are.
public enum ControlCoding {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// A Swift name as its wire key: `sinceMs` → `since_ms` (what the encoder does), for
    /// messages that name a key.
    public static func wireKey(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }
}
