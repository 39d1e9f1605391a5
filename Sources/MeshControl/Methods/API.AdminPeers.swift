extension API {
    /// `admin.peers`: open connections, and the addresses this node dials.
    public enum AdminPeers: ControlMethod {
        public static let name = "admin.peers"
        public static let access = ControlAccess.admin
        public typealias Result = PeersReport
        public typealias Params = NoParams
    }
}
