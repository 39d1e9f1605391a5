/// `admin.replication`: for each origin, how many of its ops each peer lacks.
public struct ReplicationReport: Codable, Sendable {
    public let origins: [Origin]
    public let peers: [Peer]

    public struct Origin: Codable, Sendable {
        public let origin: String
        public let department: String?
        /// The highest seq this node holds.
        public let seq: Int

        public init(origin: String, department: String?, seq: Int) {
            self.origin = origin
            self.department = department
            self.seq = seq
        }
    }

    public struct Peer: Codable, Sendable {
        public let nodeId: String
        public let department: String?
        /// Origin → ops of it this node holds that the peer is not known to hold.
        public let behind: [String: Int]

        public init(nodeId: String, department: String?, behind: [String: Int]) {
            self.nodeId = nodeId
            self.department = department
            self.behind = behind
        }
    }

    public init(origins: [Origin], peers: [Peer]) {
        self.origins = origins
        self.peers = peers
    }
}
