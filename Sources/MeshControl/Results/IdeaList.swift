/// `idea.list`.
public struct IdeaList: Codable, Sendable {
    /// How many ideas match, before the limit.
    public let total: Int
    public let ideas: [IdeaSummary]

    public init(total: Int, ideas: [IdeaSummary]) {
        self.total = total
        self.ideas = ideas
    }
}
