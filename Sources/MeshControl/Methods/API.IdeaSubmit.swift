extension API {
    /// `idea.submit`: a new idea (CONTROL.md §5).
    public enum IdeaSubmit: ControlMethod {
        public static let name = "idea.submit"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["title", "problem", "solution", "theme", "tags", "anonymous", "patient_data_ok"]
            public var title: String
            public var problem: String
            public var solution: String
            public var theme: String?
            public var tags: [String]?
            public var anonymous: Bool?
            public var patientDataOk: Bool?

            public init(title: String, problem: String, solution: String, theme: String? = nil, tags: [String]? = nil, anonymous: Bool? = nil, patientDataOk: Bool? = nil) {
                self.title = title
                self.problem = problem
                self.solution = solution
                self.theme = theme
                self.tags = tags
                self.anonymous = anonymous
                self.patientDataOk = patientDataOk
            }
        }
    }
}
