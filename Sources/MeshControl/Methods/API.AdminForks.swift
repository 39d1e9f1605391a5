extension API {
    /// `admin.forks`: the quarantined ops.
    public enum AdminForks: ControlMethod {
        public static let name = "admin.forks"
        public static let access = ControlAccess.admin
        public typealias Result = ForksReport
        public typealias Params = NoParams
    }
}
