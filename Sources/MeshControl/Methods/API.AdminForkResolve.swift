extension API {
    /// `admin.fork.resolve`: keeps the held chain of a forked origin and unblocks it.
    public enum AdminForkResolve: ControlMethod {
        public static let name = "admin.fork.resolve"
        public static let access = ControlAccess.admin
        public typealias Result = ForkResolution

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["origin"]
            public var origin: String

            public init(origin: String) {
                self.origin = origin
            }
        }
    }
}
