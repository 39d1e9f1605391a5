import ArgumentParser
import Foundation

/// A point in time as people type it after `--since`: a span back from now (`30m`, `24h`, `7d`,
/// `2w`) or a date (`2026-11-01`, midnight in the local time zone) or a date and time
/// (`2026-11-01T08:30`). Parsing is pure; `resolve` takes the current time and the time zone.
enum TimeSpec: Equatable, Sendable {
    case ago(seconds: Int)
    case local(year: Int, month: Int, day: Int, hour: Int, minute: Int)

    static let help = "7d, 24h, 30m, 2w, or a date like 2026-11-01 (local time)"

    /// For `@Option(transform:)`: a value that is not a time is a usage error saying what is.
    static func argument(_ text: String) throws -> TimeSpec {
        guard let parsed = parse(text) else { throw ValidationError("not a time; use \(help)") }
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
        let date = dateAndTime.first?.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) } ?? []
        guard date.count == 3, let year = date[0], let month = date[1], let day = date[2],
              (1970...9999).contains(year), (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0
        if dateAndTime.count == 2 {
            let time = dateAndTime[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
            guard time.count == 2, let h = time[0], let m = time[1], (0...23).contains(h), (0...59).contains(m) else { return nil }
            hour = h
            minute = m
        }
        // Refuse dates that do not exist (2026-02-30) rather than roll them over.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let made = calendar.date(from: DateComponents(year: year, month: month, day: day)),
              calendar.component(.day, from: made) == day else { return nil }
        return .local(year: year, month: month, day: day, hour: hour, minute: minute)
    }

    /// Milliseconds since the Unix epoch.
    func resolve(nowMs: Int, timeZone: TimeZone) -> Int {
        switch self {
        case .ago(let seconds):
            return nowMs - seconds * 1000
        case .local(let year, let month, let day, let hour, let minute):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let date = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute)) ?? Date(timeIntervalSince1970: 0)
            return Int(date.timeIntervalSince1970 * 1000)
        }
    }
}
