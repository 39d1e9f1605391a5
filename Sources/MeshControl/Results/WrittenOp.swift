/// What a staff or admin write answers: the new op's id, full and short (CONTROL.md §4).
public struct WrittenOp: Codable, Sendable, Equatable {
    public let id: String
    public let shortId: String

    public init(id: String, shortId: String) {
        self.id = id
        self.shortId = shortId
    }
}
