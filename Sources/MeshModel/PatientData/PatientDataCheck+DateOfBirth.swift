extension PatientDataCheck {
    /// Dates of birth: a real calendar date next to a cue ("DOB", "D.O.B.", "date of birth",
    /// "born", "b."), in the forms UK staff type (12/03/1954, 12-03-1954, 12.03.54,
    /// 12 March 1954, 12th Mar 1954, 12-Mar-1954, 1954-03-12). A date with no cue beside it is
    /// not one: ward texts are full of the dates of incidents.
    static func datesOfBirth(in text: ScannedText) -> [Located] {
        let cues = birthCues(in: text)
        guard !cues.isEmpty else { return [] }
        var found = [Located]()
        for date in dates(in: text) {
            let before = cues.last { $0.range.upperBound <= date.lowerBound && isGapAfterCue(text, $0.range.upperBound..<date.lowerBound) }
            let after = cues.first { $0.range.lowerBound >= date.upperBound && isGapBeforeCue(text, date.upperBound..<$0.range.lowerBound) }
            guard let cue = before ?? after else { continue }
            found.append((date.lowerBound, PatientDataFinding(kind: .dateOfBirth, excerpt: text.text(date), explanation: "next to “\(cue.text)”")))
        }
        return found
    }

    // MARK: Cues

    /// The cues, longest first where one starts another; all but "b." in any case.
    private static let cueWords = ["date of birth", "d.o.b.", "d.o.b", "dob", "born"]

    private static func birthCues(in text: ScannedText) -> [(range: Range<Int>, text: String)] {
        var cues = [(range: Range<Int>, text: String)]()
        var index = 0
        while index < text.count {
            defer { index += 1 }
            guard text.startsWord(at: index) else { continue }
            if let word = cueWords.first(where: { text.matches($0, at: index, ignoringCase: true) }) {
                let end = index + word.count
                // "dob" and "born" must end as words ("borne", "newborn" are not cues); a cue
                // ending in "." ends there, unless a letter follows ("d.o.b.x").
                guard !(text[end]?.isLetter ?? false) else { continue }
                cues.append((index..<end, text.text(index..<end)))
                index = end - 1
            } else if text.matches("b.", at: index), !(text[index + 2]?.isLetter ?? false) {
                // Lower case only: "B." is an initial ("Mr B. Smith").
                cues.append((index..<index + 2, "b."))
                index += 1
            }
        }
        return cues
    }

    /// What may stand between a cue and the date after it: "DOB: 12/03/1954", "born on
    /// 12 March 1954", "date of birth is 12.03.54", "D.O.B. - 1954-03-12".
    private static func isGapAfterCue(_ text: ScannedText, _ gap: Range<Int>) -> Bool {
        guard gap.count <= 16 else { return false }
        var words = [String](), word = ""
        for character in text.characters[gap] {
            if character.isLetter {
                word.append(character)
                continue
            }
            if !word.isEmpty {
                words.append(word.lowercased())
                word = ""
            }
            guard gapPunctuation.contains(character) else { return false }
        }
        if !word.isEmpty { words.append(word.lowercased()) }
        return words.allSatisfy { ["on", "is", "was", "of"].contains($0) }
    }

    /// What may stand between a date and the cue after it: "12/03/1954 (DOB)", "12/03/1954, DOB".
    private static func isGapBeforeCue(_ text: ScannedText, _ gap: Range<Int>) -> Bool {
        gap.count <= 3 && text.characters[gap].allSatisfy { gapPunctuation.contains($0) }
    }

    private static let gapPunctuation: Set<Character> = [" ", "\u{00A0}", "\t", ":", "-", "–", "=", "(", "[", ",", "."]

    // MARK: Dates

    /// Every real calendar date in `text`, where it stands.
    static func dates(in text: ScannedText) -> [Range<Int>] {
        var dates = [Range<Int>]()
        var index = 0
        while index < text.count {
            if text.digit(at: index) != nil, text.startsWord(at: index), let end = date(at: index, in: text) {
                dates.append(index..<end)
                index = end
            } else {
                index += 1
            }
        }
        return dates
    }

    private static let dateSeparators: Set<Character> = ["/", "-", "."]

    /// Where a real calendar date starting at `start` ends, nil when none starts there.
    private static func date(at start: Int, in text: ScannedText) -> Int? {
        let first = text.digitRun(at: start)
        if first == 4, let separator = text[start + 4], dateSeparators.contains(separator) {
            // 1954-03-12
            let monthStart = start + 5, monthRun = text.digitRun(at: monthStart)
            let dayStart = monthStart + monthRun + 1, dayRun = text.digitRun(at: dayStart)
            guard (1...2).contains(monthRun), text[monthStart + monthRun] == separator, (1...2).contains(dayRun),
                  let year = number(text, start, 4), let month = number(text, monthStart, monthRun), let day = number(text, dayStart, dayRun)
            else { return nil }
            return finish(text, end: dayStart + dayRun, day: day, month: month, year: year, yearDigits: 4)
        }
        guard (1...2).contains(first), let day = number(text, start, first) else { return nil }
        let afterDay = start + first
        if let separator = text[afterDay], dateSeparators.contains(separator), text.digit(at: afterDay + 1) != nil {
            // 12/03/1954, 12-03-1954, 12.03.54
            let monthStart = afterDay + 1, monthRun = text.digitRun(at: monthStart)
            let yearStart = monthStart + monthRun + 1, yearRun = text.digitRun(at: yearStart)
            guard (1...2).contains(monthRun), text[monthStart + monthRun] == separator, yearRun == 2 || yearRun == 4,
                  let month = number(text, monthStart, monthRun), let year = number(text, yearStart, yearRun)
            else { return nil }
            return finish(text, end: yearStart + yearRun, day: day, month: month, year: year, yearDigits: yearRun)
        }
        // 12 March 1954, 12th Mar 1954, 12-Mar-1954, 12 Sept. 54
        var index = afterDay
        if let suffix = ["st", "nd", "rd", "th"].first(where: { text.matches($0, at: index, ignoringCase: true) }) { index += suffix.count }
        guard let gap = wordGap(text, at: index) else { return nil }
        index += gap
        if text.matches("of ", at: index, ignoringCase: true) { index += 3 }
        let monthStart = index
        while text[index]?.isLetter == true { index += 1 }
        guard let month = month(named: text.text(monthStart..<index)) else { return nil }
        if text[index] == "." { index += 1 }
        if text[index] == "," { index += 1 }
        guard let yearGap = wordGap(text, at: index) else { return nil }
        index += yearGap
        let yearRun = text.digitRun(at: index)
        guard yearRun == 2 || yearRun == 4, let year = number(text, index, yearRun) else { return nil }
        return finish(text, end: index + yearRun, day: day, month: month, year: year, yearDigits: yearRun)
    }

    /// The end of a date that ends as a word and is a real day; nil otherwise.
    private static func finish(_ text: ScannedText, end: Int, day: Int, month: Int, year: Int, yearDigits: Int) -> Int? {
        guard text.endsWord(at: end), isCalendarDate(day: day, month: month, year: year, yearDigits: yearDigits) else { return nil }
        // 12/03/1954/2 or 12.03.54.1 is some other number.
        if let next = text[end], dateSeparators.contains(next), text.digit(at: end + 1) != nil { return nil }
        return end
    }

    /// Whether the day exists: 31/04 does not, 29/02 only in a leap year. A two-digit year may
    /// be of either century, so 29/02/00 is a day (2000 was a leap year). Four-digit years run
    /// from 1880 to 2100.
    static func isCalendarDate(day: Int, month: Int, year: Int, yearDigits: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        if yearDigits == 4 && !(1880...2100).contains(year) { return false }
        let leap = yearDigits == 2 ? year % 4 == 0 : (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    /// The month a name or its usual abbreviation stands for: "March", "mar", "Sept".
    private static func month(named name: String) -> Int? {
        let names = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
        let lower = name.lowercased()
        guard lower.count >= 3 else { return nil }
        if lower == "sept" { return 9 }
        if let full = names.firstIndex(of: lower) { return full + 1 }
        return lower.count == 3 ? names.firstIndex { $0.hasPrefix(lower) }.map { $0 + 1 } : nil
    }

    /// The length of what separates the words of a date ("12 March", "12-Mar"): one hyphen, or
    /// one to three spaces; nil when neither.
    private static func wordGap(_ text: ScannedText, at index: Int) -> Int? {
        if text[index] == "-" { return 1 }
        var count = 0
        while count < 3, text[index + count] == " " || text[index + count] == "\u{00A0}" { count += 1 }
        return count > 0 ? count : nil
    }

    private static func number(_ text: ScannedText, _ start: Int, _ count: Int) -> Int? {
        text.digits(at: start, count: count)?.reduce(0) { $0 * 10 + $1 }
    }
}
