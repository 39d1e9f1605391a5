extension API {
    /// `measure.record`: an observation of a measure.
    public enum MeasureRecord: ControlMethod {
        public static let name = "measure.record"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["measure", "value", "date", "note", "patient_data_ok"]
            public var measure: String
            public var value: Double
            public var date: String?
            public var note: String?
            public var patientDataOk: Bool?

            public init(measure: String, value: Double, date: String? = nil, note: String? = nil, patientDataOk: Bool? = nil) {
                self.measure = measure
                self.value = value
                self.date = date
                self.note = note
                self.patientDataOk = patientDataOk
            }
        }
    }
}
