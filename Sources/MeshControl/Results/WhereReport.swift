/// `admin.where`: which peers hold an idea and its latest change.
public struct WhereReport: Codable, Sendable {
    public let idea: String
    public let latest: String?
    public let peers: [Peer]

    public struct Peer: Codable, Sendable {
        public let nodeId: String
        public let department: String?
        public let hasIdea: Bool
        public let hasLatest: Bool
        public let connected: Bool

        public init(nodeId: String, department: String?, hasIdea: Bool, hasLatest: Bool, connected: Bool) {
            self.nodeId = nodeId
            self.department = department
            self.hasIdea = hasIdea
            self.hasLatest = hasLatest
            self.connected = connected
        }
    }

    public init(idea: String, latest: String?, peers: [Peer]) {
        self.idea = idea
        self.latest = latest
        self.peers = peers
    }
}
