/// An idea as `idea.list`, `digest` and the other summaries give it (CONTROL.md §5): no problem,
/// solution or comments.
public struct IdeaSummary: Codable, Sendable {
    public let id: String
    public let shortId: String
    public let title: String
    public let status: String
    public let theme: String?
    public let tags: [String]?
    /// Empty when anonymous.
    public let author: String?
    /// The author's display name at the origin department, when they gave one (shown instead of `author`).
    public let authorName: String?
    public let origin: String?
    /// The origin's department, when the daemon knows it.
    public let department: String?
    public let createdMs: Int?
    public let supporters: Int?
    public let commentCount: Int?
    /// Registers (e.g. "status", "title") that hold concurrent values.
    public let conflicts: [String]?
    public let adoptedFrom: String?
    /// `digest`'s `moved` only: the reason given with the status it moved to, when one was.
    public let statusReason: String?

    public init(
        id: String, shortId: String, title: String, status: String, theme: String?, tags: [String]?,
        author: String?, authorName: String? = nil, origin: String?, department: String?, createdMs: Int?, supporters: Int?,
        commentCount: Int?, conflicts: [String]?, adoptedFrom: String?, statusReason: String? = nil
    ) {
        self.id = id
        self.shortId = shortId
        self.title = title
        self.status = status
        self.theme = theme
        self.tags = tags
        self.author = author
        self.authorName = authorName
        self.origin = origin
        self.department = department
        self.createdMs = createdMs
        self.supporters = supporters
        self.commentCount = commentCount
        self.conflicts = conflicts
        self.adoptedFrom = adoptedFrom
        self.statusReason = statusReason
    }
}
