/// `admin.peers`: open connections, and the addresses this node dials.
public struct PeersReport: Codable, Sendable {
    public let peers: [Peer]
    public let addresses: [Address]

    public struct Peer: Codable, Sendable {
        public let nodeId: String?
        public let department: String?
        public let address: String
        /// "in" or "out".
        public let direction: String
        /// "handshake", "hello" or "syncing".
        public let state: String
        public let connectedSeconds: Int?
        public let lastSeenMsAgo: Int?
        public let rttMs: Int?
        public let bytesIn: Int?
        public let bytesOut: Int?
        public let opsIn: Int?
        public let opsOut: Int?
        public let batchesRefused: Int?
        public let opsBehind: Int?

        public init(
            nodeId: String?, department: String?, address: String, direction: String, state: String,
            connectedSeconds: Int?, lastSeenMsAgo: Int?, rttMs: Int?, bytesIn: Int?, bytesOut: Int?,
            opsIn: Int?, opsOut: Int?, batchesRefused: Int?, opsBehind: Int?
        ) {
            self.nodeId = nodeId
            self.department = department
            self.address = address
            self.direction = direction
            self.state = state
            self.connectedSeconds = connectedSeconds
            self.lastSeenMsAgo = lastSeenMsAgo
            self.rttMs = rttMs
            self.bytesIn = bytesIn
            self.bytesOut = bytesOut
            self.opsIn = opsIn
            self.opsOut = opsOut
            self.batchesRefused = batchesRefused
            self.opsBehind = opsBehind
        }
    }

    public struct Address: Codable, Sendable {
        public let address: String
        public let nodeId: String?
        public let seed: Bool
        public let connected: Bool
        public let failures: Int
        public let lastError: String?
        public let retryInMs: Int?

        public init(
            address: String, nodeId: String?, seed: Bool, connected: Bool, failures: Int, lastError: String?,
            retryInMs: Int?
        ) {
            self.address = address
            self.nodeId = nodeId
            self.seed = seed
            self.connected = connected
            self.failures = failures
            self.lastError = lastError
            self.retryInMs = retryInMs
        }
    }

    public init(peers: [Peer], addresses: [Address]) {
        self.peers = peers
        self.addresses = addresses
    }
}
