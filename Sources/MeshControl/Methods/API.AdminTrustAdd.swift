extension API {
    /// `admin.trust.add`: trusts a node.
    public enum AdminTrustAdd: ControlMethod {
        public static let name = "admin.trust.add"
        public static let access = ControlAccess.admin
        public typealias Result = TrustChange
        public typealias Params = API.NodeParams
    }
}
