@testable import MeshModel
import Testing

/// The patient-data warning's rule (issue: "Warn at submit time when text looks like a patient
/// identifier"). Check digits are worked by hand below, by the NHS Modulus 11 algorithm: weights
/// 10, 9, … 2 on the first nine digits, check = 11 − (sum mod 11), 11 → 0, 10 → no such number.
struct PatientDataCheckTests {
    static func digits(_ text: String) -> [Int] { text.compactMap(\.wholeNumberValue) }

    static func kinds(_ text: String) -> [PatientDataFinding.Kind] { PatientDataCheck.findings(in: text).map(\.kind) }

    static func excerpts(_ text: String) -> [String] { PatientDataCheck.findings(in: text).map(\.excerpt) }

    // MARK: NHS numbers

    @Test func checkDigitsWorkedByHand() {
        // 943 476 5919, the NHS's published example:
        // 9·10 + 4·9 + 3·8 + 4·7 + 7·6 + 6·5 + 5·4 + 9·3 + 1·2 = 90+36+24+28+42+30+20+27+2 = 299;
        // 299 = 27·11 + 2; 11 − 2 = 9: the tenth digit.
        #expect(PatientDataCheck.nhsCheckDigit(of: Self.digits("943476591")) == 9)
        // 401 023 2137 (an NHS test number): 40+0+8+0+12+15+8+3+6 = 92 = 8·11 + 4; 11 − 4 = 7.
        #expect(PatientDataCheck.nhsCheckDigit(of: Self.digits("401023213")) == 7)
        // 123 456 783·: 10+18+24+28+30+30+28+24+6 = 198 = 18·11 + 0; 11 − 0 = 11, which is 0.
        #expect(PatientDataCheck.nhsCheckDigit(of: Self.digits("123456783")) == 0)
        // 123 456 789·: 10+18+24+28+30+30+28+24+18 = 210 = 19·11 + 1; 11 − 1 = 10: no NHS number
        // starts with these nine digits (so the everyday 1234567890 is never one).
        #expect(PatientDataCheck.nhsCheckDigit(of: Self.digits("123456789")) == nil)

        #expect(PatientDataCheck.isValidNHSNumber(Self.digits("9434765919")))
        #expect(PatientDataCheck.isValidNHSNumber(Self.digits("4010232137")))
        #expect(PatientDataCheck.isValidNHSNumber(Self.digits("1234567830")))
        #expect(!PatientDataCheck.isValidNHSNumber(Self.digits("9434765918")), "wrong check digit")
        #expect(!PatientDataCheck.isValidNHSNumber(Self.digits("9434765910")), "wrong check digit")
        #expect(!PatientDataCheck.isValidNHSNumber(Self.digits("4010232136")), "wrong check digit")
        for last in 0...9 {
            #expect(!PatientDataCheck.isValidNHSNumber(Self.digits("123456789\(last)")), "check digit 10: none is valid")
        }
        // d repeated: the sum is 54·d ≡ −d (mod 11), so the check digit is d: every one passes,
        // and every one is a placeholder.
        for digit in 0...9 {
            let same = String(repeating: String(digit), count: 10)
            #expect(PatientDataCheck.nhsCheckDigit(of: Self.digits(String(same.prefix(9)))) == digit)
            #expect(!PatientDataCheck.isValidNHSNumber(Self.digits(same)), "\(same) is a placeholder")
        }
    }

    @Test func nhsNumbersTogetherOrThreeThreeFour() {
        for text in ["9434765919", "943 476 5919", "943-476-5919", "943 476-5919", "943\u{00A0}476\u{00A0}5919"] {
            let found = PatientDataCheck.findings(in: "NHS no: \(text), seen in clinic")
            #expect(found == [PatientDataFinding(kind: .nhsNumber, excerpt: text, explanation: "valid check digit")], "\(text)")
        }
        #expect(Self.excerpts("(4010232137)") == ["4010232137"])
        #expect(Self.excerpts("1234567830 at the start") == ["1234567830"])
        #expect(Self.excerpts("ends with 401 023 2137.") == ["401 023 2137"], "a full stop ends a sentence")
        #expect(PatientDataCheck.findings(in: "pt 943 476 5919").first?.description == "NHS number 943 476 5919 (valid check digit)")
    }

    @Test func nhsNumberLookalikesAreNotFindings() {
        let texts = [
            "943 476 5918", "9434765910", "401-023-2136",  // wrong check digits
            "1234567890", "123 456 7891",  // check digit 10
            "0000000000", "999 999 9999",  // placeholders
            "19434765919", "94347659190", "943 476 59190", "1943 476 5919",  // inside longer runs
            "ref 1-943-476-5919", "943-476-5919-2", "12 943 476 5919", "943 476 5919 1",  // inside longer groups
            "9434765919.5", "3.9434765919", "1,9434765919", "2025/9434765919",  // numbers with a point or a joiner
            "PO9434765919", "9434765919A", "order 4500123456 (check digit would be 8)",  // codes, order numbers
            "94 347 65919", "9434 765 919", "943  476 5919", "943.476.5919",  // other groupings
            "call 01632 960983 or 0113 496 0000", "bleep 2345, ext 4321",  // phone numbers, bleeps
        ]
        for text in texts {
            #expect(Self.kinds(text).isEmpty, "\(text): \(PatientDataCheck.findings(in: text))")
        }
    }

    // MARK: Dates of birth

    @Test func datesNextToACue() {
        let cases: [(String, String, String)] = [
            ("DOB 12/03/1954", "12/03/1954", "DOB"),
            ("D.O.B.: 12-03-1954", "12-03-1954", "D.O.B."),
            ("D.O.B 12.03.54", "12.03.54", "D.O.B"),
            ("dob - 1/3/54", "1/3/54", "dob"),
            ("Date of birth: 12 March 1954", "12 March 1954", "Date of birth"),
            ("date of birth is 12th Mar 1954", "12th Mar 1954", "date of birth"),
            ("born on 1954-03-12", "1954-03-12", "born"),
            ("Born 12-Mar-1954", "12-Mar-1954", "Born"),
            ("b. 12 Sept 1954", "12 Sept 1954", "b."),
            ("12/03/1954 (DOB)", "12/03/1954", "DOB"),
            ("DOB=29/02/1952", "29/02/1952", "DOB"),  // a leap year
            ("DOB 29/02/2000", "29/02/2000", "DOB"),  // divisible by 400: a leap year
            ("DOB 29/02/00", "29/02/00", "DOB"),  // 2000, then
            ("DOB 31/12/1999", "31/12/1999", "DOB"),
        ]
        for (text, excerpt, cue) in cases {
            let found = PatientDataCheck.findings(in: "Patient \(text) was moved")
            #expect(found == [PatientDataFinding(kind: .dateOfBirth, excerpt: excerpt, explanation: "next to “\(cue)”")], "\(text)")
        }
        #expect(PatientDataCheck.findings(in: "DOB 12/03/1954").first?.description == "date of birth 12/03/1954 (next to “DOB”)")
    }

    @Test func datesWithoutACueOrNotOnTheCalendarAreNotFindings() {
        let texts = [
            "falls fell from 12 to 4 per week on 03/02/2025",
            "incidents on 12 March 2025, 2025-03-14 and 15.03.25",
            "the idea was born in a ward meeting held on 03/02/2025",  // the cue too far away
            "newborn checks on 03/02/2025", "airborne precautions 03/02/2025",  // not the word "born"
            "DOB 31/04/1954", "DOB 29/02/1954", "DOB 29/02/1900", "DOB 12/13/1954", "DOB 0/03/1954", "DOB 32 March 1954",
            "DOB 12 Marching 1954", "DOB 12/03", "DOB 12/03/195", "DOB 12/03-1954", "DOB 12/03/1954/2", "DOB 12/03/1754",
            "DOB: not recorded", "Mr B. 12/03/2025",  // "B." is an initial, not "born"
        ]
        for text in texts {
            #expect(!Self.kinds(text).contains(.dateOfBirth), "\(text): \(PatientDataCheck.findings(in: text))")
        }
        #expect(PatientDataCheck.isCalendarDate(day: 29, month: 2, year: 2024, yearDigits: 4))
        #expect(!PatientDataCheck.isCalendarDate(day: 29, month: 2, year: 2100, yearDigits: 4))
        #expect(!PatientDataCheck.isCalendarDate(day: 29, month: 2, year: 53, yearDigits: 2))
    }

    // MARK: Names with a title

    @Test func titlesWithACapitalisedName() {
        let cases: [(String, String)] = [
            ("Mr Smith", "Mr Smith"), ("Mrs. O'Neill", "Mrs. O'Neill"), ("Ms Khan", "Ms Khan"), ("Miss Jones", "Miss Jones"),
            ("Mx Taylor", "Mx Taylor"), ("MRS SMITH", "MRS SMITH"), ("Mr J. R. Smith-Jones", "Mr J. R. Smith-Jones"),
            ("Mr J Smith", "Mr J Smith"), ("Mrs O’Neill's", "Mrs O’Neill"), ("Mr van der Berg", "Mr van der Berg"),
            ("Mrs Öztürk", "Mrs Öztürk"), ("Miss Jones.", "Miss Jones"),
        ]
        for (text, excerpt) in cases {
            let found = PatientDataCheck.findings(in: "Saw \(text) in bay 3")
            #expect(found == [PatientDataFinding(kind: .nameWithTitle, excerpt: excerpt, explanation: "a title followed by a name")], "\(text)")
        }
        #expect(Self.excerpts("Mr Smith and Miss Jones") == ["Mr Smith", "Miss Jones"], "\"and\" before Miss: a title")
        #expect(PatientDataCheck.findings(in: "Mr Smith").first?.description == "name Mr Smith (a title followed by a name)")
    }

    @Test func titlesWithoutANameAreNotFindings() {
        let texts = [
            "Mr", "ask the Mr", "Mr said it", "Mr smith", "Mrs", "Mr A", "Mr A.", "Mr J. said", "Mr. 12",
            "Dr on call", "Dr Patel on call", "MS Teams at handover", "MS Nurse clinic", "MR Safety checklist",
            "MRSA screening", "Missed doses", "we Miss Doses at night", "Don't Miss Sepsis", "Don’t Miss Sepsis", "Mrsmith",
            "Mr  \n Smith",
        ]
        for text in texts {
            #expect(!Self.kinds(text).contains(.nameWithTitle), "\(text): \(PatientDataCheck.findings(in: text))")
        }
    }

    // MARK: Ordinary QI text

    @Test func ordinaryQITextHasNoFindings() {
        let texts = [
            "Falls fell from 12 to 4 per week on 03/02/2025 after the bed-rails change.",
            "Dr on call agreed; order numbers PO-2025-00417 and 4500123456 for the new pumps.",
            "Hand-gel at every bed: 87% compliance in week 12 (n=240), target 95%.",
            "Bloods at 6am? Move them to 7. Bleep 2345. Discussed at the 14:30 huddle on 12 March 2025.",
            "Use MS Teams for the handover; the MR Safety checklist is on the wall.",
            "Insulin double-check at handover: 3 near-misses in Q1 2025, none since 2025-04-01.",
            "Born out of a Schwartz round in May, this idea cuts interruptions.",
        ]
        for text in texts {
            #expect(PatientDataCheck.findings(in: text).isEmpty, "\(text): \(PatientDataCheck.findings(in: text))")
        }
    }

    @Test func findingsComeInOrderOnceEach() {
        let text = "Mrs O'Neill, DOB 12/03/1954, NHS 943 476 5919; Mrs O'Neill again, 943 476 5919 again"
        #expect(PatientDataCheck.findings(in: text).map(\.excerpt) == ["Mrs O'Neill", "12/03/1954", "943 476 5919"])
        #expect(Self.kinds(text) == [.nameWithTitle, .dateOfBirth, .nhsNumber])
    }
}
