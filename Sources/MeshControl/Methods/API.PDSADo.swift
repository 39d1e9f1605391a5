extension API {
    /// `pdsa.do`: a cycle's Do step.
    public enum PDSADo: ControlMethod {
        public static let name = "pdsa.do"
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
