extension API {
    /// `workflow.set`: this department's status workflow, replacing the one before. For the
    /// department's admins and the node's.
    public enum WorkflowSet: ControlMethod {
        public static let name = "workflow.set"
        public static let access = ControlAccess.departmentAdmin
        public typealias Result = WrittenOp

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["moves", "standard"]
            /// Each `from>to`, e.g. `proposed>under-review`.
            public var moves: [String]?
            /// The standard workflow instead of `moves`.
            public var standard: Bool?

            public init(moves: [String]? = nil, standard: Bool? = nil) {
                self.moves = moves
                self.standard = standard
            }
        }
    }
}
