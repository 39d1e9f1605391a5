/// How many terminal columns text takes, and how to cut it to fit. Pure.
///
/// East Asian wide and full-width characters and most emoji take two columns, combining marks and
/// zero-width characters none; everything else one. Good enough for tables of titles and names
/// (what `wcwidth` would say, without the C library's locale).
package enum TextWidth {
    package static func of(_ text: String) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    package static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if character.unicodeScalars.count > 1, character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        return of(first)
    }

    package static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if value == 0x200B { return 0 }
        if scalar.properties.isEmojiPresentation { return 2 }
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// `text` cut to at most `width` columns, ending in "…" when something was cut.
    package static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        guard of(text) > width else { return text }
        var result = ""
        var used = 0
        for character in text {
            let w = of(character)
            if used + w > width - 1 { break }
            result.append(character)
            used += w
        }
        return result + "…"
    }

    /// `text` padded with spaces to `width` columns (on the left for `.right`).
    package static func pad(_ text: String, to width: Int, alignment: Table.Alignment = .left) -> String {
        let missing = max(0, width - of(text))
        let padding = String(repeating: " ", count: missing)
        return alignment == .left ? text + padding : padding + text
    }

    /// One line: newlines, tabs and other control characters become spaces, so a cell cannot
    /// break a table's layout (or smuggle terminal escapes from another department's text).
    package static func singleLine(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.append(contentsOf: text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control ? " " : scalar
        })
        return result
    }
}
