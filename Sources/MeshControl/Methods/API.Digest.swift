extension API {
    /// `digest`: what happened since a time (CONTROL.md §5.3).
    public enum Digest: ControlMethod {
        public static let name = "digest"
        public static let access = ControlAccess.anyone
        public typealias Result = DigestReport

        public struct Params: ControlParams, Equatable {
            public static let keys: Set<String> = ["since_ms"]
            public var sinceMs: UInt64

            public init(sinceMs: UInt64) {
                self.sinceMs = sinceMs
            }
        }
    }
}
