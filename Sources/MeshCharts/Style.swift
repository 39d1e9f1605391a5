/// ANSI SGR attributes used by the CLI.
package enum ANSIStyle: String, Sendable {
    case bold = "1"
    case dim = "2"
    case red = "31"
    case green = "32"
    case yellow = "33"
    case blue = "34"
    case magenta = "35"
    case cyan = "36"
    case boldGreen = "1;32"
    case boldRed = "1;31"
}

/// Whether output is painted. Colour goes only to a terminal, and never when NO_COLOR is set
/// (https://no-color.org); `Terminal` decides, views only ask.
package struct TextStyle: Sendable {
    package let enabled: Bool

    package init(enabled: Bool) { self.enabled = enabled }

    package static let plain = TextStyle(enabled: false)
    package static let color = TextStyle(enabled: true)

    package func paint(_ text: String, _ style: ANSIStyle) -> String {
        guard enabled, !text.isEmpty else { return text }
        return "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m"
    }

    package func bold(_ text: String) -> String { paint(text, .bold) }
    package func dim(_ text: String) -> String { paint(text, .dim) }

    /// The colour of an idea status: where it is on the way from proposed to spread.
    package static func color(ofStatus status: String) -> ANSIStyle? {
        switch status {
        case "under-review": .yellow
        case "testing": .cyan
        case "adopted": .green
        case "spread": .boldGreen
        case "declined": .red
        case "closed": .dim
        default: nil
        }
    }
}
