extension API {
    /// `import`: ideas from rows, all written or none (CONTROL.md §5.4).
    public enum Import: ControlMethod {
        public static let name = "import"
        public static let access = ControlAccess.anyone
        public typealias Result = ImportResult

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["rows", "anonymous", "patient_data_ok"]
            public var rows: [JSONValue]
            public var anonymous: Bool?
            public var patientDataOk: Bool?

            public init(rows: [JSONValue], anonymous: Bool? = nil, patientDataOk: Bool? = nil) {
                self.rows = rows
                self.anonymous = anonymous
                self.patientDataOk = patientDataOk
            }
        }
    }
}
