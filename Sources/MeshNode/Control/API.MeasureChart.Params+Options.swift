import MeshControl
import MeshModel

extension API.MeasureChart.Params {
    /// The chart options asked for (`measure.chart`, `measure.compare`).
    func options() throws(ControlError) -> MeasureAnalysis.Options {
        var options = MeasureAnalysis.Options()
        if let rules {
            guard let parsed = RunChart.Rules(rawValue: rules) else { throw ControlError(.invalid, "rules: \"\(rules)\" is not one of: ihi, anhoej") }
            options.rules = parsed
        }
        if let baseline {
            guard baseline >= 2 else { throw ControlError(.invalid, "baseline: the limits need at least 2 points (got \(baseline))") }
            options.baseline = baseline
        }
        for text in rebase ?? [] {
            guard let day = Day(text) else { throw ControlError(.invalid, "rebase: \"\(text)\" is not a date (YYYY-MM-DD)") }
            options.rebase.append(day)
        }
        return options
    }
}
