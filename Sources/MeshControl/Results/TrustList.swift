/// `admin.trust.list`.
public struct TrustList: Codable, Sendable {
    public let nodes: [Node]

    public struct Node: Codable, Sendable {
        public let nodeId: String
        /// "config" or "admin".
        public let source: String
        public let department: String?

        public init(nodeId: String, source: String, department: String?) {
            self.nodeId = nodeId
            self.source = source
            self.department = department
        }
    }

    public init(nodes: [Node]) {
        self.nodes = nodes
    }
}
