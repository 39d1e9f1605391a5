extension API {
    /// `admin.writes.resume`: lifts a write pause (a restored store that has not yet heard its
    /// own history from a peer), knowing that a write may then fork the node's history.
    public enum AdminWritesResume: ControlMethod {
        public static let name = "admin.writes.resume"
        public static let access = ControlAccess.admin
        public typealias Result = WritesResumed
        public typealias Params = NoParams
    }
}
