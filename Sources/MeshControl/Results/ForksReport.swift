/// `admin.forks`: quarantined ops (another op at a held origin and seq).
public struct ForksReport: Codable, Sendable {
    public let forks: [Fork]

    public struct Fork: Codable, Sendable {
        public let origin: String
        public let department: String?
        public let seq: Int
        public let reason: String?
        public let detectedMs: Int?

        public init(origin: String, department: String?, seq: Int, reason: String?, detectedMs: Int?) {
            self.origin = origin
            self.department = department
            self.seq = seq
            self.reason = reason
            self.detectedMs = detectedMs
        }
    }

    public init(forks: [Fork]) {
        self.forks = forks
    }
}
