import MeshCharts
import ArgumentParser
import Foundation
import MeshModel

/// A calendar day as people type it: `YYYY-MM-DD`, `today` or `yesterday` (in the local time
/// zone). The one parser of days: `measure record --date`, and the date part of `--since`
/// (`TimeSpec`). Parsing is pure; `resolve` takes the current time and the time zone.
enum DaySpec: Equatable, Sendable {
    case date(Day)
    /// Today (0), yesterday (1).
    case daysAgo(Int)

    static let help = "YYYY-MM-DD, today or yesterday"

    static func parse(_ text: String) -> DaySpec? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "today": return .daysAgo(0)
        case "yesterday": return .daysAgo(1)
        case let other: return Day(other).map(DaySpec.date)
        }
    }

    /// The day meant, seen from `now` in `timeZone` (nil only for a year outside 0…9999).
    func resolve(now: Date, timeZone: TimeZone) -> Day? {
        switch self {
        case .date(let day): return day
        case .daysAgo(let days):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            return calendar.date(byAdding: .day, value: -days, to: now).flatMap { Day($0, timeZone: timeZone) }
        }
    }
}

/// A day typed on the command line: YYYY-MM-DD, `today` or `yesterday` (in the local time zone).
enum DayArgument {
    static func parse(_ text: String, now: Date = Date(), timeZone: TimeZone = .current) throws -> Day {
        guard let day = DaySpec.parse(text)?.resolve(now: now, timeZone: timeZone) else {
            throw ValidationError("\"\(text)\" is not a date: give \(DaySpec.help)")
        }
        return day
    }
}
