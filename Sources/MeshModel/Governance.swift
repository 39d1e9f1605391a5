import Foundation

/// A person's role at a department (Protocol/README.md, "Roles and the status workflow").
/// Ordered: each role may do what the ones below it may.
public enum Role: String, CaseIterable, Codable, Comparable, Sendable {
    /// Submits, supports, comments; edits the ideas they wrote.
    case staff
    /// Also edits any idea of the department and moves its status.
    case leader
    /// Also sets roles and the status workflow.
    case admin

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A move an idea's status may make.
public struct StatusMove: Hashable, Codable, Sendable, CustomStringConvertible {
    public var from: IdeaStatus
    public var to: IdeaStatus

    public init(from: IdeaStatus, to: IdeaStatus) {
        self.from = from
        self.to = to
    }

    public var description: String { "\(from.rawValue)>\(to.rawValue)" }

    /// Reads `from>to`, e.g. `proposed>under-review`.
    /// Spaces around either status and capitals are allowed. No Foundation: a store reads its
    /// workflows' moves for every status change it applies (`Workflow(stored:)`).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ">", omittingEmptySubsequences: false)
        guard parts.count == 2, let from = Self.status(parts[0]), let to = Self.status(parts[1]) else { return nil }
        self.init(from: from, to: to)
    }

    private static func status(_ text: some StringProtocol) -> IdeaStatus? {
        if let status = IdeaStatus(rawValue: String(text)) { return status }
        guard let first = text.firstIndex(where: { !$0.isWhitespace }), let last = text.lastIndex(where: { !$0.isWhitespace })
        else { return nil }
        return IdeaStatus(rawValue: text[first...last].lowercased())
    }
}

/// A department's status workflow: the moves its ideas' status may make. Setting the status an
/// idea already has (with a new reason) is always allowed.
public struct Workflow: Hashable, Sendable {
    public var moves: [StatusMove]

    public init(moves: [StatusMove]) {
        self.moves = moves
    }

    /// Every department's workflow until its admins set another: an idea is reviewed, tested,
    /// then adopted (and spread) or declined; any idea may be closed, and a declined or closed
    /// one reopened.
    public static let standard = Workflow(moves: [
        (.proposed, [.underReview, .testing, .declined, .closed]),
        (.underReview, [.proposed, .testing, .declined, .closed]),
        (.testing, [.underReview, .adopted, .declined, .closed]),
        (.adopted, [.testing, .spread, .closed]),
        (.spread, [.adopted, .closed]),
        (.declined, [.proposed, .underReview, .closed]),
        (.closed, [.proposed, .underReview]),
    ].flatMap { from, targets in targets.map { StatusMove(from: from, to: $0) } })

    public func allows(from: IdeaStatus, to: IdeaStatus) -> Bool {
        from == to || moves.contains(StatusMove(from: from, to: to))
    }

    /// Where an idea at `status` may move, in the order of `IdeaStatus.allCases`.
    public func targets(from status: IdeaStatus) -> [IdeaStatus] {
        IdeaStatus.allCases.filter { $0 != status && moves.contains(StatusMove(from: status, to: $0)) }
    }

    /// Most moves a workflow lists: every pair of distinct statuses.
    public static let maxMoves = IdeaStatus.allCases.count * (IdeaStatus.allCases.count - 1)
}
