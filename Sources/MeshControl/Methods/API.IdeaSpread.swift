extension API {
    /// `idea.spread`: the adoption tree of an idea (CONTROL.md §5.7).
    public enum IdeaSpread: ControlMethod {
        public static let name = "idea.spread"
        public static let access = ControlAccess.anyone
        public typealias Result = SpreadReport
        public typealias Params = API.IdParams
    }
}
