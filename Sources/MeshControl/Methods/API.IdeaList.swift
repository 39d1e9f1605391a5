extension API {
    /// `idea.list`: ideas, filtered and sorted (CONTROL.md §5.2).
    public enum IdeaList: ControlMethod {
        public static let name = "idea.list"
        public static let access = ControlAccess.anyone
        public typealias Result = MeshControl.IdeaList

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["theme", "status", "origin", "mine", "since_ms", "sort", "limit"]
            public var theme: String?
            public var status: String?
            public var origin: String?
            public var mine: Bool?
            public var sinceMs: UInt64?
            public var sort: String?
            public var limit: Int?

            public init(theme: String? = nil, status: String? = nil, origin: String? = nil, mine: Bool? = nil, sinceMs: UInt64? = nil, sort: String? = nil, limit: Int? = nil) {
                self.theme = theme
                self.status = status
                self.origin = origin
                self.mine = mine
                self.sinceMs = sinceMs
                self.sort = sort
                self.limit = limit
            }
        }
    }
}
