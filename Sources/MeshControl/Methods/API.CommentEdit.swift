extension API {
    /// `comment.edit`: the caller's comment, new text.
    public enum CommentEdit: ControlMethod {
        public static let name = "comment.edit"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp
        public typealias Params = API.IdTextParams
    }
}
