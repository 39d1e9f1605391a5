extension API {
    /// `admin.metrics`: the Prometheus text exposition.
    public enum AdminMetrics: ControlMethod {
        public static let name = "admin.metrics"
        public static let access = ControlAccess.admin
        public typealias Result = MetricsText
        public typealias Params = NoParams
    }
}
