import Foundation

/// The wall clock, in milliseconds since the Unix epoch. IO lives here, not in the pure layers.
public enum Clock {
    public static func wallMillis() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(ts.tv_sec) * 1000 + UInt64(ts.tv_nsec) / 1_000_000
    }
}
