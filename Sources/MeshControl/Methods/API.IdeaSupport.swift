extension API {
    /// `idea.support`: the caller supports an idea.
    public enum IdeaSupport: ControlMethod {
        public static let name = "idea.support"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp
        public typealias Params = API.IdParams
    }
}
