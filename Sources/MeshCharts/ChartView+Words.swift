import Foundation
import MeshClient
import MeshControl

/// What a chart says in words: its header, legend, summary, warnings and signals, and the
/// variation and assurance icons read out.
extension ChartView {
    package static func header(_ measure: MeasureSummary, width: Int, style: TextStyle) -> [String] {
        var title = TextWidth.singleLine(measure.name)
        if !measure.unit.isEmpty { title += " (\(TextWidth.singleLine(measure.unit)))" }
        return TextWrap.lines(title, width: width).map(style.bold) + TextWrap.lines(betterAndTarget(measure), width: width)
    }

    /// "lower is better · target 5".
    package static func betterAndTarget(_ measure: MeasureSummary) -> String {
        var parts: [String] = []
        switch measure.better {
        case "lower", "higher": parts.append("\(measure.better) is better")
        default: parts.append("no direction of improvement")
        }
        parts.append(measure.target.map { "target \(number($0))" } ?? "no target")
        return parts.joined(separator: " · ")
    }

    package static func describe(_ reading: Reading, kind: ChartKind, chart: MeasureChart) -> String {
        var parts = [kind == .xmr ? "XmR chart" : "Run chart", count(reading.values.count, "point")]
        if kind == .run, let run = chart.run { parts.append(run.rules == "anhoej" ? "Anhøj rules" : "IHI rules") }
        let rebases = reading.dividers.filter { $0.kind == .rebase }.map(\.date)
        if !rebases.isEmpty { parts.append("limits recalculated from " + rebases.joined(separator: ", ")) }
        if let split = reading.splitDate { parts.append("split at \(split)") }
        return parts.joined(separator: " · ")
    }

    package static func legend(_ reading: Reading, width: Int, style: TextStyle) -> [String] {
        [""] + legendLines([reading], width: width, style: style)
    }

    package static func legendLines(_ readings: [Reading], width: Int, style: TextStyle) -> [String] {
        var items: [(plain: String, painted: String)] = []
        let signals = Set(readings.flatMap(\.signals).map(\.words))
        for signal in [Signal.common, .improvement, .concern, .neutral] where signal != .neutral || signals.contains(signal.words) {
            let mark = String(signal.mark)
            items.append(("\(mark) \(signal.words)", (signal.color.map { style.paint(mark, $0) } ?? mark) + " " + signal.words))
        }
        if readings.contains(where: { $0.lines.contains { $0.centre != nil } }) {
            let centre = readings.first?.centreName ?? "mean"
            items.append(("─ \(centre)", "─ \(centre)"))
        }
        if readings.contains(where: \.hasLimits) { items.append(("┄ process limits", style.dim("┄") + " process limits")) }
        if readings.contains(where: { $0.target != nil }) { items.append(("· target", style.paint("·", .red) + " target")) }
        let dividers = readings.flatMap(\.dividers)
        if dividers.contains(where: { $0.kind == .rebase }) { items.append(("┆ limits recalculated", style.dim("┆") + " limits recalculated")) }
        if dividers.contains(where: { $0.kind == .split }) { items.append(("│ adopted (before | after)", style.dim("│") + " adopted (before | after)")) }

        var lines: [String] = []
        var line = "", used = 0
        for item in items {
            let w = TextWidth.of(item.plain)
            if used > 0 && used + 2 + w > width {
                lines.append(line)
                line = ""
                used = 0
            }
            if used > 0 { line += "  "; used += 2 }
            line += w > width ? TextWidth.truncate(item.plain, to: width) : item.painted
            used += min(w, width)
        }
        if used > 0 { lines.append(line) }
        return lines
    }

    /// The variation icon in words: "special cause — improvement (low)".
    package static func variationWords(_ icon: String, side: String?) -> String {
        let level = side.map { $0 == "above" ? " (high)" : " (low)" } ?? ""
        switch icon {
        case "special_cause_improvement": return "special cause — improvement\(level)"
        case "special_cause_concern": return "special cause — concern\(level)"
        case "special_cause_neutral": return "special cause — neither better nor worse\(level)"
        case "common_cause": return "common cause — no significant change"
        default: return icon.replacingOccurrences(of: "_", with: " ")
        }
    }

    /// The assurance icon in words.
    package static func assuranceWords(_ assurance: String?, target: Double?) -> String {
        switch assurance {
        case "consistently_pass": return "consistently passing — the target lies beyond the limits: every point is expected to meet it"
        case "consistently_fail": return "consistently failing — the target lies beyond the limits: no point is expected to meet it"
        case "hit_and_miss": return "hit and miss — the target lies within the limits"
        case let other?: return other.replacingOccurrences(of: "_", with: " ")
        case nil: return target == nil ? "none — the measure has no target" : "none — needs limits and a direction of improvement"
        }
    }

    package static func summary(_ chart: MeasureChart, reading: Reading, kind: ChartKind) -> [String] {
        var out: [String] = []
        switch kind {
        case .xmr:
            guard let xmr = chart.xmr else { break }
            for (i, segment) in xmr.segments.enumerated() {
                let label = xmr.segments.count > 1 ? "Segment \(i + 1), from \(segment.fromDate)" : "From \(segment.fromDate)"
                var line = "\(label), \(count(segment.count, "point")): mean \(number(segment.mean)), "
                    + "limits \(number(segment.lower)) to \(number(segment.upper)) "
                    + "(2σ \(number(segment.lowerTwoSigma)) to \(number(segment.upperTwoSigma)))"
                if segment.baselineCount < segment.count { line += ", computed from the first \(segment.baselineCount)" }
                if segment.trial { line += ", trial limits" }
                if let computed = segment.lowerComputed { line += "; lower limit computed \(number(computed)), floored at \(number(segment.lower))" }
                if let computed = segment.upperComputed { line += "; upper limit computed \(number(computed)), capped at \(number(segment.upper))" }
                if segment.meanMovingRange == 0 { line += "; every point is the same, so the limits have no width" }
                out.append(line)
            }
        case .run:
            guard let run = chart.run else { break }
            out.append("Median \(number(run.median)); \(run.usefulObservations) of \(count(reading.values.count, "point")) useful (not on the median)")
            if run.tooFewPoints {
                // Below the rules' minimum nothing signals, and the chart says so (issue 11).
                out.append("Runs: \(run.runs) · longest run: \(run.longestRun) · crossings: \(run.crossings)")
                out.append("Too few points for the \(rulesName(run.rules)) rules: \(reading.values.count) of the \(run.minimumPoints ?? 10) they need, so none is applied and nothing signals yet")
            } else if run.rules == "anhoej" {
                // Anhøj's rules are exactly two, on the points not on the median.
                let longest = run.longestRunLimit.map { limit in
                    " (a signal if longer than \(limit)\(run.longestRun > limit ? ": it is" : ""))"
                } ?? ""
                out.append("Longest run: \(run.longestRun)" + longest)
                let crossings = run.crossingsLimit.map { limit in
                    " (a signal if fewer than \(limit)\(run.crossings < limit ? ": there are" : ""))"
                } ?? ""
                out.append("Crossings: \(run.crossings)" + crossings)
                out.append("Anhøj rules (longest run and crossings only): "
                    + (run.signal ? "non-random variation" : "no sign of non-random variation"))
            } else {
                var runs = "Runs: \(run.runs)"
                if let lower = run.runsLower, let upper = run.runsUpper {
                    runs += " (Swed–Eisenhart limits \(lower) to \(upper)"
                    runs += run.tooFewRuns ? ": too few, a signal)" : run.tooManyRuns ? ": too many, a signal)" : ")"
                } else {
                    // The table covers 10 to 60 useful points; outside it the rule is not applied.
                    runs += " (not tested: the Swed–Eisenhart table covers 10 to 60 useful points, here \(run.usefulObservations))"
                }
                out.append(runs)
                out.append("Longest run: \(run.longestRun) · crossings: \(run.crossings)")
                out.append("Shifts: \(run.shifts.count) · trends: \(run.trends.count) · "
                    + (run.signal ? "non-random variation" : "no sign of non-random variation"))
            }
        }
        if let last = reading.values.indices.last {
            var line = "Latest: \(number(reading.values[last])) on \(reading.dates[last])"
            if let target = reading.target { line += "; target \(number(target))" }
            out.append(line)
        }
        return out
    }

    package static func warnings(_ warnings: [String], width: Int, style: TextStyle) -> [String] {
        guard !warnings.isEmpty else { return [] }
        var out = ["", style.bold("Warnings")]
        for warning in warnings {
            out += hanging("!", TextWidth.singleLine(warning), width: width, style: style, color: .yellow)
        }
        return out
    }

    /// "  ▲ text" wrapped with the text's continuation lines under its first word.
    package static func hanging(_ mark: String, _ text: String, width: Int, style: TextStyle, color: ANSIStyle?) -> [String] {
        var lines = TextWrap.lines(text, width: width, indent: "    ")
        guard let first = lines.first else { return [] }
        lines[0] = "  " + (color.map { style.paint(mark, $0) } ?? mark) + " " + first.dropFirst(4)
        return lines
    }

    /// Special causes, consecutive points with the same reading grouped.
    package static func signals(_ chart: MeasureChart, reading: Reading, kind: ChartKind, width: Int, style: TextStyle) -> [String] {
        var entries: [(signal: Signal, text: String)] = []
        switch kind {
        case .xmr:
            var i = 0
            let points = chart.points
            while i < points.count {
                let signal = reading.signals[i]
                guard signal != .common else { i += 1; continue }
                var j = i
                while j + 1 < points.count, reading.signals[j + 1] == signal,
                      points[j + 1].rule == points[i].rule, points[j + 1].side == points[i].side {
                    j += 1
                }
                let when = i == j ? "\(points[i].date)  \(number(points[i].value))" : "\(points[i].date) … \(points[j].date) (\(j - i + 1) points)"
                entries.append((signal, "\(when)  \(signal.words): \(ruleWords(points[i].rule, side: points[i].side))"))
                i = j + 1
            }
        case .run:
            for stretch in Reading.runStretches(chart) {
                let when = "\(reading.dates[stretch.range.lowerBound]) … \(reading.dates[stretch.range.upperBound])"
                entries.append((stretch.signal, "\(when)  \(stretch.name): \(stretch.words) (\(stretch.signal.words))"))
            }
        }
        guard !entries.isEmpty else { return [] }
        let shown = 8
        var out = ["", style.bold("Signals")]
        for entry in entries.prefix(shown) {
            out += hanging(String(entry.signal.mark), entry.text, width: width, style: style, color: entry.signal.color)
        }
        if entries.count > shown { out.append("  … and \(entries.count - shown) more") }
        return out
    }

    /// A Making Data Count rule in words.
    package static func ruleWords(_ rule: String?, side: String?) -> String {
        let where_ = side == "above" ? "above" : "below"
        switch rule {
        case "outside_limits": return "outside the process limits (\(where_))"
        case "trend": return "a trend of 7 or more points \(side == "above" ? "rising" : "falling")"
        case "two_of_three": return "2 of 3 points beyond the 2σ line (\(where_))"
        case "run": return "a run of 7 or more points \(where_) the mean"
        case let other?: return other.replacingOccurrences(of: "_", with: " ")
        case nil: return "special cause"
        }
    }
}
