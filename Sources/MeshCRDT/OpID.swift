/// The id of one op: the node that made it and its sequence number there (1, 2, 3, …).
///
/// Everything an op creates (an idea, a comment, a measure, a cycle) is named by the id of the
/// op that created it, so ids are unique without coordination.
public struct OpID: Hashable, Comparable, Sendable {
    public let origin: NodeID
    public let seq: UInt64

    public init(origin: NodeID, seq: UInt64) {
        self.origin = origin
        self.seq = seq
    }

    public static func < (lhs: OpID, rhs: OpID) -> Bool {
        (lhs.origin, lhs.seq) < (rhs.origin, rhs.seq)
    }

    /// `<origin short>-<seq>`, e.g. `k3qf7a2mxb-42`: what people type and read.
    public var short: String { "\(origin.short)-\(seq)" }
}

extension OpID: CustomStringConvertible {
    public var description: String { short }
}

/// The order used to pick the winner among concurrent writes: HLC first, then origin.
public struct WriteStamp: Hashable, Comparable, Sendable {
    public let hlc: HLC
    public let origin: NodeID

    public init(hlc: HLC, origin: NodeID) {
        self.hlc = hlc
        self.origin = origin
    }

    public static func < (lhs: WriteStamp, rhs: WriteStamp) -> Bool {
        (lhs.hlc, lhs.origin) < (rhs.hlc, rhs.origin)
    }
}
