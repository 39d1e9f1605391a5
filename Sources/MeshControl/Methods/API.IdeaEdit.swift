extension API {
    /// `idea.edit`: an idea's fields changed (at least one).
    public enum IdeaEdit: ControlMethod {
        public static let name = "idea.edit"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["id", "title", "problem", "solution", "theme", "tags", "patient_data_ok"]
            public var id: String
            public var title: String?
            public var problem: String?
            public var solution: String?
            public var theme: String?
            public var tags: [String]?
            public var patientDataOk: Bool?

            public init(id: String, title: String? = nil, problem: String? = nil, solution: String? = nil, theme: String? = nil, tags: [String]? = nil, patientDataOk: Bool? = nil) {
                self.id = id
                self.title = title
                self.problem = problem
                self.solution = solution
                self.theme = theme
                self.tags = tags
                self.patientDataOk = patientDataOk
            }
        }
    }
}
