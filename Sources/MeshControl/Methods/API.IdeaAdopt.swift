extension API {
    /// `idea.adopt`: another department's idea copied here.
    public enum IdeaAdopt: ControlMethod {
        public static let name = "idea.adopt"
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
