extension API {
    /// `idea.comment`: a comment on an idea.
    public enum IdeaComment: ControlMethod {
        public static let name = "idea.comment"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp
        public typealias Params = API.IdTextParams
    }
}
