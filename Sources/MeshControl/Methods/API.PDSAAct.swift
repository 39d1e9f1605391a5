extension API {
    /// `pdsa.act`: a cycle's Act step, which closes it.
    public enum PDSAAct: ControlMethod {
        public static let name = "pdsa.act"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["cycle", "decision", "notes", "patient_data_ok"]
            public var cycle: String
            public var decision: String
            public var notes: String?
            public var patientDataOk: Bool?

            public init(cycle: String, decision: String, notes: String? = nil, patientDataOk: Bool? = nil) {
                self.cycle = cycle
                self.decision = decision
                self.notes = notes
                self.patientDataOk = patientDataOk
            }
        }
    }
}
