/// Which way a measure improves.
public enum Direction: String, CaseIterable, Codable, Sendable {
    case lower, higher
}

/// How a PDSA cycle's Act step decided.
public enum PDSADecision: String, CaseIterable, Codable, Sendable {
    case adopt, adapt, abandon
}

/// A typed edge between two ideas. Adoption (adopted-from) is made by an adopt op, not a link.
public enum LinkKind: String, CaseIterable, Codable, Sendable {
    case duplicateOf = "duplicate-of"
    case buildsOn = "builds-on"
    case affects
}

/// A leader-designated theme. Keyed by `code`; redefinitions are last-writer-wins.
public struct Theme: Hashable, Codable, Sendable {
    public var code: String
    public var name: String
    public var description: String
    public var archived: Bool

    public init(code: String, name: String, description: String = "", archived: Bool = false) {
        self.code = code
        self.name = name
        self.description = description
        self.archived = archived
    }
}

/// What a measure's values are, and so which values an observation may take (Protocol/README.md,
/// "Measure kinds"). A measure defined before kinds existed is `other`.
public enum MeasureKind: String, CaseIterable, Codable, Sendable {
    /// Whole numbers ≥ 0 (e.g. interruptions per week).
    case count
    /// A percentage, 0 to 100 (e.g. % of patients screened).
    case proportion
    /// A duration ≥ 0, in the measure's unit (e.g. minutes to antibiotics).
    case time
    /// Any finite number.
    case other

    /// The least value the kind can take; nil when unbounded.
    public var lowerBound: Double? { self == .other ? nil : 0 }
    /// The greatest value the kind can take; nil when unbounded.
    public var upperBound: Double? { self == .proportion ? 100 : nil }

    /// The values the kind allows, for people: "whole numbers 0 or more".
    public var allowedValues: String {
        switch self {
        case .count: "whole numbers 0 or more"
        case .proportion: "percentages from 0 to 100"
        case .time: "durations 0 or more"
        case .other: "any finite number"
        }
    }

    /// Whether an observation of this kind may have `value`.
    public func allows(_ value: Double) -> Bool {
        guard value.isFinite else { return false }
        if let lowerBound, value < lowerBound { return false }
        if let upperBound, value > upperBound { return false }
        return self != .count || value.rounded() == value
    }

    /// Refuses a value of the measure `name` that this kind cannot take, saying which values it can.
    public func check(_ value: Double, measure name: String) throws(ValidationError) {
        guard allows(value) else {
            throw ValidationError(
                field: "value",
                problem: "\(value.formatted) is not allowed for \"\(name)\", a \(rawValue) measure: it takes \(allowedValues)")
        }
    }

    /// Whether a target (which need not be whole: a mean of counts) lies within the kind's bounds.
    public func allowsTarget(_ target: Double) -> Bool {
        guard target.isFinite else { return false }
        return (lowerBound.map { target >= $0 } ?? true) && (upperBound.map { target <= $0 } ?? true)
    }
}

/// A measure of an idea: what is counted, in which unit, which way is better, and what kind of
/// values it takes.
public struct MeasureDefinition: Hashable, Sendable {
    public var name: String
    public var unit: String
    public var better: Direction
    public var target: Double?
    public var kind: MeasureKind

    public init(name: String, unit: String, better: Direction, target: Double? = nil, kind: MeasureKind = .other) {
        self.name = name
        self.unit = unit
        self.better = better
        self.target = target
        self.kind = kind
    }

    /// Refuses a value this measure's kind cannot take, saying which values it can.
    public func check(value: Double) throws(ValidationError) {
        try kind.check(value, measure: name)
    }
}

extension Double {
    /// Without a trailing ".0" for whole numbers: "-2", "2.5".
    var formatted: String {
        rounded() == self && abs(self) < 1e15 ? String(Int64(self)) : String(self)
    }

    /// Rounded to at most `places` decimals, trailing zeros dropped: "-1.07".
    func formatted(places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return ((self * scale).rounded() / scale).formatted
    }
}

/// A calendar date (no time zone): what an observation is recorded against.
public struct Day: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    /// Parses `YYYY-MM-DD`; nil for anything else or an impossible date.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1, d <= Day.daysIn(month: m, year: y)
        else { return nil }
        (year, month, day) = (y, m, d)
    }

    /// The date with these parts; nil for an impossible one.
    public init?(year: Int, month: Int, day: Int) {
        guard (0...9999).contains(year), (1...12).contains(month), day >= 1, day <= Day.daysIn(month: month, year: year) else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
    }

    /// The day after this one.
    public var next: Day {
        if day < Day.daysIn(month: month, year: year) { return Day(year: year, month: month, day: day + 1)! }
        if month < 12 { return Day(year: year, month: month + 1, day: 1)! }
        return Day(year: year + 1, month: 1, day: 1) ?? self
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public var description: String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (lhs: Day, rhs: Day) -> Bool { (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day) }
}
