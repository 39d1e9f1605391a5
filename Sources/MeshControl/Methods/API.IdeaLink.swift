extension API {
    /// `idea.link`: a link between two ideas.
    public enum IdeaLink: ControlMethod {
        public static let name = "idea.link"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["from", "to", "kind"]
            public var from: String
            public var to: String
            public var kind: String

            public init(from: String, to: String, kind: String) {
                self.from = from
                self.to = to
                self.kind = kind
            }
        }
    }
}
