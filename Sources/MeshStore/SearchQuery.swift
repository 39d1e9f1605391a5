/// What a person typed into search, as an FTS5 query that matches what they meant and can never
/// be a syntax error: the text is read as words, never as FTS5 syntax. Each whitespace-separated
/// chunk becomes one quoted phrase of its letters and digits ("hand-gel" → `"hand gel"`,
/// "O'Brien" → `"O Brien"`, "6am?" → `"6am"`), and an idea or comment must hold every phrase.
/// Text in double quotes is one phrase (`"hand gel"`; an unclosed quote runs to the end).
/// Other punctuation and symbols separate words, as the index's tokenizer (unicode61) does.
public struct SearchQuery: Equatable, Sendable {
    /// The phrases, each a run of words (letters, digits, combining marks) in the order typed.
    public let phrases: [[String]]

    /// Text with no letter or digit at all (empty, spaces, punctuation, symbols): nothing to search for.
    public struct NoWords: Error, Equatable, Sendable, CustomStringConvertible {
        public let text: String
        public var description: String {
            text.allSatisfy(\.isWhitespace)
                ? "search text is empty: give some words to search for"
                : "nothing to search for in \"\(text)\": search matches words (letters and digits), and this has none"
        }
    }

    public init(_ text: String) throws(NoWords) {
        var chunks = [String](), chunk = "", quoted = false
        for character in text {
            if character == "\"" {
                quoted.toggle()
                chunks.append(chunk)
                chunk = ""
            } else if character.isWhitespace && !quoted {
                chunks.append(chunk)
                chunk = ""
            } else {
                chunk.append(character)
            }
        }
        chunks.append(chunk)
        let phrases = chunks.map { $0.split(whereSeparator: { !Self.isWordCharacter($0) }).map(String.init) }.filter { !$0.isEmpty }
        guard !phrases.isEmpty else { throw NoWords(text: text) }
        self.phrases = phrases
    }

    /// The FTS5 query: quoted phrases, implicitly ANDed. A phrase holds only word characters, so
    /// there is nothing inside the quotes to escape.
    public var fts5: String {
        phrases.map { "\"" + $0.joined(separator: " ") + "\"" }.joined(separator: " ")
    }

    static func isWordCharacter(_ character: Character) -> Bool {
        character.unicodeScalars.allSatisfy { scalar in
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .decimalNumber, .letterNumber, .otherNumber,
                 .nonspacingMark, .spacingMark, .enclosingMark, .privateUse:
                true
            default: false
            }
        }
    }
}
