import Foundation
import MeshClient
import MeshControl

/// What a chart draws, read from the daemon's chart: each point's signal, the centre and limit
/// lines per segment, the dividers; the SVG draws the same reading.
extension ChartView {
    /// A point's signal, as the chart reads it.
    package enum Signal: Sendable, Equatable {
        case common, improvement, concern, neutral

        package init(variation: String?) {
            switch variation {
            case "special_cause_improvement": self = .improvement
            case "special_cause_concern": self = .concern
            case "special_cause_neutral": self = .neutral
            default: self = .common
            }
        }

        /// Improvement or concern for a special cause on `side` of the centre (or, for a trend,
        /// going up: `above`), by the measure's direction.
        package init(side: String, better: String) {
            switch (better, side) {
            case ("higher", "above"), ("lower", "below"): self = .improvement
            case ("higher", _), ("lower", _): self = .concern
            default: self = .neutral
            }
        }

        package var mark: Character {
            switch self {
            case .common: "●"
            case .improvement: "▲"
            case .concern: "▼"
            case .neutral: "◆"
            }
        }

        package var color: ANSIStyle? {
            switch self {
            case .common: nil
            case .improvement: .cyan
            case .concern: .yellow
            case .neutral: .magenta
            }
        }

        package var words: String {
            switch self {
            case .common: "common cause"
            case .improvement: "improvement"
            case .concern: "concern"
            case .neutral: "neutral"
            }
        }
    }

    /// A vertical line between two points: where the limits were recalculated, or where the
    /// department adopted the idea.
    package struct Divider: Sendable {
        package enum Kind: Sendable { case rebase, split }
        /// The first point after the line.
        package let index: Int
        package let kind: Kind
        package let date: String
    }

    /// The lines at one point: the centre line (the segment's mean, or the median) and the
    /// process limits (XmR only).
    package struct Lines: Sendable, Equatable {
        package var centre: Double?
        package var upper: Double?
        package var lower: Double?
    }

    /// A chart reduced to what both renderers draw: one entry per point, oldest first. Built
    /// defensively: indices from the reply are checked, never trusted.
    package struct Reading: Sendable {
        package let dates: [String]
        package let values: [Double]
        package let signals: [Signal]
        package let lines: [Lines]
        package let dividers: [Divider]
        package let target: Double?
        /// "mean" or "median".
        package let centreName: String
        package let hasLimits: Bool
        /// The first point on or after the split date; nil without one.
        package let splitIndex: Int?
        package let splitDate: String?

        package init(_ chart: MeasureChart, kind: ChartKind) {
            let points = chart.points
            dates = points.map(\.date)
            values = points.map(\.value)
            target = chart.measure.target
            splitDate = chart.splitDate
            let count = points.count

            var signals = [Signal](repeating: .common, count: count)
            var lines = [Lines](repeating: Lines(), count: count)
            var groups = [Int](repeating: 0, count: count)
            switch kind {
            case .xmr:
                centreName = "mean"
                let segments = chart.xmr?.segments ?? []
                hasLimits = !segments.isEmpty
                for (i, point) in points.enumerated() {
                    signals[i] = Signal(variation: point.variation)
                    let index = point.segment.flatMap { segments.indices.contains($0) ? $0 : nil }
                        ?? segments.lastIndex { $0.start <= i }
                    if let index {
                        let segment = segments[index]
                        groups[i] = index
                        lines[i] = Lines(centre: segment.mean, upper: segment.upper, lower: segment.lower)
                    }
                }
            case .run:
                centreName = "median"
                hasLimits = false
                if let run = chart.run {
                    for i in 0..<count { lines[i].centre = run.median }
                    for stretch in Self.runStretches(chart) {
                        for i in stretch.range where signals[i] == .common { signals[i] = stretch.signal }
                    }
                }
            }
            self.signals = signals
            self.lines = lines

            var splitIndex: Int?
            if let split = chart.splitDate {
                splitIndex = dates.firstIndex { $0 >= split } ?? count
            }
            self.splitIndex = splitIndex
            var dividers: [Divider] = []
            for i in 1..<max(1, count) {
                if i == splitIndex {
                    dividers.append(Divider(index: i, kind: .split, date: dates[i]))
                } else if groups[i] != groups[i - 1] {
                    dividers.append(Divider(index: i, kind: .rebase, date: dates[i]))
                }
            }
            self.dividers = dividers
        }

        /// A run chart's shifts and trends, with what they mean for this measure.
        package static func runStretches(_ chart: MeasureChart) -> [(range: ClosedRange<Int>, name: String, words: String, signal: Signal)] {
            guard let run = chart.run else { return [] }
            let values = chart.points.map(\.value)
            func range(_ pair: [Int]) -> ClosedRange<Int>? {
                guard pair.count == 2, pair[0] <= pair[1], values.indices.contains(pair[0]), values.indices.contains(pair[1]) else { return nil }
                return pair[0]...pair[1]
            }
            var out: [(range: ClosedRange<Int>, name: String, words: String, signal: Signal)] = []
            for pair in run.shifts {
                guard let range = range(pair) else { continue }
                let side = range.contains { values[$0] > run.median } ? "above" : "below"
                out.append((range, "shift", "\(range.count) points \(side) the median", Signal(side: side, better: chart.measure.better)))
            }
            for pair in run.longRuns ?? [] {
                guard let range = range(pair) else { continue }
                let side = range.contains { values[$0] > run.median } ? "above" : "below"
                let limit = run.longestRunLimit.map { " (longer than \($0))" } ?? ""
                out.append((range, "long run", "\(range.count) points \(side) the median\(limit)", Signal(side: side, better: chart.measure.better)))
            }
            for pair in run.trends {
                guard let range = range(pair) else { continue }
                let up = values[range.upperBound] > values[range.lowerBound]
                out.append((range, "trend", "\(range.count) points \(up ? "rising" : "falling")", Signal(side: up ? "above" : "below", better: chart.measure.better)))
            }
            return out.sorted { $0.range.lowerBound < $1.range.lowerBound }
        }

        /// Mean of the points before and from the split; nil for a side with no points.
        package var beforeAndAfter: (before: (mean: Double, count: Int)?, after: (mean: Double, count: Int)?)? {
            guard let split = splitIndex else { return nil }
            func mean(_ part: ArraySlice<Double>) -> (mean: Double, count: Int)? {
                part.isEmpty ? nil : (part.reduce(0, +) / Double(part.count), part.count)
            }
            return (mean(values[..<min(split, values.count)]), mean(values[min(split, values.count)...]))
        }
    }
}
