/// `admin.writes.resume`.
public struct WritesResumed: Codable, Sendable {
    /// Whether writes were paused (false: nothing changed).
    public let wasPaused: Bool
    /// Why they were, when they were.
    public let reason: String?

    public init(wasPaused: Bool, reason: String?) {
        self.wasPaused = wasPaused
        self.reason = reason
    }
}
