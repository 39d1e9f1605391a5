/// A piece of HTML that is safe to send: text interpolated into it is escaped, pieces of `HTML`
/// are not. Pages are written as `HTML` literals, so no text a person typed can become markup.
///
///     let page: HTML = "<h1>\(idea.title)</h1>\(body)"   // title escaped, body (HTML) kept
public struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var text: String

    public init(stringLiteral value: String) { text = value }
    public init(stringInterpolation: Interpolation) { text = stringInterpolation.text }
    /// Markup built elsewhere that is known to be safe (an SVG chart the chart code escaped).
    public init(trusted text: String) { self.text = text }

    public var description: String { text }

    public static let empty: HTML = ""

    public static func + (lhs: HTML, rhs: HTML) -> HTML { HTML(trusted: lhs.text + rhs.text) }

    public struct Interpolation: StringInterpolationProtocol {
        var text = ""
        public init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity * 2) }
        public mutating func appendLiteral(_ literal: String) { text += literal }
        /// Text: escaped.
        public mutating func appendInterpolation(_ value: String) { text += HTML.escape(value) }
        public mutating func appendInterpolation(_ value: String?) { text += HTML.escape(value ?? "") }
        public mutating func appendInterpolation(_ value: Int) { text += String(value) }
        /// Markup: kept.
        public mutating func appendInterpolation(_ html: HTML) { text += html.text }
        public mutating func appendInterpolation(_ html: HTML?) { text += html?.text ?? "" }
        public mutating func appendInterpolation(_ list: [HTML]) { for html in list { text += html.text } }
    }

    /// Escapes the five characters that matter in element content and quoted attributes.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// `items` joined by `separator`.
    public static func join(_ items: [HTML], separator: HTML = "") -> HTML {
        HTML(trusted: items.map(\.text).joined(separator: separator.text))
    }
}
