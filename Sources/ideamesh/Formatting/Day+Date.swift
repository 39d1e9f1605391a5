import MeshCharts
import Foundation
import MeshModel

extension Day {
    /// The calendar day `date` falls on in `timeZone` (nil only for a year outside 0…9999).
    init?(_ date: Date, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        self.init(year: parts.year ?? -1, month: parts.month ?? 0, day: parts.day ?? 0)
    }
}
