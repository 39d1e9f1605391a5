/// Word wrapping for paragraphs of text (problems, solutions, comments). Pure.
package enum TextWrap {
    /// `text` as lines of at most `width` columns, each prefixed with `indent`. Line breaks in the
    /// text are kept; a word longer than a line is cut; control characters become spaces.
    package static func lines(_ text: String, width: Int, indent: String = "") -> [String] {
        let room = max(10, width - TextWidth.of(indent))
        var out: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let clean = TextWidth.singleLine(String(paragraph))
            var line = ""
            var used = 0
            for word in clean.split(separator: " ", omittingEmptySubsequences: true) {
                var word = String(word)
                var w = TextWidth.of(word)
                if used > 0 && used + 1 + w > room {
                    out.append(indent + line)
                    line = ""
                    used = 0
                }
                while w > room {
                    // A word longer than a whole line: cut it.
                    var head = ""
                    var headWidth = 0
                    var rest = Substring(word)
                    while let c = rest.first, headWidth + TextWidth.of(c) <= room {
                        head.append(c)
                        headWidth += TextWidth.of(c)
                        rest = rest.dropFirst()
                    }
                    if used > 0 { out.append(indent + line); line = ""; used = 0 }
                    out.append(indent + head)
                    word = String(rest)
                    w = TextWidth.of(word)
                }
                if word.isEmpty { continue }
                line += (used > 0 ? " " : "") + word
                used += (used > 0 ? 1 : 0) + w
            }
            out.append(used > 0 ? indent + line : "")
        }
        while out.last == "" { out.removeLast() }
        return out
    }
}
