extension API {
    /// `pdsa.start`: a PDSA cycle on an idea, its plan and prediction fixed.
    public enum PDSAStart: ControlMethod {
        public static let name = "pdsa.start"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["idea", "plan", "prediction", "patient_data_ok"]
            public var idea: String
            public var plan: String
            public var prediction: String
            public var patientDataOk: Bool?

            public init(idea: String, plan: String, prediction: String, patientDataOk: Bool? = nil) {
                self.idea = idea
                self.plan = plan
                self.prediction = prediction
                self.patientDataOk = patientDataOk
            }
        }
    }
}
