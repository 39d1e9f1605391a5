/// `admin.peers`: open connections, the addresses this node dials, and the nodes it could not
/// talk to for want of a protocol version in common.
public struct PeersReport: Codable, Sendable {
    public let peers: [Peer]
    public let addresses: [Address]
    /// Absent from a daemon built before version negotiation.
    public let incompatible: [Incompatible]?

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
        /// The protocol version and op format the two nodes use (once past the peer's Hello).
        public let protocolVersion: Int?
        public let opFormat: Int?
        /// Messages of kinds this node does not know (a newer peer's), skipped.
        public let messagesSkipped: Int?

        public init(
            nodeId: String?, department: String?, address: String, direction: String, state: String,
            connectedSeconds: Int?, lastSeenMsAgo: Int?, rttMs: Int?, bytesIn: Int?, bytesOut: Int?,
            opsIn: Int?, opsOut: Int?, batchesRefused: Int?, opsBehind: Int?,
            protocolVersion: Int? = nil, opFormat: Int? = nil, messagesSkipped: Int? = nil
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
            self.protocolVersion = protocolVersion
            self.opFormat = opFormat
            self.messagesSkipped = messagesSkipped
        }
    }

    /// A node this node connected to (or that connected to it) whose Hello shared no protocol
    /// version with it: the link closed; one of the two must be upgraded.
    public struct Incompatible: Codable, Sendable {
        public let nodeId: String
        public let department: String?
        /// Where the last such link was (the dialled address, or the peer's for an inbound one).
        public let address: String
        /// The protocol versions the peer speaks, "1–1", and its highest op format.
        public let peerProtocols: String
        public let peerMaxOpFormat: Int
        /// What this node speaks, "2–3".
        public let protocols: String
        /// "peer" (it speaks only versions below this node's) or "this node".
        public let upgrade: String
        /// The Goodbye's reason: both ranges, and which side to upgrade.
        public let reason: String
        /// When the last such link closed (ms since the Unix epoch), and how many did since the
        /// daemon started.
        public let lastMs: Int
        public let count: Int

        public init(
            nodeId: String, department: String?, address: String, peerProtocols: String, peerMaxOpFormat: Int, protocols: String,
            upgrade: String, reason: String, lastMs: Int, count: Int
        ) {
            self.nodeId = nodeId
            self.department = department
            self.address = address
            self.peerProtocols = peerProtocols
            self.peerMaxOpFormat = peerMaxOpFormat
            self.protocols = protocols
            self.upgrade = upgrade
            self.reason = reason
            self.lastMs = lastMs
            self.count = count
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

    public init(peers: [Peer], addresses: [Address], incompatible: [Incompatible] = []) {
        self.peers = peers
        self.addresses = addresses
        self.incompatible = incompatible
    }
}
