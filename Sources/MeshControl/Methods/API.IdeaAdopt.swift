extension API {
    /// `idea.adopt`: another department's idea copied here.
    public enum IdeaAdopt: ControlMethod {
        public static let name = "idea.adopt"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp
        public typealias Params = API.IdParams
    }
}
