extension API {
    /// `admin.trust.list`: the trusted nodes.
    public enum AdminTrustList: ControlMethod {
        public static let name = "admin.trust.list"
        public static let access = ControlAccess.admin
        public typealias Result = MeshControl.TrustList
        public typealias Params = NoParams
    }
}
