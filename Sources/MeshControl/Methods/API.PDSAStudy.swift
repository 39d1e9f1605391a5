extension API {
    /// `pdsa.study`: a cycle's Study step.
    public enum PDSAStudy: ControlMethod {
        public static let name = "pdsa.study"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["cycle", "notes"]
            public var cycle: String
            public var notes: String?

            public init(cycle: String, notes: String? = nil) {
                self.cycle = cycle
                self.notes = notes
            }
        }
    }
}
