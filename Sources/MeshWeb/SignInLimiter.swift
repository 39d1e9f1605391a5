import Foundation

/// Rate limits on sign-in: at most `attempts` failures per user name and per remote address in
/// `window`; beyond them the form refuses at once, without looking at the secret, until the
/// oldest failure leaves the window. Failures older than the window are dropped.
public actor SignInLimiter {
    private let attempts: Int
    private let window: TimeInterval
    private var failures: [String: [Date]] = [:]

    public init(attempts: Int, windowSeconds: Int) {
        self.attempts = attempts
        self.window = TimeInterval(windowSeconds)
    }

    /// Seconds to wait before `keys` may try again; nil: they may try now.
    public func wait(for keys: [String], now: Date = Date()) -> Int? {
        prune(now: now)
        var longest: TimeInterval?
        for key in keys {
            guard let times = failures[key], times.count >= attempts, let oldest = times.first else { continue }
            let left = window - now.timeIntervalSince(oldest)
            longest = max(longest ?? 0, left)
        }
        return longest.map { max(1, Int($0.rounded(.up))) }
    }

    /// Counts an attempt before its secret is checked (so that attempts sent at once cannot all
    /// pass `wait` before any failure is recorded): nil and counted when `keys` may try now,
    /// else the seconds to wait. `succeeded` clears the count.
    public func attempt(_ keys: [String], now: Date = Date()) -> Int? {
        if let wait = wait(for: keys, now: now) { return wait }
        failed(keys, now: now)
        return nil
    }

    public func failed(_ keys: [String], now: Date = Date()) {
        for key in keys { failures[key, default: []].append(now) }
    }

    public func succeeded(_ keys: [String]) {
        for key in keys { failures[key] = nil }
    }

    private func prune(now: Date) {
        for (key, times) in failures {
            let kept = times.filter { now.timeIntervalSince($0) < window }
            failures[key] = kept.isEmpty ? nil : kept
        }
    }
}
