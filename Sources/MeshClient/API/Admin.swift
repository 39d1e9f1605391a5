/// `admin.status`.
public struct AdminStatus: Decodable, Sendable {
    public let nodeId: String
    public let department: String
    public let listen: String?
    public let uptimeSeconds: Int
    public let ops: Int
    public let origins: Int
    public let dbBytes: Int
    public let peersConnected: Int
}

/// `admin.peers`: open connections, and the addresses this node dials.
public struct PeersReport: Decodable, Sendable {
    public let peers: [Peer]
    public let addresses: [Address]

    public struct Peer: Decodable, Sendable {
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
    }

    public struct Address: Decodable, Sendable {
        public let address: String
        public let nodeId: String?
        public let seed: Bool
        public let connected: Bool
        public let failures: Int
        public let lastError: String?
        public let retryInMs: Int?
    }
}

/// `admin.digest`.
public struct StateDigest: Decodable, Sendable {
    public let digest: String
    public let ops: Int
    public let heads: [String: Int]
}

/// `admin.replication`: for each origin, how many of its ops each peer lacks.
public struct ReplicationReport: Decodable, Sendable {
    public let origins: [Origin]
    public let peers: [Peer]

    public struct Origin: Decodable, Sendable {
        public let origin: String
        public let department: String?
        /// The highest seq this node holds.
        public let seq: Int
    }

    public struct Peer: Decodable, Sendable {
        public let nodeId: String
        public let department: String?
        /// Origin → ops of it this node holds that the peer is not known to hold.
        public let behind: [String: Int]
    }
}

/// `admin.where`: which peers hold an idea and its latest change.
public struct WhereReport: Decodable, Sendable {
    public let idea: String
    public let latest: String?
    public let peers: [Peer]

    public struct Peer: Decodable, Sendable {
        public let nodeId: String
        public let department: String?
        public let hasIdea: Bool
        public let hasLatest: Bool
        public let connected: Bool
    }
}

/// `admin.conflicts`: registers with concurrent values.
public struct ConflictsReport: Decodable, Sendable {
    public let ideas: [Idea]

    public struct Idea: Decodable, Sendable {
        public let id: String
        public let title: String
        public let registers: [Register]
    }

    public struct Register: Decodable, Sendable {
        public let register: String
        public let values: [Value]
    }

    public struct Value: Decodable, Sendable {
        public let value: LenientText
        public let author: String?
        /// The writing op (or its origin).
        public let writer: String?
        public let createdMs: Int?
        /// A status change's reason, when given.
        public let note: String?
    }
}

/// `admin.forks`: quarantined ops (another op at a held origin and seq).
public struct ForksReport: Decodable, Sendable {
    public let forks: [Fork]

    public struct Fork: Decodable, Sendable {
        public let origin: String
        public let department: String?
        public let seq: Int
        public let reason: String?
        public let detectedMs: Int?
    }
}

/// `admin.fork.resolve`.
public struct ForkResolution: Decodable, Sendable {
    public let origin: String
    /// How many quarantined ops were dropped.
    public let dropped: Int?
}

/// `admin.trust.list`.
public struct TrustList: Decodable, Sendable {
    public let nodes: [Node]

    public struct Node: Decodable, Sendable {
        public let nodeId: String
        /// "config" or "admin".
        public let source: String
        public let department: String?
    }
}

/// `admin.trust.add` and `admin.trust.remove`.
public struct TrustChange: Decodable, Sendable {
    public let nodeId: String
    /// False when the list already was that way (a node added twice).
    public let changed: Bool?
}

/// `admin.verify`.
public struct VerifyResult: Decodable, Sendable {
    public let peer: String
    public let equal: Bool
    public let firstDifferingOrigin: String?
    /// This node's state digest, and the peer's.
    public let digest: String?
    public let peerDigest: String?
}

/// `admin.metrics`.
public struct MetricsText: Decodable, Sendable {
    public let text: String
}

/// `admin.backup`.
public struct BackupResult: Decodable, Sendable {
    public let path: String
    public let bytes: Int
}
