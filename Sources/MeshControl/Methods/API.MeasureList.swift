extension API {
    /// `measure.list`: an idea's measures, or every measure held.
    public enum MeasureList: ControlMethod {
        public static let name = "measure.list"
        public static let access = ControlAccess.anyone
        public typealias Result = MeshControl.MeasureList

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["idea", "limit"]
            public var idea: String?
            public var limit: Int?

            public init(idea: String? = nil, limit: Int? = nil) {
                self.idea = idea
                self.limit = limit
            }
        }
    }
}
