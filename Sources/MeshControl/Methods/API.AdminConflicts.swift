extension API {
    /// `admin.conflicts`: ideas with concurrent values.
    public enum AdminConflicts: ControlMethod {
        public static let name = "admin.conflicts"
        public static let access = ControlAccess.admin
        public typealias Result = ConflictsReport
        public typealias Params = NoParams
    }
}
