extension API {
    /// `admin.replication`: each origin held, and what each peer in sync lacks of it.
    public enum AdminReplication: ControlMethod {
        public static let name = "admin.replication"
        public static let access = ControlAccess.admin
        public typealias Result = ReplicationReport
        public typealias Params = NoParams
    }
}
