extension API {
    /// `comment.edit`: the caller's comment, new text.
    public enum CommentEdit: ControlMethod {
        public static let name = "comment.edit"
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
