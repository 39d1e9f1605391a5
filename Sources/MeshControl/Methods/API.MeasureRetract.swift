extension API {
    /// `measure.retract`: an observation withdrawn.
    public enum MeasureRetract: ControlMethod {
        public static let name = "measure.retract"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["observation", "reason", "patient_data_ok"]
            public var observation: String
            public var reason: String?
            public var patientDataOk: Bool?

            public init(observation: String, reason: String? = nil, patientDataOk: Bool? = nil) {
                self.observation = observation
                self.reason = reason
                self.patientDataOk = patientDataOk
            }
        }
    }
}
