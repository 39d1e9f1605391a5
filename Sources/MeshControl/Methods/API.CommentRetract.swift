extension API {
    /// `comment.retract`: the caller's comment withdrawn.
    public enum CommentRetract: ControlMethod {
        public static let name = "comment.retract"
        public static let access = ControlAccess.anyone
        public typealias Result = WrittenOp

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["id", "reason", "patient_data_ok"]
            public var id: String
            public var reason: String?
            public var patientDataOk: Bool?

            public init(id: String, reason: String? = nil, patientDataOk: Bool? = nil) {
                self.id = id
                self.reason = reason
                self.patientDataOk = patientDataOk
            }
        }
    }
}
