import Foundation
import MeshClient
import MeshControl

/// Numbers and text as the charts print them: rounding, widths, escapes.
extension ChartView {
    package static func rulesName(_ rules: String) -> String { rules == "anhoej" ? "Anhøj" : "IHI run chart" }

    /// One line: what the run chart's rules found, or that there are too few points for them.
    package static func runVerdict(_ run: MeasureChart.RunSummary, points: Int) -> String {
        if run.tooFewPoints {
            return "Too few points for the \(rulesName(run.rules)) rules (\(points) of \(run.minimumPoints ?? 10)): no signal yet"
        }
        if run.rules == "anhoej" {
            var reasons = [String]()
            if let limit = run.longestRunLimit, run.longestRun > limit { reasons.append("longest run \(run.longestRun) > \(limit)") }
            if let limit = run.crossingsLimit, run.crossings < limit { reasons.append("\(count(run.crossings, "crossing")) < \(limit)") }
            return run.signal ? "Non-random variation (Anhøj: \(reasons.joined(separator: ", ")))" : "No sign of non-random variation (Anhøj rules)"
        }
        return run.signal
            ? "Non-random variation (\(count(run.shifts.count, "shift")), \(count(run.trends.count, "trend")))"
            : "No sign of non-random variation"
    }

    /// A value for people: three significant digits, trailing zeros dropped, powers of ten for
    /// the huge and the tiny ("1.5e9", "2.5e-5").
    package static func number(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "?" : value > 0 ? "∞" : "-∞" }
        let magnitude = abs(value)
        if magnitude == 0 { return "0" }
        if magnitude >= 1e6 || magnitude < 1e-3 { return scientific(value, digits: 3) }
        let decimals = max(0, min(6, 2 - Int(log10(magnitude).rounded(.down))))
        return trimmed(String(format: "%.\(decimals)f", value))
    }

    /// `value` as "m.mmme±x" with `digits` significant digits, trailing zeros dropped.
    package static func scientific(_ value: Double, digits: Int) -> String {
        guard value.isFinite, value != 0 else { return number(value) }
        var exponent = Int(log10(abs(value)).rounded(.down))
        var mantissa = value / pow(10, Double(exponent))
        let places = max(0, digits - 1)
        let factor = pow(10, Double(places))
        mantissa = (mantissa * factor).rounded() / factor
        if abs(mantissa) >= 10 {
            mantissa /= 10
            exponent += 1
        }
        return trimmed(String(format: "%.\(places)f", mantissa)) + "e\(exponent)"
    }

    /// "4.50" → "4.5", "3.00" → "3", "-0" → "0".
    package static func trimmed(_ text: String) -> String {
        var text = text
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    package static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    package static func trimmedRight(_ text: String) -> String {
        var text = text
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }

    /// Columns `text` takes on a terminal, ANSI colour sequences not counted.
    package static func visibleWidth(_ text: String) -> Int { TextWidth.of(stripANSI(text)) }

    /// `text` without its ANSI SGR sequences.
    package static func stripANSI(_ text: String) -> String {
        var out = ""
        var escape = false
        for scalar in text.unicodeScalars {
            if escape {
                if scalar == "m" { escape = false }
                continue
            }
            if scalar == "\u{1B}" { escape = true; continue }
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    /// The lines joined, none wider than `width` (a line that would be is cut, losing its colour).
    package static func finish(_ lines: [String], width: Int) -> String {
        lines.map { line in
            visibleWidth(line) <= width ? line : TextWidth.truncate(stripANSI(line), to: width)
        }.joined(separator: "\n") + "\n"
    }
}
