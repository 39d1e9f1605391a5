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
    /// The largest wall-clock time an HLC can carry (48 bits of milliseconds).
    public static let maxMillis: UInt64 = 0xFFFF_FFFF_FFFF

    public static func < (lhs: HLC, rhs: HLC) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The clock state of one node. Pure: the wall clock is passed in.
public struct HybridClock: Sendable {
    /// The largest timestamp issued or observed.
    public private(set) var last: HLC

    /// Remote timestamps further ahead of our wall clock than this are not followed
    /// (a peer with a broken clock must not drag ours into the future): a node's
    /// `max_ahead_seconds` (Protocol/README.md, "Clocks").
    public let maxDriftMillis: UInt64

    /// The default bound: 5 minutes, Kerberos's default clock-skew tolerance, so machines of a
    /// hospital's Windows domain (whose logins fail beyond it) are within it of each other.
    public static let defaultMaxDriftMillis: UInt64 = 5 * 60 * 1000

    public init(last: HLC = .zero, maxDriftMillis: UInt64 = HybridClock.defaultMaxDriftMillis) {
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
        guard admits(remote, wallMillis: wallMillis) else { return false }
        if remote > last { last = remote }
        return true
    }

    /// Takes this node's own latest timestamp into account, however far ahead of the wall clock
    /// it is (a clock that was fast, then set right; a restored store getting its ops back): the
    /// HLCs of a node's ops must strictly increase.
    public mutating func resume(after own: HLC) {
        if own > last { last = own }
    }

    /// Whether a remote timestamp is close enough to `wallMillis` to be followed: at most
    /// `maxDriftMillis` ahead of it. The one test of "too far ahead" (a store holds back the ops
    /// it fails, and releases them once it passes).
    public func admits(_ remote: HLC, wallMillis: UInt64) -> Bool {
        remote <= horizon(wallMillis: wallMillis)
    }

    /// The latest timestamp `admits` passes at `wallMillis`.
    public func horizon(wallMillis: UInt64) -> HLC {
        let (sum, overflow) = wallMillis.addingReportingOverflow(maxDriftMillis)
        return HLC(millis: overflow ? HLC.maxMillis : min(sum, HLC.maxMillis), counter: .max)
    }

    /// The wall-clock time from which `admits` passes `remote`.
    public func dueMillis(_ remote: HLC) -> UInt64 {
        remote.millis > maxDriftMillis ? remote.millis - maxDriftMillis : 0
    }
}
