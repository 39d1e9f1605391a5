import MeshCharts
/// A point in time on the monotonic clock: when a wait of the demo gives up.
struct DemoDeadline {
    let instant: ContinuousClock.Instant

    init(after seconds: Double) {
        instant = .now + .milliseconds(Int((min(max(0, seconds), 1e9) * 1000).rounded(.up)))
    }

    var hasPassed: Bool { ContinuousClock.now >= instant }

    /// Milliseconds left, rounded up; 0 once it has passed.
    var remainingMilliseconds: Int { max(0, Self.milliseconds(ContinuousClock.now.duration(to: instant), rounding: .up)) }

    /// `duration` in whole milliseconds.
    static func milliseconds(_ duration: Duration, rounding: FloatingPointRoundingRule = .toNearestOrAwayFromZero) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int((Double(seconds) * 1000 + Double(attoseconds) / 1e15).rounded(rounding))
    }
}
