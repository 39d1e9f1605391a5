extension API {
    /// `idea.support`: the caller supports an idea.
    public enum IdeaSupport: ControlMethod {
        public static let name = "idea.support"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["id"]
            public var id: String

            public init(id: String) {
                self.id = id
            }
        }
    }
}
