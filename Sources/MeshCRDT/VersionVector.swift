/// How far a node holds each origin's op chain: the highest contiguous seq and the hash of that op.
public struct OriginHead: Hashable, Sendable {
    public var seq: UInt64
    /// SHA-256 of the op at `seq` (32 bytes); empty when seq == 0.
    public var hash: [UInt8]

    public init(seq: UInt64, hash: [UInt8]) {
        self.seq = seq
        self.hash = hash
    }

    public static let empty = OriginHead(seq: 0, hash: [])
}

/// origin → head. All two nodes need to compare to know what each lacks.
public struct VersionVector: Hashable, Sendable {
    public private(set) var heads: [NodeID: OriginHead]

    public init(_ heads: [NodeID: OriginHead] = [:]) {
        self.heads = heads.filter { $0.value.seq > 0 }
    }

    public subscript(origin: NodeID) -> OriginHead {
        get { heads[origin] ?? .empty }
        set { heads[origin] = newValue.seq > 0 ? newValue : nil }
    }

    public var origins: [NodeID] { heads.keys.sorted() }

    /// Total ops held.
    public var totalOps: UInt64 { heads.values.reduce(0) { $0 + $1.seq } }

    /// For each origin where `other` is ahead of us, the seq range we lack.
    public func missing(comparedTo other: VersionVector) -> [(origin: NodeID, range: ClosedRange<UInt64>)] {
        other.origins.compactMap { origin in
            let mine = self[origin].seq
            let theirs = other[origin].seq
            return theirs > mine ? (origin, (mine + 1)...theirs) : nil
        }
    }

    /// True when we hold at least everything `other` holds.
    public func dominates(_ other: VersionVector) -> Bool {
        other.heads.allSatisfy { self[$0.key].seq >= $0.value.seq }
    }
}
