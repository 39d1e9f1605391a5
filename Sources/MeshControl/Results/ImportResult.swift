/// `import`.
public struct ImportResult: Codable, Sendable {
    public let ids: [String]

    public init(ids: [String]) {
        self.ids = ids
    }
}
