import MeshCRDT
import MeshModel

/// An idea as people see it: its displayed content and status, and everything around it.
public struct IdeaView: Hashable, Sendable {
    public var id: OpID
    public var author: String
    public var hlc: HLC
    public var content: IdeaContent
    /// The displayed status: the latest by (hlc, origin) among the current ones.
    public var status: IdeaStatus
    /// Registers with concurrent values (a conflict, until someone writes again having seen them).
    public var conflicts: [Register]
    public var supporters: Int
    public var adoptedFrom: OpID?
    public var comments: [CommentView]
}

public struct CommentView: Hashable, Sendable {
    public var id: OpID
    public var author: String
    public var hlc: HLC
    public var text: String
    public var edited: Bool
    public var retracted: Bool
}

/// One value of a register that is current (several when they conflict).
public struct RegisterValue: Hashable, Sendable {
    public var writer: OpID
    public var hlc: HLC
    public var value: String
    public var note: String
    public var author: String
}

public struct SearchHit: Hashable, Sendable {
    public enum Kind: String, Sendable { case idea, comment }
    public var kind: Kind
    /// The idea, for both kinds.
    public var idea: OpID
    /// The comment, for comment hits.
    public var comment: OpID?
    public var title: String
    public var snippet: String
    public var rank: Double
}
