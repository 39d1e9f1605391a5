/// `export`.
public struct ExportResult: Codable, Sendable {
    public let ideas: [IdeaDetail]

    public init(ideas: [IdeaDetail]) {
        self.ideas = ideas
    }
}
