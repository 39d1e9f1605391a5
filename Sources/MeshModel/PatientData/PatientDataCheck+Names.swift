extension PatientDataCheck {
    /// The titles a patient's name is written with. "Dr" is left out (doctors are staff, and
    /// "Dr on call" is everyday ward text), and so are "MR" (magnetic resonance: "MR Safety")
    /// and "MS" ("MS Teams", "MS Nurse"); longer titles come before their prefixes.
    private static let titles = ["Mrs", "Miss", "Mr", "Ms", "Mx", "MRS", "MISS"]

    /// Words before which "Miss" is the verb, not a title: "we Miss Doses", "Don't Miss Sepsis".
    private static let verbContext: Set<String> = [
        "i", "we", "you", "they", "to", "not", "never", "don't", "dont", "didn't", "doesn't", "do", "does", "did", "can", "can't",
        "could", "may", "might", "will", "won't", "would", "should", "shall", "often", "sometimes", "rarely", "still", "also",
    ]

    /// Lower-case words that may start a surname: "Mr van der Berg".
    private static let particles: Set<String> = ["van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "le", "la", "ter", "ten"]

    /// Names with a title: "Mr Smith", "Mrs. O'Neill", "Ms Khan", "Miss Jones", "Mx Taylor",
    /// "Mr J. R. Smith-Jones". A title alone ("Mr"), a title before a lower-case word ("Mr said")
    /// and a title before initials only ("Mr A", as anonymised notes write) are not names.
    static func namesWithTitle(in text: ScannedText) -> [Located] {
        var found = [Located]()
        var index = 0
        while index < text.count {
            guard text.startsWord(at: index),
                  let title = titles.first(where: { text.matches($0, at: index) && text.endsWord(at: index + $0.count) }),
                  !(title.lowercased() == "miss" && verbContext.contains(previousWord(before: index, in: text))),
                  let end = nameEnd(after: index + title.count, in: text)
            else {
                index += 1
                continue
            }
            found.append((index, PatientDataFinding(kind: .nameWithTitle, excerpt: text.text(index..<end), explanation: "a title followed by a name")))
            index = end
        }
        return found
    }

    /// Where the name after a title (ending at `start`) ends: an optional ".", one or two
    /// spaces, initials, particles, then a capitalised surname of two letters or more.
    private static func nameEnd(after start: Int, in text: ScannedText) -> Int? {
        var index = start
        if text[index] == "." { index += 1 }
        guard let lead = spaces(at: index, in: text, most: 2) else { return nil }
        index += lead
        // Initials: "J Smith", "J. Smith", "J.R. Smith".
        for _ in 0..<3 {
            guard let letter = text[index], letter.isUppercase, !(text[index + 1]?.isLetter ?? false) else { break }
            var next = index + 1
            if text[next] == "." { next += 1 }
            let gap = spaces(at: next, in: text, most: 2) ?? 0
            guard gap > 0 || text[next - 1] == "." else { break }
            index = next + gap
        }
        // Particles: "van der Berg".
        while true {
            var end = index
            while text[end]?.isLowercase == true { end += 1 }
            guard end > index, particles.contains(text.text(index..<end)), let gap = spaces(at: end, in: text, most: 1) else { break }
            index = end + gap
        }
        return surnameEnd(at: index, in: text)
    }

    /// Where a capitalised surname starting at `start` ends: letters, joined by an apostrophe
    /// or a hyphen ("O'Neill", "Smith-Jones"), but not the possessive "'s".
    private static func surnameEnd(at start: Int, in text: ScannedText) -> Int? {
        guard let first = text[start], first.isUppercase, first.isLetter else { return nil }
        var index = start + 1
        var letters = 1
        while let character = text[index] {
            if character.isLetter {
                letters += 1
                index += 1
            } else if ["'", "’", "-"].contains(character), text[index + 1]?.isLetter == true,
                      !(character != "-" && text[index + 1] == "s" && !(text[index + 2]?.isLetter ?? false)) {
                index += 1
            } else {
                break
            }
        }
        guard letters >= 2, text.endsWord(at: index) else { return nil }
        return index
    }

    /// How many spaces (1 to `most`) stand at `index`; nil when none or more.
    private static func spaces(at index: Int, in text: ScannedText, most: Int) -> Int? {
        var count = 0
        while text[index + count] == " " || text[index + count] == "\u{00A0}" { count += 1 }
        return (1...most).contains(count) ? count : nil
    }

    /// The word before `index` (past spaces), in lower case with a straight apostrophe.
    private static func previousWord(before index: Int, in text: ScannedText) -> String {
        var end = index
        while end > 0, text[end - 1] == " " { end -= 1 }
        var start = end
        while start > 0, let character = text[start - 1], character.isLetter || character == "'" || character == "’" { start -= 1 }
        return text.text(start..<end).lowercased().replacingApostrophes()
    }
}

extension String {
    /// The text with ’ written as '.
    fileprivate func replacingApostrophes() -> String {
        String(map { $0 == "’" ? "'" : $0 })
    }
}
