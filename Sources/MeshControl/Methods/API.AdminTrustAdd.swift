extension API {
    /// `admin.trust.add`: trusts a node.
    public enum AdminTrustAdd: ControlMethod {
        public static let name = "admin.trust.add"
        public static let access = ControlAccess.admin
        public typealias Result = TrustChange

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["node_id"]
            public var nodeId: String

            public init(nodeId: String) {
                self.nodeId = nodeId
            }
        }
    }
}
