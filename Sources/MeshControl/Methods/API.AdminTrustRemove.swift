extension API {
    /// `admin.trust.remove`: stops trusting a node an admin added.
    public enum AdminTrustRemove: ControlMethod {
        public static let name = "admin.trust.remove"
        public static let access = ControlAccess.admin
        public typealias Result = TrustChange
        public typealias Params = API.NodeParams
    }
}
