import Foundation
import MeshClient
import MeshControl

/// `measure.chart` and `measure.compare` replies as a daemon sends them, for the chart views'
/// tests. The numbers are consistent: each segment's mean is the mean of its points, its limits
/// mean ± 2.66 × the mean moving range (2σ: two thirds of that), and every point's variation,
/// rule and side follow the Making Data Count rules; the run chart fields follow the IHI and
/// Anhøj rules.
enum ChartFixtures {
    static let renal = Fixtures.renal
    static let cardio = Fixtures.cardio
    static let emergency = Fixtures.emergency

    static func chart(_ json: String) throws -> MeasureChart {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
        return try ControlResult.decode(MeasureChart.self, from: object, method: "measure.chart")
    }

    static func comparison(_ json: String) throws -> MeasureComparison {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
        return try ControlResult.decode(MeasureComparison.self, from: object, method: "measure.compare")
    }

    /// `comparison` with `departments` series: its three departments' series, cycled, the repeats
    /// renamed after other wards (long names among them), for layouts of 1 to 6 panels.
    static func comparison(departments: Int) throws -> MeasureComparison {
        var object = try JSONSerialization.jsonObject(with: Data(comparison.utf8)) as? [String: Any] ?? [:]
        let series = object["series"] as? [[String: Any]] ?? []
        let names = ["Paediatric Intensive Care Unit", "Orthopaedics", "Acute Medical Unit (Ward 7, night shift)"]
        object["series"] = (0..<departments).map { i -> [String: Any] in
            var one = series[i % series.count]
            if i >= series.count, var measure = one["measure"] as? [String: Any] {
                measure["department"] = names[(i - series.count) % names.count]
                one["measure"] = measure
            }
            return one
        }
        return try ControlResult.decode(MeasureComparison.self, from: object, method: "measure.compare")
    }

    /// 20 weekly points in two segments (rebased on 2026-03-16): a concern outside the limits on 2026-02-23, then an improving run of 7 below the new mean; target 5 within the limits (hit and miss).
    static let xmr = """
        {"measure": {"id": "\(renal)-60", "short_id": "k3v9x2b7qa-60", "name": "Insulin doses missed", "unit": "per 100 doses", "better": "lower", "target": 5, "idea": "\(renal)-41", "idea_title": "Double-check insulin doses at every shift handover", "origin": "\(renal)", "department": "Renal Ward", "created_ms": 1767225600000, "observations": 20, "latest_date": "2026-05-18", "latest_value": 3.9, "signal": "special_cause_improvement", "signal_side": "below", "assurance": "hit_and_miss"},
        "points": [
          {"id": "\(renal)-1000", "date": "2026-01-05", "value": 8.1, "note": "", "author": "alice", "created_ms": 1767225600000, "segment": 0, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1001", "date": "2026-01-12", "value": 9.0, "note": "", "author": "alice", "created_ms": 1767312000000, "moving_range": 0.9000000000000004, "segment": 0, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1002", "date": "2026-01-19", "value": 7.4, "note": "", "author": "alice", "created_ms": 1767398400000, "moving_range": 1.5999999999999996, "segment": 0, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1003", "date": "2026-01-26", "value": 8.3, "note": "", "author": "alice", "created_ms": 1767484800000, "moving_range": 0.9000000000000004, "segment": 0, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1004", "date": "2026-02-02", "value": 9.8, "note": "", "author": "alice", "created_ms": 1767571200000, "moving_range": 1.5, "segment": 0, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1005", "date": "2026-02-09", "value": 8.8, "note": "", "author": "alice", "created_ms": 1767657600000, "moving_range": 1.0, "segment": 0, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1006", "date": "2026-02-16", "value": 8.0, "note": "", "author": "alice", "created_ms": 1767744000000, "moving_range": 0.8000000000000007, "segment": 0, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1007", "date": "2026-02-23", "value": 19.5, "note": "", "author": "alice", "created_ms": 1767830400000, "moving_range": 11.5, "segment": 0, "variation": "special_cause_concern", "rule": "outside_limits", "side": "above", "run_signals": ["shift"]},
          {"id": "\(renal)-1008", "date": "2026-03-02", "value": 8.2, "note": "", "author": "alice", "created_ms": 1767916800000, "moving_range": 11.3, "segment": 0, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1009", "date": "2026-03-09", "value": 9.1, "note": "", "author": "alice", "created_ms": 1768003200000, "moving_range": 0.9000000000000004, "segment": 0, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1010", "date": "2026-03-16", "value": 5.4, "note": "", "author": "alice", "created_ms": 1768089600000, "segment": 1, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1011", "date": "2026-03-23", "value": 4.9, "note": "", "author": "alice", "created_ms": 1768176000000, "moving_range": 0.5, "segment": 1, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1012", "date": "2026-03-30", "value": 5.9, "note": "", "author": "alice", "created_ms": 1768262400000, "moving_range": 1.0, "segment": 1, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1013", "date": "2026-04-06", "value": 4.0, "note": "", "author": "alice", "created_ms": 1768348800000, "moving_range": 1.9000000000000004, "segment": 1, "variation": "special_cause_improvement", "rule": "run", "side": "below", "run_signals": ["shift"]},
          {"id": "\(renal)-1014", "date": "2026-04-13", "value": 3.7, "note": "", "author": "alice", "created_ms": 1768435200000, "moving_range": 0.2999999999999998, "segment": 1, "variation": "special_cause_improvement", "rule": "run", "side": "below", "run_signals": ["shift"]},
          {"id": "\(renal)-1015", "date": "2026-04-20", "value": 4.1, "note": "", "author": "alice", "created_ms": 1768521600000, "moving_range": 0.39999999999999947, "segment": 1, "variation": "special_cause_improvement", "rule": "run", "side": "below", "run_signals": ["shift"]},
          {"id": "\(renal)-1016", "date": "2026-04-27", "value": 3.6, "note": "", "author": "alice", "created_ms": 1768608000000, "moving_range": 0.49999999999999956, "segment": 1, "variation": "special_cause_improvement", "rule": "run", "side": "below", "run_signals": ["shift"]},
          {"id": "\(renal)-1017", "date": "2026-05-04", "value": 4.1, "note": "", "author": "alice", "created_ms": 1768694400000, "moving_range": 0.49999999999999956, "segment": 1, "variation": "special_cause_improvement", "rule": "run", "side": "below", "run_signals": ["shift"]},
          {"id": "\(renal)-1018", "date": "2026-05-11", "value": 3.5, "note": "", "author": "alice", "created_ms": 1768780800000, "moving_range": 0.5999999999999996, "segment": 1, "variation": "special_cause_improvement", "rule": "run", "side": "below", "run_signals": ["shift"]},
          {"id": "\(renal)-1019", "date": "2026-05-18", "value": 3.9, "note": "", "author": "alice", "created_ms": 1768867200000, "moving_range": 0.3999999999999999, "segment": 1, "variation": "special_cause_improvement", "rule": "run", "side": "below", "run_signals": ["shift"]}
        ],
        "warnings": ["limits rest on fewer than 12 points: treat them as trial limits"],
        "run": {"rules": "ihi", "median": 6.65, "useful_observations": 20, "crossings": 1, "runs": 2, "longest_run": 10, "runs_lower": 7, "runs_upper": 15, "shifts": [[0, 9], [10, 19]], "trends": [], "too_few_runs": true, "too_many_runs": false, "signal": true, "too_few_points": false},
        "xmr": {"segments": [{"start": 0, "count": 10, "from_date": "2026-01-05", "baseline_count": 10, "mean": 9.62, "mean_moving_range": 3.377777777777778, "upper": 18.60488888888889, "lower": 0.6351111111111081, "upper_two_sigma": 15.609925925925927, "lower_two_sigma": 3.630074074074072, "moving_range_upper": 11.035200000000001, "trial": true}, {"start": 10, "count": 10, "from_date": "2026-03-16", "baseline_count": 10, "mean": 4.3100000000000005, "mean_moving_range": 0.6777777777777777, "upper": 6.1128888888888895, "lower": 2.5071111111111115, "upper_two_sigma": 5.511925925925926, "lower_two_sigma": 3.1080740740740747, "moving_range_upper": 2.2142999999999997, "trial": true}], "variation_icon": "special_cause_improvement", "icon_side": "below", "assurance": "hit_and_miss"}}
        """

    /// 24 weekly points rising from about 60 % to 88 %, with the Anhøj rules.
    static let runAnhoej = """
        {"measure": {"id": "\(cardio)-20", "short_id": "m7dz4wq2pc-20", "name": "Patients screened for sepsis", "unit": "%", "better": "higher", "target": 90, "idea": "\(cardio)-12", "idea_title": "Sepsis screening at triage", "origin": "\(cardio)", "department": "Cardiology", "created_ms": 1767225600000, "observations": 24, "latest_date": "2026-06-16", "latest_value": 88.0, "signal": "special_cause_improvement", "signal_side": "above", "assurance": "consistently_fail"},
        "points": [
          {"id": "\(cardio)-1000", "date": "2026-01-06", "value": 62.0, "note": "", "author": "alice", "created_ms": 1767225600000, "segment": 0, "variation": "special_cause_concern", "rule": "outside_limits", "side": "below", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1001", "date": "2026-01-13", "value": 58.0, "note": "", "author": "alice", "created_ms": 1767312000000, "moving_range": 4.0, "segment": 0, "variation": "special_cause_concern", "rule": "outside_limits", "side": "below", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1002", "date": "2026-01-20", "value": 65.0, "note": "", "author": "alice", "created_ms": 1767398400000, "moving_range": 7.0, "segment": 0, "variation": "special_cause_concern", "rule": "two_of_three", "side": "below", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1003", "date": "2026-01-27", "value": 60.0, "note": "", "author": "alice", "created_ms": 1767484800000, "moving_range": 5.0, "segment": 0, "variation": "special_cause_concern", "rule": "outside_limits", "side": "below", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1004", "date": "2026-02-03", "value": 63.0, "note": "", "author": "alice", "created_ms": 1767571200000, "moving_range": 3.0, "segment": 0, "variation": "special_cause_concern", "rule": "outside_limits", "side": "below", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1005", "date": "2026-02-10", "value": 59.0, "note": "", "author": "alice", "created_ms": 1767657600000, "moving_range": 4.0, "segment": 0, "variation": "special_cause_concern", "rule": "outside_limits", "side": "below", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1006", "date": "2026-02-17", "value": 61.0, "note": "", "author": "alice", "created_ms": 1767744000000, "moving_range": 2.0, "segment": 0, "variation": "special_cause_concern", "rule": "outside_limits", "side": "below", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1007", "date": "2026-02-24", "value": 66.0, "note": "", "author": "alice", "created_ms": 1767830400000, "moving_range": 5.0, "segment": 0, "variation": "special_cause_concern", "rule": "two_of_three", "side": "below", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1008", "date": "2026-03-03", "value": 64.0, "note": "", "author": "alice", "created_ms": 1767916800000, "moving_range": 2.0, "segment": 0, "variation": "special_cause_concern", "rule": "outside_limits", "side": "below", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1009", "date": "2026-03-10", "value": 70.0, "note": "", "author": "alice", "created_ms": 1768003200000, "moving_range": 6.0, "segment": 0, "variation": "special_cause_concern", "rule": "run", "side": "below", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1010", "date": "2026-03-17", "value": 72.0, "note": "", "author": "alice", "created_ms": 1768089600000, "moving_range": 2.0, "segment": 0, "variation": "special_cause_concern", "rule": "run", "side": "below", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1011", "date": "2026-03-24", "value": 69.0, "note": "", "author": "alice", "created_ms": 1768176000000, "moving_range": 3.0, "segment": 0, "variation": "special_cause_concern", "rule": "run", "side": "below", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1012", "date": "2026-03-31", "value": 75.0, "note": "", "author": "alice", "created_ms": 1768262400000, "moving_range": 6.0, "segment": 0, "variation": "special_cause_improvement", "rule": "run", "side": "above", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1013", "date": "2026-04-07", "value": 78.0, "note": "", "author": "alice", "created_ms": 1768348800000, "moving_range": 3.0, "segment": 0, "variation": "special_cause_improvement", "rule": "run", "side": "above", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1014", "date": "2026-04-14", "value": 77.0, "note": "", "author": "alice", "created_ms": 1768435200000, "moving_range": 1.0, "segment": 0, "variation": "special_cause_improvement", "rule": "run", "side": "above", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1015", "date": "2026-04-21", "value": 80.0, "note": "", "author": "alice", "created_ms": 1768521600000, "moving_range": 3.0, "segment": 0, "variation": "special_cause_improvement", "rule": "two_of_three", "side": "above", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1016", "date": "2026-04-28", "value": 82.0, "note": "", "author": "alice", "created_ms": 1768608000000, "moving_range": 2.0, "segment": 0, "variation": "special_cause_improvement", "rule": "outside_limits", "side": "above", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1017", "date": "2026-05-05", "value": 79.0, "note": "", "author": "alice", "created_ms": 1768694400000, "moving_range": 3.0, "segment": 0, "variation": "special_cause_improvement", "rule": "two_of_three", "side": "above", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1018", "date": "2026-05-12", "value": 84.0, "note": "", "author": "alice", "created_ms": 1768780800000, "moving_range": 5.0, "segment": 0, "variation": "special_cause_improvement", "rule": "outside_limits", "side": "above", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1019", "date": "2026-05-19", "value": 83.0, "note": "", "author": "alice", "created_ms": 1768867200000, "moving_range": 1.0, "segment": 0, "variation": "special_cause_improvement", "rule": "outside_limits", "side": "above", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1020", "date": "2026-05-26", "value": 85.0, "note": "", "author": "alice", "created_ms": 1768953600000, "moving_range": 2.0, "segment": 0, "variation": "special_cause_improvement", "rule": "outside_limits", "side": "above", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1021", "date": "2026-06-02", "value": 86.0, "note": "", "author": "alice", "created_ms": 1769040000000, "moving_range": 1.0, "segment": 0, "variation": "special_cause_improvement", "rule": "outside_limits", "side": "above", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1022", "date": "2026-06-09", "value": 84.0, "note": "", "author": "alice", "created_ms": 1769126400000, "moving_range": 2.0, "segment": 0, "variation": "special_cause_improvement", "rule": "outside_limits", "side": "above", "run_signals": ["long_run"]},
          {"id": "\(cardio)-1023", "date": "2026-06-16", "value": 88.0, "note": "", "author": "alice", "created_ms": 1769212800000, "moving_range": 4.0, "segment": 0, "variation": "special_cause_improvement", "rule": "outside_limits", "side": "above", "run_signals": ["long_run"]}
        ],
        "warnings": [],
        "run": {"rules": "anhoej", "median": 73.5, "useful_observations": 24, "crossings": 1, "runs": 2, "longest_run": 12, "shifts": [], "trends": [], "long_runs": [[0, 11], [12, 23]], "too_few_runs": false, "too_many_runs": false, "longest_run_limit": 8, "crossings_limit": 8, "signal": true, "too_few_points": false, "minimum_points": 10},
        "xmr": {"segments": [{"start": 0, "count": 24, "from_date": "2026-01-06", "baseline_count": 24, "mean": 72.91666666666667, "mean_moving_range": 3.3043478260869565, "upper": 81.70623188405797, "lower": 64.12710144927537, "upper_two_sigma": 78.7763768115942, "lower_two_sigma": 67.05695652173914, "moving_range_upper": 10.795304347826086, "trial": false}], "variation_icon": "special_cause_improvement", "icon_side": "above", "assurance": "consistently_fail"}}
        """

    /// A single observation: no XmR chart yet.
    static let onePoint = """
        {"measure": {"id": "\(renal)-60", "short_id": "k3v9x2b7qa-60", "name": "Insulin doses missed", "unit": "per 100 doses", "better": "lower", "target": 5, "idea": "\(renal)-41", "idea_title": "Double-check insulin doses at every shift handover", "origin": "\(renal)", "department": "Renal Ward", "created_ms": 1767225600000, "observations": 1, "latest_date": "2026-11-02", "latest_value": 12.0},
        "points": [
          {"id": "\(renal)-1000", "date": "2026-11-02", "value": 12.0, "note": "", "author": "alice", "created_ms": 1767225600000, "run_signals": []}
        ],
        "warnings": ["one observation: a chart needs at least 2"],
        "run": {"rules": "ihi", "median": 12.0, "useful_observations": 0, "crossings": 0, "runs": 0, "longest_run": 0, "shifts": [], "trends": [], "too_few_runs": false, "too_many_runs": false, "signal": false, "too_few_points": true}}
        """

    /// A measure with no observations.
    static let noPoints = """
        {"measure": {"id": "\(renal)-60", "short_id": "k3v9x2b7qa-60", "name": "Insulin doses missed", "unit": "per 100 doses", "better": "lower", "target": 5, "idea": "\(renal)-41", "idea_title": "Double-check insulin doses at every shift handover", "origin": "\(renal)", "department": "Renal Ward", "created_ms": 1767225600000, "observations": 0},
        "points": [
        
        ],
        "warnings": []}
        """

    /// Twelve weeks without a pressure ulcer: every value 0, so the limits have zero width; no target.
    static let allEqual = """
        {"measure": {"id": "\(renal)-61", "short_id": "k3v9x2b7qa-61", "name": "Pressure ulcers", "unit": "count", "better": "lower", "idea": "\(renal)-41", "idea_title": "Double-check insulin doses at every shift handover", "origin": "\(renal)", "department": "Renal Ward", "created_ms": 1767225600000, "observations": 12, "latest_date": "2026-04-20", "latest_value": 0.0, "signal": "common_cause"},
        "points": [
          {"id": "\(renal)-1000", "date": "2026-02-02", "value": 0.0, "note": "", "author": "alice", "created_ms": 1767225600000, "segment": 0, "variation": "common_cause", "run_signals": []},
          {"id": "\(renal)-1001", "date": "2026-02-09", "value": 0.0, "note": "", "author": "alice", "created_ms": 1767312000000, "moving_range": 0.0, "segment": 0, "variation": "common_cause", "run_signals": []},
          {"id": "\(renal)-1002", "date": "2026-02-16", "value": 0.0, "note": "", "author": "alice", "created_ms": 1767398400000, "moving_range": 0.0, "segment": 0, "variation": "common_cause", "run_signals": []},
          {"id": "\(renal)-1003", "date": "2026-02-23", "value": 0.0, "note": "", "author": "alice", "created_ms": 1767484800000, "moving_range": 0.0, "segment": 0, "variation": "common_cause", "run_signals": []},
          {"id": "\(renal)-1004", "date": "2026-03-02", "value": 0.0, "note": "", "author": "alice", "created_ms": 1767571200000, "moving_range": 0.0, "segment": 0, "variation": "common_cause", "run_signals": []},
          {"id": "\(renal)-1005", "date": "2026-03-09", "value": 0.0, "note": "", "author": "alice", "created_ms": 1767657600000, "moving_range": 0.0, "segment": 0, "variation": "common_cause", "run_signals": []},
          {"id": "\(renal)-1006", "date": "2026-03-16", "value": 0.0, "note": "", "author": "alice", "created_ms": 1767744000000, "moving_range": 0.0, "segment": 0, "variation": "common_cause", "run_signals": []},
          {"id": "\(renal)-1007", "date": "2026-03-23", "value": 0.0, "note": "", "author": "alice", "created_ms": 1767830400000, "moving_range": 0.0, "segment": 0, "variation": "common_cause", "run_signals": []},
          {"id": "\(renal)-1008", "date": "2026-03-30", "value": 0.0, "note": "", "author": "alice", "created_ms": 1767916800000, "moving_range": 0.0, "segment": 0, "variation": "common_cause", "run_signals": []},
          {"id": "\(renal)-1009", "date": "2026-04-06", "value": 0.0, "note": "", "author": "alice", "created_ms": 1768003200000, "moving_range": 0.0, "segment": 0, "variation": "common_cause", "run_signals": []},
          {"id": "\(renal)-1010", "date": "2026-04-13", "value": 0.0, "note": "", "author": "alice", "created_ms": 1768089600000, "moving_range": 0.0, "segment": 0, "variation": "common_cause", "run_signals": []},
          {"id": "\(renal)-1011", "date": "2026-04-20", "value": 0.0, "note": "", "author": "alice", "created_ms": 1768176000000, "moving_range": 0.0, "segment": 0, "variation": "common_cause", "run_signals": []}
        ],
        "warnings": [],
        "run": {"rules": "ihi", "median": 0.0, "useful_observations": 0, "crossings": 0, "runs": 0, "longest_run": 0, "shifts": [], "trends": [], "too_few_runs": false, "too_many_runs": false, "signal": false, "too_few_points": false},
        "xmr": {"segments": [{"start": 0, "count": 12, "from_date": "2026-02-02", "baseline_count": 12, "mean": 0.0, "mean_moving_range": 0.0, "upper": 0.0, "lower": 0.0, "upper_two_sigma": 0.0, "lower_two_sigma": 0.0, "moving_range_upper": 0.0, "trial": false}], "variation_icon": "common_cause"}}
        """

    /// The same measure in three departments, each split where it adopted the idea.
    static let comparison = """
        {"idea": "\(renal)-41",
        "idea_title": "Double-check insulin doses at every shift handover",
        "name": "Insulin doses missed",
        "series": [
        {"measure": {"id": "\(renal)-60", "short_id": "k3v9x2b7qa-60", "name": "Insulin doses missed", "unit": "per 100 doses", "better": "lower", "target": 5, "idea": "\(renal)-41", "idea_title": "Double-check insulin doses at every shift handover", "origin": "\(renal)", "department": "Renal Ward", "created_ms": 1767225600000, "observations": 16, "latest_date": "2026-04-20", "latest_value": 4.3, "signal": "common_cause", "assurance": "hit_and_miss"},
        "points": [
          {"id": "\(renal)-1000", "date": "2026-01-05", "value": 8.4, "note": "", "author": "alice", "created_ms": 1767225600000, "segment": 0, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1001", "date": "2026-01-12", "value": 9.1, "note": "", "author": "alice", "created_ms": 1767312000000, "moving_range": 0.6999999999999993, "segment": 0, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1002", "date": "2026-01-19", "value": 7.9, "note": "", "author": "alice", "created_ms": 1767398400000, "moving_range": 1.1999999999999993, "segment": 0, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1003", "date": "2026-01-26", "value": 8.8, "note": "", "author": "alice", "created_ms": 1767484800000, "moving_range": 0.9000000000000004, "segment": 0, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1004", "date": "2026-02-02", "value": 9.5, "note": "", "author": "alice", "created_ms": 1767571200000, "moving_range": 0.6999999999999993, "segment": 0, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1005", "date": "2026-02-09", "value": 8.2, "note": "", "author": "alice", "created_ms": 1767657600000, "moving_range": 1.3000000000000007, "segment": 0, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1006", "date": "2026-02-16", "value": 5.1, "note": "", "author": "alice", "created_ms": 1767744000000, "segment": 1, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1007", "date": "2026-02-23", "value": 4.6, "note": "", "author": "alice", "created_ms": 1767830400000, "moving_range": 0.5, "segment": 1, "variation": "common_cause", "run_signals": []},
          {"id": "\(renal)-1008", "date": "2026-03-02", "value": 5.3, "note": "", "author": "alice", "created_ms": 1767916800000, "moving_range": 0.7000000000000002, "segment": 1, "variation": "common_cause", "run_signals": []},
          {"id": "\(renal)-1009", "date": "2026-03-09", "value": 4.2, "note": "", "author": "alice", "created_ms": 1768003200000, "moving_range": 1.0999999999999996, "segment": 1, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1010", "date": "2026-03-16", "value": 4.8, "note": "", "author": "alice", "created_ms": 1768089600000, "moving_range": 0.5999999999999996, "segment": 1, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1011", "date": "2026-03-23", "value": 3.9, "note": "", "author": "alice", "created_ms": 1768176000000, "moving_range": 0.8999999999999999, "segment": 1, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1012", "date": "2026-03-30", "value": 4.4, "note": "", "author": "alice", "created_ms": 1768262400000, "moving_range": 0.5000000000000004, "segment": 1, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1013", "date": "2026-04-06", "value": 4.1, "note": "", "author": "alice", "created_ms": 1768348800000, "moving_range": 0.3000000000000007, "segment": 1, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1014", "date": "2026-04-13", "value": 3.8, "note": "", "author": "alice", "created_ms": 1768435200000, "moving_range": 0.2999999999999998, "segment": 1, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(renal)-1015", "date": "2026-04-20", "value": 4.3, "note": "", "author": "alice", "created_ms": 1768521600000, "moving_range": 0.5, "segment": 1, "variation": "common_cause", "run_signals": ["shift"]}
        ],
        "warnings": ["limits rest on fewer than 12 points: treat them as trial limits"],
        "split_date": "2026-02-16",
        "run": {"rules": "ihi", "median": 4.949999999999999, "useful_observations": 16, "crossings": 3, "runs": 4, "longest_run": 7, "runs_lower": 5, "runs_upper": 12, "shifts": [[0, 6], [9, 15]], "trends": [], "too_few_runs": true, "too_many_runs": false, "signal": true, "too_few_points": false},
        "xmr": {"segments": [{"start": 0, "count": 6, "from_date": "2026-01-05", "baseline_count": 6, "mean": 8.65, "mean_moving_range": 0.9599999999999997, "upper": 11.2036, "lower": 6.096400000000001, "upper_two_sigma": 10.3524, "lower_two_sigma": 6.9476, "moving_range_upper": 3.136319999999999, "trial": true}, {"start": 6, "count": 10, "from_date": "2026-02-16", "baseline_count": 10, "mean": 4.449999999999999, "mean_moving_range": 0.6000000000000001, "upper": 6.045999999999999, "lower": 2.853999999999999, "upper_two_sigma": 5.513999999999999, "lower_two_sigma": 3.3859999999999992, "moving_range_upper": 1.9602000000000002, "trial": true}], "variation_icon": "common_cause", "assurance": "hit_and_miss"}},
        {"measure": {"id": "\(cardio)-31", "short_id": "m7dz4wq2pc-31", "name": "Insulin doses missed", "unit": "per 100 doses", "better": "lower", "target": 5, "idea": "\(cardio)-30", "idea_title": "Double-check insulin doses at every shift handover", "origin": "\(cardio)", "department": "Cardiology", "created_ms": 1767225600000, "observations": 14, "latest_date": "2026-05-04", "latest_value": 7.0, "signal": "common_cause", "assurance": "consistently_fail"},
        "points": [
          {"id": "\(cardio)-1000", "date": "2026-02-02", "value": 11.2, "note": "", "author": "alice", "created_ms": 1767225600000, "segment": 0, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(cardio)-1001", "date": "2026-02-09", "value": 10.4, "note": "", "author": "alice", "created_ms": 1767312000000, "moving_range": 0.7999999999999989, "segment": 0, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(cardio)-1002", "date": "2026-02-16", "value": 12.1, "note": "", "author": "alice", "created_ms": 1767398400000, "moving_range": 1.6999999999999993, "segment": 0, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(cardio)-1003", "date": "2026-02-23", "value": 10.9, "note": "", "author": "alice", "created_ms": 1767484800000, "moving_range": 1.1999999999999993, "segment": 0, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(cardio)-1004", "date": "2026-03-02", "value": 11.6, "note": "", "author": "alice", "created_ms": 1767571200000, "moving_range": 0.6999999999999993, "segment": 0, "variation": "common_cause", "run_signals": ["shift", "trend"]},
          {"id": "\(cardio)-1005", "date": "2026-03-09", "value": 10.1, "note": "", "author": "alice", "created_ms": 1767657600000, "segment": 1, "variation": "special_cause_concern", "rule": "outside_limits", "side": "above", "run_signals": ["shift", "trend"]},
          {"id": "\(cardio)-1006", "date": "2026-03-16", "value": 9.4, "note": "", "author": "alice", "created_ms": 1767744000000, "moving_range": 0.6999999999999993, "segment": 1, "variation": "special_cause_concern", "rule": "two_of_three", "side": "above", "run_signals": ["shift", "trend"]},
          {"id": "\(cardio)-1007", "date": "2026-03-23", "value": 8.1, "note": "", "author": "alice", "created_ms": 1767830400000, "moving_range": 1.3000000000000007, "segment": 1, "variation": "common_cause", "run_signals": ["shift", "trend"]},
          {"id": "\(cardio)-1008", "date": "2026-03-30", "value": 7.2, "note": "", "author": "alice", "created_ms": 1767916800000, "moving_range": 0.8999999999999995, "segment": 1, "variation": "common_cause", "run_signals": ["shift", "trend"]},
          {"id": "\(cardio)-1009", "date": "2026-04-06", "value": 7.8, "note": "", "author": "alice", "created_ms": 1768003200000, "moving_range": 0.5999999999999996, "segment": 1, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(cardio)-1010", "date": "2026-04-13", "value": 6.9, "note": "", "author": "alice", "created_ms": 1768089600000, "moving_range": 0.8999999999999995, "segment": 1, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(cardio)-1011", "date": "2026-04-20", "value": 7.4, "note": "", "author": "alice", "created_ms": 1768176000000, "moving_range": 0.5, "segment": 1, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(cardio)-1012", "date": "2026-04-27", "value": 6.5, "note": "", "author": "alice", "created_ms": 1768262400000, "moving_range": 0.9000000000000004, "segment": 1, "variation": "common_cause", "run_signals": ["shift"]},
          {"id": "\(cardio)-1013", "date": "2026-05-04", "value": 7.0, "note": "", "author": "alice", "created_ms": 1768348800000, "moving_range": 0.5, "segment": 1, "variation": "common_cause", "run_signals": ["shift"]}
        ],
        "warnings": ["limits rest on fewer than 12 points: treat them as trial limits"],
        "split_date": "2026-03-09",
        "run": {"rules": "ihi", "median": 8.75, "useful_observations": 14, "crossings": 1, "runs": 2, "longest_run": 7, "runs_lower": 4, "runs_upper": 12, "shifts": [[0, 6], [7, 13]], "trends": [[4, 8]], "too_few_runs": true, "too_many_runs": false, "signal": true, "too_few_points": false},
        "xmr": {"segments": [{"start": 0, "count": 5, "from_date": "2026-02-02", "baseline_count": 5, "mean": 11.24, "mean_moving_range": 1.0999999999999992, "upper": 14.165999999999999, "lower": 8.314000000000002, "upper_two_sigma": 13.190666666666665, "lower_two_sigma": 9.289333333333335, "moving_range_upper": 3.5936999999999975, "trial": true}, {"start": 5, "count": 9, "from_date": "2026-03-09", "baseline_count": 9, "mean": 7.822222222222223, "mean_moving_range": 0.7874999999999999, "upper": 9.916972222222222, "lower": 5.727472222222223, "upper_two_sigma": 9.218722222222222, "lower_two_sigma": 6.425722222222223, "moving_range_upper": 2.5727624999999996, "trial": true}], "variation_icon": "common_cause", "assurance": "consistently_fail"}},
        {"measure": {"id": "\(emergency)-91", "short_id": "t2hn6ycu5e-91", "name": "Insulin doses missed", "unit": "per 100 doses", "better": "lower", "target": 5, "idea": "\(emergency)-90", "idea_title": "Double-check insulin doses at every shift handover", "origin": "\(emergency)", "department": "Emergency Department", "created_ms": 1767225600000, "observations": 10, "latest_date": "2026-05-04", "latest_value": 12.5, "signal": "common_cause", "assurance": "consistently_fail"},
        "points": [
          {"id": "\(emergency)-1000", "date": "2026-03-02", "value": 14.5, "note": "", "author": "alice", "created_ms": 1767225600000, "segment": 0, "variation": "common_cause", "run_signals": []},
          {"id": "\(emergency)-1001", "date": "2026-03-09", "value": 13.2, "note": "", "author": "alice", "created_ms": 1767312000000, "moving_range": 1.3000000000000007, "segment": 0, "variation": "common_cause", "run_signals": []},
          {"id": "\(emergency)-1002", "date": "2026-03-16", "value": 15.8, "note": "", "author": "alice", "created_ms": 1767398400000, "moving_range": 2.6000000000000014, "segment": 0, "variation": "common_cause", "run_signals": []},
          {"id": "\(emergency)-1003", "date": "2026-03-23", "value": 12.9, "note": "", "author": "alice", "created_ms": 1767484800000, "moving_range": 2.9000000000000004, "segment": 0, "variation": "common_cause", "run_signals": []},
          {"id": "\(emergency)-1004", "date": "2026-03-30", "value": 14.1, "note": "", "author": "alice", "created_ms": 1767571200000, "moving_range": 1.1999999999999993, "segment": 0, "variation": "common_cause", "run_signals": []},
          {"id": "\(emergency)-1005", "date": "2026-04-06", "value": 13.6, "note": "", "author": "alice", "created_ms": 1767657600000, "moving_range": 0.5, "segment": 0, "variation": "common_cause", "run_signals": []},
          {"id": "\(emergency)-1006", "date": "2026-04-13", "value": 15.0, "note": "", "author": "alice", "created_ms": 1767744000000, "moving_range": 1.4000000000000004, "segment": 0, "variation": "common_cause", "run_signals": []},
          {"id": "\(emergency)-1007", "date": "2026-04-20", "value": 12.2, "note": "", "author": "alice", "created_ms": 1767830400000, "segment": 1, "variation": "common_cause", "run_signals": []},
          {"id": "\(emergency)-1008", "date": "2026-04-27", "value": 11.8, "note": "", "author": "alice", "created_ms": 1767916800000, "moving_range": 0.3999999999999986, "segment": 1, "variation": "common_cause", "run_signals": []},
          {"id": "\(emergency)-1009", "date": "2026-05-04", "value": 12.5, "note": "", "author": "alice", "created_ms": 1768003200000, "moving_range": 0.6999999999999993, "segment": 1, "variation": "common_cause", "run_signals": []}
        ],
        "warnings": ["limits rest on fewer than 12 points: treat them as trial limits"],
        "split_date": "2026-04-20",
        "run": {"rules": "ihi", "median": 13.399999999999999, "useful_observations": 10, "crossings": 5, "runs": 6, "longest_run": 3, "runs_lower": 3, "runs_upper": 9, "shifts": [], "trends": [], "too_few_runs": false, "too_many_runs": false, "signal": false, "too_few_points": false},
        "xmr": {"segments": [{"start": 0, "count": 7, "from_date": "2026-03-02", "baseline_count": 7, "mean": 14.157142857142857, "mean_moving_range": 1.6500000000000004, "upper": 18.546142857142858, "lower": 9.768142857142855, "upper_two_sigma": 17.083142857142857, "lower_two_sigma": 11.231142857142856, "moving_range_upper": 5.390550000000001, "trial": true}, {"start": 7, "count": 3, "from_date": "2026-04-20", "baseline_count": 3, "mean": 12.166666666666666, "mean_moving_range": 0.5499999999999989, "upper": 13.629666666666663, "lower": 10.703666666666669, "upper_two_sigma": 13.141999999999998, "lower_two_sigma": 11.191333333333334, "moving_range_upper": 1.7968499999999965, "trial": true}], "variation_icon": "common_cause", "assurance": "consistently_fail"}}
        ]}
        """

    /// A one-segment chart of `values` (weekly from 2026-01-05) with its limits computed here the
    /// daemon's way and points outside them marked, for property tests over awkward numbers
    /// (negative, huge, tiny, equal).
    static func synthetic(_ values: [Double], better: String = "lower", target: Double? = nil, title: String = "Synthetic") -> String {
        let n = values.count
        let mean = n > 0 ? values.reduce(0, +) / Double(n) : 0
        let ranges = n > 1 ? (1..<n).map { abs(values[$0] - values[$0 - 1]) } : []
        let mmr = ranges.isEmpty ? 0 : ranges.reduce(0, +) / Double(ranges.count)
        let spread = 2.66 * mmr
        let (upper, lower) = (mean + spread, mean - spread)
        var icon = #""variation_icon": "common_cause""#
        if let last = values.last, n >= 2, last > upper || last < lower {
            let side = last > upper ? "above" : "below"
            let good = (better == "higher") == (side == "above")
            icon = #""variation_icon": "\#(good ? "special_cause_improvement" : "special_cause_concern")", "icon_side": "\#(side)""#
        }
        var assurance = ""
        if let target, n >= 2 {
            let (pass, fail) = better == "higher" ? (target < lower, target > upper) : (target > upper, target < lower)
            assurance = #", "assurance": "\#(pass ? "consistently_pass" : fail ? "consistently_fail" : "hit_and_miss")""#
        }
        let start = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"), year: 2026, month: 1, day: 5).date ?? Date(timeIntervalSince1970: 0)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        let dates = values.indices.map { formatter.string(from: start.addingTimeInterval(Double($0) * 7 * 86_400)) }
        func number(_ v: Double) -> String { "\(v)" }
        let points = values.enumerated().map { i, v -> String in
            var variation = "common_cause", extra = ""
            if n >= 2, v > upper || v < lower {
                let side = v > upper ? "above" : "below"
                let good = (better == "higher") == (side == "above")
                variation = good ? "special_cause_improvement" : "special_cause_concern"
                extra = #", "rule": "outside_limits", "side": "\#(side)""#
            }
            let mr = i > 0 && n >= 2 ? #", "moving_range": \#(number(ranges[i - 1]))"# : ""
            let xmrFields = n >= 2 ? #", "segment": 0, "variation": "\#(variation)"\#(extra)"# : ""
            return #"{"id": "\#(renal)-\#(2000 + i)", "date": "\#(dates[i])", "value": \#(number(v))\#(mr)\#(xmrFields), "run_signals": []}"#
        }
        let sorted = values.sorted()
        let median = n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        let run = n == 0 ? "" : #", "run": {"rules": "ihi", "median": \#(number(median)), "useful_observations": \#(values.filter { $0 != median }.count), "crossings": 0, "runs": 1, "longest_run": 1, "shifts": [], "trends": [], "too_few_runs": false, "too_many_runs": false, "signal": false, "too_few_points": \#(n < 10)}"#
        let xmr = n < 2 ? "" : #", "xmr": {"segments": [{"start": 0, "count": \#(n), "from_date": "\#(dates[0])", "baseline_count": \#(n), "mean": \#(number(mean)), "mean_moving_range": \#(number(mmr)), "upper": \#(number(upper)), "lower": \#(number(lower)), "upper_two_sigma": \#(number(mean + spread * 2 / 3)), "lower_two_sigma": \#(number(mean - spread * 2 / 3)), "moving_range_upper": \#(number(3.267 * mmr)), "trial": \#(n < 12)}], \#(icon)\#(assurance)}"#
        let titleJSON = String(data: (try? JSONSerialization.data(withJSONObject: [title], options: [.fragmentsAllowed])) ?? Data("[\"?\"]".utf8), encoding: .utf8)?.dropFirst().dropLast() ?? "\"?\""
        let targetJSON = target.map { #", "target": \#(number($0))"# } ?? ""
        return #"""
            {"measure": {"id": "\#(renal)-70", "short_id": "k3v9x2b7qa-70", "name": \#(titleJSON), "unit": "units", "better": "\#(better)"\#(targetJSON), "idea": "\#(renal)-41", "idea_title": \#(titleJSON), "origin": "\#(renal)", "department": "Renal Ward", "observations": \#(n)},
             "points": [\#(points.joined(separator: ",\n"))]\#(run)\#(xmr), "warnings": []}
            """#
    }
}
