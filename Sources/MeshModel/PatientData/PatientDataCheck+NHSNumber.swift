extension PatientDataCheck {
    /// The check digit of an NHS number whose first nine digits are `first9`, by the NHS
    /// Modulus 11 algorithm: multiply the digits by 10, 9, … 2, add the products, and take 11
    /// minus the remainder of the sum divided by 11; 11 gives 0, and 10 means that no NHS number
    /// starts with these nine digits (nil).
    public static func nhsCheckDigit(of first9: [Int]) -> Int? {
        precondition(first9.count == 9 && first9.allSatisfy { (0...9).contains($0) }, "nine digits")
        let sum = zip(first9, (2...10).reversed()).reduce(0) { $0 + $1.0 * $1.1 }
        switch 11 - sum % 11 {
        case 11: return 0
        case 10: return nil
        case let digit: return digit
        }
    }

    /// Whether `digits` (ten of them) end in the check digit of the first nine. Ten equal
    /// digits are left out: every such number passes the check (54 × d ≡ −d mod 11), and
    /// "0000000000" or "9999999999" is a placeholder, not a patient.
    public static func isValidNHSNumber(_ digits: [Int]) -> Bool {
        guard digits.count == 10, Set(digits).count > 1 else { return false }
        return nhsCheckDigit(of: Array(digits.prefix(9))) == digits[9]
    }

    /// Separators of the 3-3-4 form: a space (a no-break space too) or a hyphen.
    private static let groupSeparators: Set<Character> = [" ", "\u{00A0}", "-"]
    /// Characters that join digits into a longer number: 12.9434765919, 1-943-476-5919.
    private static let numberJoiners: Set<Character> = [".", ",", "-", "/", ":"]

    /// NHS numbers: ten digits written together or as 3-3-4 with spaces or hyphens, whose check
    /// digit is valid, standing alone: not inside a longer run of digits (or of digit groups),
    /// not glued to letters (an order code such as "PO9434765919").
    static func nhsNumbers(in text: ScannedText) -> [Located] {
        var found = [Located]()
        var index = 0
        while index < text.count {
            let run = text.digitRun(at: index)
            guard run > 0 else {
                index += 1
                continue
            }
            if let (digits, end, separator) = number(at: index, in: text),
               standsAlone(index..<end, separator: separator, in: text), isValidNHSNumber(digits) {
                found.append((index, PatientDataFinding(kind: .nhsNumber, excerpt: text.text(index..<end), explanation: "valid check digit")))
                index = end
            } else {
                index += run
            }
        }
        return found
    }

    /// Ten digits from `start`, together or as 3-3-4: the digits, where they end, and the
    /// separator of the groups (nil when together).
    private static func number(at start: Int, in text: ScannedText) -> (digits: [Int], end: Int, separator: Character?)? {
        if text.digitRun(at: start) == 10, let digits = text.digits(at: start, count: 10) {
            return (digits, start + 10, nil)
        }
        guard text.digitRun(at: start) == 3, let first = text[start + 3], groupSeparators.contains(first),
              text.digitRun(at: start + 4) == 3, let second = text[start + 7], groupSeparators.contains(second),
              text.digitRun(at: start + 8) == 4,
              let a = text.digits(at: start, count: 3), let b = text.digits(at: start + 4, count: 3), let c = text.digits(at: start + 8, count: 4)
        else { return nil }
        return (a + b + c, start + 12, second)
    }

    /// Whether the number at `range` stands alone: no letter or digit touches it, and no joiner
    /// (or its own group separator) links it to another digit.
    private static func standsAlone(_ range: Range<Int>, separator: Character?, in text: ScannedText) -> Bool {
        func links(_ character: Character?, toDigitAt index: Int) -> Bool {
            guard let character else { return false }
            if character.isLetterOrDigit { return true }
            let joins = numberJoiners.contains(character) || character == separator
            return joins && text.digit(at: index) != nil
        }
        return !links(text[range.lowerBound - 1], toDigitAt: range.lowerBound - 2)
            && !links(text[range.upperBound], toDigitAt: range.upperBound + 1)
    }
}
