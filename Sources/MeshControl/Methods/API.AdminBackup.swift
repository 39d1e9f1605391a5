extension API {
    /// `admin.backup`: a consistent copy of the store, to a new file.
    public enum AdminBackup: ControlMethod {
        public static let name = "admin.backup"
        public static let access = ControlAccess.admin
        public typealias Result = BackupResult

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["path"]
            public var path: String

            public init(path: String) {
                self.path = path
            }
        }
    }
}
