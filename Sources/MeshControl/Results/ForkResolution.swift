/// `admin.fork.resolve`.
public struct ForkResolution: Codable, Sendable {
    public let origin: String
    /// How many quarantined ops were dropped.
    public let dropped: Int?

    public init(origin: String, dropped: Int?) {
        self.origin = origin
        self.dropped = dropped
    }
}
