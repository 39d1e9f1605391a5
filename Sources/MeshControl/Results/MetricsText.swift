/// `admin.metrics`.
public struct MetricsText: Codable, Sendable {
    public let text: String

    public init(text: String) {
        self.text = text
    }
}
