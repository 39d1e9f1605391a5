/// Reconnect delays: exponential backoff with jitter (PROTOCOL.md §7).
///
/// After `failures` failed attempts in a row the next attempt waits a random time in
/// [½·d, d], where d = min(`cap`, `base` · 2^(failures − 1)). The jitter keeps departments that
/// lost the same peer at the same moment from redialling it in lockstep. Pure: the caller passes
/// the random source.
public struct Backoff: Sendable, Equatable {
    public var baseMillis: UInt64
    public var capMillis: UInt64

    public init(baseMillis: UInt64 = 500, capMillis: UInt64 = 60_000) {
        precondition(baseMillis >= 1 && capMillis >= baseMillis)
        self.baseMillis = baseMillis
        self.capMillis = capMillis
    }

    /// The longest wait after `failures` failures (0 failures: no wait).
    public func ceiling(failures: Int) -> UInt64 {
        guard failures > 0 else { return 0 }
        let doublings = min(failures - 1, 32)
        let (scaled, overflow) = baseMillis.multipliedReportingOverflow(by: 1 << UInt64(doublings))
        return overflow ? capMillis : min(capMillis, scaled)
    }

    /// The wait before the next attempt, jittered with `random`.
    public func delay<R: RandomNumberGenerator>(failures: Int, using random: inout R) -> UInt64 {
        let ceiling = ceiling(failures: failures)
        guard ceiling > 1 else { return ceiling }
        return UInt64.random(in: (ceiling / 2)...ceiling, using: &random)
    }
}
