extension API {
    /// `admin.verify`: compares this node's state digest with a peer's.
    public enum AdminVerify: ControlMethod {
        public static let name = "admin.verify"
        public static let access = ControlAccess.admin
        public typealias Result = VerifyResult

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["peer"]
            public var peer: String

            public init(peer: String) {
                self.peer = peer
            }
        }
    }
}
