extension API {
    /// `admin.digest`: the state digest, the ops held and each origin's head.
    public enum AdminDigest: ControlMethod {
        public static let name = "admin.digest"
        public static let access = ControlAccess.admin
        public typealias Result = StateDigest
        public typealias Params = NoParams
    }
}
