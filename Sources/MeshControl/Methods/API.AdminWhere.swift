extension API {
    /// `admin.where`: which peers hold an idea and its latest change.
    public enum AdminWhere: ControlMethod {
        public static let name = "admin.where"
        public static let access = ControlAccess.admin
        public typealias Result = WhereReport
        public typealias Params = API.IdParams
    }
}
