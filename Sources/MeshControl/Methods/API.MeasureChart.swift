extension API {
    /// `measure.chart`: a measure's run and XmR charts (CONTROL.md §5.5).
    public enum MeasureChart: ControlMethod {
        public static let name = "measure.chart"
        public static let access = ControlAccess.anyone
        public typealias Result = MeshControl.MeasureChart

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["measure", "rules", "baseline", "rebase"]
            public var measure: String
            public var rules: String?
            public var baseline: Int?
            public var rebase: [String]?

            public init(measure: String, rules: String? = nil, baseline: Int? = nil, rebase: [String]? = nil) {
                self.measure = measure
                self.rules = rules
                self.baseline = baseline
                self.rebase = rebase
            }
        }
    }
}
