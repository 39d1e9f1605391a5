extension API {
    /// `measure.compare`: a measure charted in every department that adopted its idea (CONTROL.md §5.6).
    public enum MeasureCompare: ControlMethod {
        public static let name = "measure.compare"
        public static let access = ControlAccess.anyone
        public typealias Result = MeasureComparison
        /// As `measure.chart`'s.
        public typealias Params = API.MeasureChart.Params
    }
}
