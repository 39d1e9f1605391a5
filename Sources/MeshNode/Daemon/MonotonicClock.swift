#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Milliseconds of a clock that never jumps (CLOCK_MONOTONIC): for timeouts, backoff and
/// latencies, which must not follow changes of the wall clock.
enum MonotonicClock {
    static func millis() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000 + UInt64(now.tv_nsec) / 1_000_000
    }
}
