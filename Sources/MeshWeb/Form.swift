/// A posted form (`application/x-www-form-urlencoded`), as names and values. A name given more
/// than once keeps every value (`all`), in order.
public struct Form: Sendable, Equatable {
    public private(set) var pairs: [(String, String)] = []

    public init(_ body: String) {
        for part in body.split(separator: "&") where !part.isEmpty {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            pairs.append((Self.decode(pieces[0]), pieces.count > 1 ? Self.decode(pieces[1]) : ""))
        }
    }

    public init(pairs: [(String, String)]) { self.pairs = pairs }

    /// The first value of `name`, trimmed of surrounding whitespace; nil when absent or blank.
    public subscript(name: String) -> String? {
        guard let value = pairs.first(where: { $0.0 == name })?.1 else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    public func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    public func has(_ name: String) -> Bool { pairs.contains { $0.0 == name } }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    public static func == (lhs: Form, rhs: Form) -> Bool {
        lhs.pairs.count == rhs.pairs.count && zip(lhs.pairs, rhs.pairs).allSatisfy { $0 == $1 }
    }
}

import Foundation
