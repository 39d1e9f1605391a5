extension API {
    /// `idea.comment`: a comment on an idea.
    public enum IdeaComment: ControlMethod {
        public static let name = "idea.comment"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["id", "text"]
            public var id: String
            public var text: String

            public init(id: String, text: String) {
                self.id = id
                self.text = text
            }
        }
    }
}
