/// A hybrid logical clock timestamp: 48 bits of wall-clock milliseconds, 16 bits of counter.
///
/// Ordered like the integer it packs into, so it stores as one SQLite INTEGER and sorts there too.
public struct HLC: Hashable, Comparable, Sendable {
    public let rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public init(millis: UInt64, counter: UInt16) {
        rawValue = (millis & 0xFFFF_FFFF_FFFF) << 16 | UInt64(counter)
    }

    public var millis: UInt64 { rawValue >> 16 }
    public var counter: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    public static let zero = HLC(rawValue: 0)

    public static func < (lhs: HLC, rhs: HLC) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The clock state of one node. Pure: the wall clock is passed in.
public struct HybridClock: Sendable {
    /// The largest timestamp issued or observed.
    public private(set) var last: HLC

    /// Remote timestamps further ahead of our wall clock than this are not followed
    /// (a peer with a broken clock must not drag ours into the future).
    public let maxDriftMillis: UInt64

    public init(last: HLC = .zero, maxDriftMillis: UInt64 = 60 * 60 * 1000) {
        self.last = last
        self.maxDriftMillis = maxDriftMillis
    }

    /// A timestamp for a local event: after everything seen, and at least the wall clock.
    public mutating func tick(wallMillis: UInt64) -> HLC {
        let wall = HLC(millis: wallMillis, counter: 0)
        let next = wall > last ? wall : HLC(rawValue: last.rawValue &+ 1)
        last = next
        return next
    }

    /// Takes a remote timestamp into account, so later local events order after it.
    /// Returns false (and ignores it) when it is implausibly far ahead of `wallMillis`.
    @discardableResult
    public mutating func observe(_ remote: HLC, wallMillis: UInt64) -> Bool {
        guard remote.millis <= wallMillis &+ maxDriftMillis else { return false }
        if remote > last { last = remote }
        return true
    }
}
