extension API {
    /// `idea.status`: an idea's new status, with the reason.
    public enum IdeaSetStatus: ControlMethod {
        public static let name = "idea.status"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["id", "status", "reason", "patient_data_ok"]
            public var id: String
            public var status: String
            public var reason: String
            public var patientDataOk: Bool?

            public init(id: String, status: String, reason: String, patientDataOk: Bool? = nil) {
                self.id = id
                self.status = status
                self.reason = reason
                self.patientDataOk = patientDataOk
            }
        }
    }
}
