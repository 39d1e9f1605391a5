extension API {
    /// `idea.unsupport`: the caller's supports of an idea seen here are withdrawn.
    public enum IdeaUnsupport: ControlMethod {
        public static let name = "idea.unsupport"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp
        public typealias Params = API.IdParams
    }
}
