extension API {
    /// `idea.show`: an idea in full, with its history, links, adoptions, cycles and measures.
    public enum IdeaShow: ControlMethod {
        public static let name = "idea.show"
        public static let access = ControlAccess.anyone
        public typealias Result = IdeaDetail
        public typealias Params = API.IdParams
    }
}
