import Foundation

/// Times, durations and sizes as people read them. Pure: the current time and the time zone are
/// parameters.
package enum TimeText {
    /// "just now", "5m ago", "3h ago", "2d ago", "3w ago", or the date for anything older than
    /// eight weeks. A time slightly ahead of `nowMs` (another node's clock) reads "just now".
    package static func relative(_ ms: Int, nowMs: Int, timeZone: TimeZone) -> String {
        let seconds = (nowMs - ms) / 1000
        switch seconds {
        case ..<60: return "just now"
        case ..<3600: return "\(seconds / 60)m ago"
        case ..<86_400: return "\(seconds / 3600)h ago"
        case ..<(14 * 86_400): return "\(seconds / 86_400)d ago"
        case ..<(56 * 86_400): return "\(seconds / (7 * 86_400))w ago"
        default: return date(ms, timeZone: timeZone)
        }
    }

    /// The short form for tables: "now", "5m", "3h", "2d", "3w", or the date.
    package static func age(_ ms: Int, nowMs: Int, timeZone: TimeZone) -> String {
        let seconds = (nowMs - ms) / 1000
        switch seconds {
        case ..<60: return "now"
        case ..<3600: return "\(seconds / 60)m"
        case ..<86_400: return "\(seconds / 3600)h"
        case ..<(14 * 86_400): return "\(seconds / 86_400)d"
        case ..<(56 * 86_400): return "\(seconds / (7 * 86_400))w"
        default: return date(ms, timeZone: timeZone)
        }
    }

    /// "2026-11-20 14:03" in `timeZone`.
    package static func absolute(_ ms: Int, timeZone: TimeZone) -> String {
        let c = components(ms, timeZone: timeZone)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// "2026-11-20" in `timeZone`.
    package static func date(_ ms: Int, timeZone: TimeZone) -> String {
        let c = components(ms, timeZone: timeZone)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    private static func components(_ ms: Int, timeZone: TimeZone) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    /// "45s", "12m", "3h 20m", "4d 2h".
    package static func duration(seconds: Int) -> String {
        switch seconds {
        case ..<60: return "\(max(0, seconds))s"
        case ..<3600: return "\(seconds / 60)m"
        case ..<86_400: return "\(seconds / 3600)h \(seconds % 3600 / 60)m"
        default: return "\(seconds / 86_400)d \(seconds % 86_400 / 3600)h"
        }
    }

    /// "512 B", "12.3 KiB", "4.0 MiB", "1.2 GiB".
    package static func bytes(_ count: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }
}
