import MeshCRDT

/// An op that changes what belongs to another department (Protocol/README.md, "Rights").
public struct RightsViolation: Error, Equatable, Sendable, CustomStringConvertible {
    /// The idea it would change, of another origin than the op's.
    public let idea: OpID

    public var description: String {
        "rights: idea \(idea.short) is another department's: only its own department changes its \(Self.owned)"
    }

    /// What only an idea's own department changes, for messages.
    public static let owned = "title, problem, solution, theme, tags and status"
}

extension OpBody {
    /// The rights rule this body, written at `origin`, breaks; nil when it breaks none.
    ///
    /// An idea belongs to the department that made it (its id's origin; an adoption is the
    /// adopter's own idea): only that department edits its fields and moves its status. Other
    /// departments support, comment on, link and adopt it. The rule depends only on the op (its
    /// origin and its target's id), so every node reaches the same verdict: a local write that
    /// breaks it is refused, a remote op that breaks it has no effect (`ApplySession`), like a
    /// content rule.
    public func rightsViolation(origin: NodeID) -> RightsViolation? {
        switch self {
        case .ideaEdit(let idea, _), .statusSet(let idea, _, _, _):
            idea.origin == origin ? nil : RightsViolation(idea: idea)
        default:
            nil
        }
    }
}
