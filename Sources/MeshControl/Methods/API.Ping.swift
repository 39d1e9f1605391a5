extension API {
    /// `ping`: who and where: the node, its department, the caller and whether they are an admin.
    public enum Ping: ControlMethod {
        public static let name = "ping"
        public static let access = ControlAccess.anyone
        public typealias Result = PingInfo
        public typealias Params = NoParams
    }
}
