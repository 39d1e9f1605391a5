extension API {
    /// `idea.redact`: a text erased on every node (Protocol/README.md, "Erasure").
    public enum IdeaRedact: ControlMethod {
        public static let name = "idea.redact"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["id", "field", "reason"]
            /// The idea's id, or the comment's for `field` `comment`.
            public var id: String
            /// `title`, `problem`, `solution` or `comment`.
            public var field: String
            public var reason: String

            public init(id: String, field: String, reason: String) {
                self.id = id
                self.field = field
                self.reason = reason
            }
        }
    }
}
