extension API {
    /// `admin.workflow`: this department's status workflow, replacing the standard one.
    public enum AdminWorkflow: ControlMethod {
        public static let name = "admin.workflow"
        public static let access = ControlAccess.admin
        public typealias Result = WrittenOp

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["moves"]
            /// Each `from>to`, e.g. `proposed>under-review`.
            public var moves: [String]

            public init(moves: [String]) {
                self.moves = moves
            }
        }
    }
}
