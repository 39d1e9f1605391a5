/// Where an idea stands. A multi-value register: concurrent changes are all kept and shown.
public enum IdeaStatus: String, CaseIterable, Codable, Sendable {
    case proposed
    case underReview = "under-review"
    case testing
    case adopted
    case spread
    case declined
    case closed
}
