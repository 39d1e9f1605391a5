extension API {
    /// `export`: every idea held, in full.
    public enum Export: ControlMethod {
        public static let name = "export"
        public static let access = ControlAccess.anyone
        public typealias Result = ExportResult
        public typealias Params = NoParams
    }
}
