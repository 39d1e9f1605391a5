/// Looks through free text for what looks like patient-identifiable data, typed by mistake into
/// an idea, a comment or a PDSA note: NHS numbers with a valid check digit, dates of birth, and
/// names written with a title ("Mrs O'Neill"). The one place this rule lives; the daemon applies
/// it to local writes as a warning (CONTROL.md, "Patient data"), never to ops from other nodes.
///
/// It is a first line of defence, tuned to keep false alarms on ordinary QI text rare: a date
/// without a cue ("falls fell from 12 to 4 per week on 03/02/2025") is not a date of birth, a
/// 10-digit number passes only with a valid check digit (about one in eleven random ones do),
/// and "Dr Patel" (staff) or "MS Teams" is not a patient's name. It finds what it finds, never
/// everything: free text can identify a patient in ways no pattern sees.
public enum PatientDataCheck {
    /// What `text` holds that looks like patient data, in the order it appears; the same
    /// excerpt of the same kind once.
    public static func findings(in text: String) -> [PatientDataFinding] {
        let scanned = ScannedText(text)
        let located = (nhsNumbers(in: scanned) + datesOfBirth(in: scanned) + namesWithTitle(in: scanned))
            .sorted { $0.offset < $1.offset }
        var seen = Set<PatientDataFinding>()
        return located.map(\.finding).filter { seen.insert($0).inserted }
    }

    /// A finding and where it starts (in `Character`s), for ordering.
    typealias Located = (offset: Int, finding: PatientDataFinding)
}

// MARK: - Reading characters

/// Text as characters, with what the three searches ask of it.
struct ScannedText {
    let characters: [Character]

    init(_ text: String) {
        characters = Array(text)
    }

    var count: Int { characters.count }

    /// The character at `index`, nil outside the text.
    subscript(index: Int) -> Character? {
        characters.indices.contains(index) ? characters[index] : nil
    }

    /// The ASCII digit at `index`, nil for anything else.
    func digit(at index: Int) -> Int? {
        self[index]?.asciiDigit
    }

    /// The ASCII digits from `start`, when exactly `count` of them stand there.
    func digits(at start: Int, count: Int) -> [Int]? {
        var values = [Int]()
        for index in start..<start + count {
            guard let digit = digit(at: index) else { return nil }
            values.append(digit)
        }
        return values
    }

    /// How many ASCII digits follow one another from `start` (0 when none).
    func digitRun(at start: Int) -> Int {
        var end = start
        while digit(at: end) != nil { end += 1 }
        return end - start
    }

    /// Whether `word` stands at `start`, compared without case when `ignoringCase`.
    func matches(_ word: String, at start: Int, ignoringCase: Bool = false) -> Bool {
        var index = start
        for wanted in word {
            guard let here = self[index] else { return false }
            if ignoringCase ? here.lowercased() != wanted.lowercased() : here != wanted { return false }
            index += 1
        }
        return true
    }

    /// Whether a word may start at `index`: the text starts there, or a character that is
    /// neither a letter nor a digit comes before it.
    func startsWord(at index: Int) -> Bool {
        !(self[index - 1]?.isLetterOrDigit ?? false)
    }

    /// Whether a word may end before `index`: the text ends there, or a character that is
    /// neither a letter nor a digit stands there.
    func endsWord(at index: Int) -> Bool {
        !(self[index]?.isLetterOrDigit ?? false)
    }

    func text(_ range: Range<Int>) -> String {
        String(characters[range])
    }
}

extension Character {
    /// 0–9 only: other scripts' digits are not how an NHS number or a date is typed here.
    var asciiDigit: Int? {
        guard let value = asciiValue, (48...57).contains(value) else { return nil }
        return Int(value - 48)
    }

    var isLetterOrDigit: Bool { isLetter || isNumber }
}
