extension API {
    /// `admin.status`: the node: its id, department, uptime, ops, origins, database size and peers.
    public enum AdminStatus: ControlMethod {
        public static let name = "admin.status"
        public static let access = ControlAccess.admin
        public typealias Result = MeshControl.AdminStatus
        public typealias Params = NoParams
    }
}
