import MeshCharts
import ArgumentParser
import Foundation
import MeshModel

/// A point in time as people type it after `--since`: a span back from now (`30m`, `24h`, `7d`,
/// `2w`), or a day as `DaySpec` reads it (`2026-11-01`, `today`, `yesterday`: midnight in the
/// local time zone), with a time of day if wanted (`2026-11-01T08:30`). Parsing is pure;
/// `resolve` takes the current time and the time zone.
enum TimeSpec: Equatable, Sendable {
    case ago(seconds: Int)
    case local(DaySpec, hour: Int, minute: Int)

    static let help = "7d, 24h, 30m, 2w, today, yesterday, or a date like 2026-11-01 (local time)"

    /// For `@Option(transform:)`: a value that is not a time is a usage error saying what is.
    static func argument(_ text: String) throws -> TimeSpec {
        guard let parsed = parse(text) else { throw ValidationError("\"\(text)\" is not a time; use \(help)") }
        return parsed
    }

    static func parse(_ text: String) -> TimeSpec? {
        let text = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let unit = text.last, let count = Int(text.dropLast()), count >= 0, count <= 100_000 {
            switch unit {
            case "m": return .ago(seconds: count * 60)
            case "h": return .ago(seconds: count * 3600)
            case "d": return .ago(seconds: count * 86_400)
            case "w": return .ago(seconds: count * 7 * 86_400)
            default: break
            }
        }
        let dateAndTime = text.split(separator: "t", maxSplits: 1).map(String.init)
        // "today" has a t in it: only a date with a T before a time is split.
        let (dayText, timeText) = DaySpec.parse(text) != nil || dateAndTime.count != 2
            ? (text, nil) : (dateAndTime[0], dateAndTime[1])
        guard let day = DaySpec.parse(dayText) else { return nil }
        if case .date(let date) = day, date.year < 1970 { return nil }
        var hour = 0, minute = 0
        if let timeText {
            let time = timeText.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
            guard time.count == 2, let h = time[0], let m = time[1], (0...23).contains(h), (0...59).contains(m) else { return nil }
            hour = h
            minute = m
        }
        return .local(day, hour: hour, minute: minute)
    }

    /// Milliseconds since the Unix epoch.
    func resolve(nowMs: Int, timeZone: TimeZone) -> Int {
        switch self {
        case .ago(let seconds):
            return nowMs - seconds * 1000
        case .local(let daySpec, let hour, let minute):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let now = Date(timeIntervalSince1970: Double(nowMs) / 1000)
            guard let day = daySpec.resolve(now: now, timeZone: timeZone) else { return 0 }
            let date = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hour, minute: minute))
                ?? Date(timeIntervalSince1970: 0)
            return Int(date.timeIntervalSince1970 * 1000)
        }
    }
}
