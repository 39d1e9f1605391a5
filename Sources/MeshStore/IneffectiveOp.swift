import MeshCRDT

/// An op held in the log that has no effect here, and why (Protocol/README.md, "Content rules"
/// and "Body kinds added later"). It is stored, chained and relayed like any other op.
public struct IneffectiveOp: Hashable, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        /// It breaks a content rule (`OpBody.contentViolation`): no effect on any node.
        case content
        /// Its body is one this version cannot read; it takes effect once a version that reads
        /// it opens the store.
        case unknown
    }

    public var id: OpID
    public var kind: Kind
    /// For people: the rule broken, or what could not be read.
    public var reason: String

    public init(id: OpID, kind: Kind, reason: String) {
        self.id = id
        self.kind = kind
        self.reason = reason
    }
}
