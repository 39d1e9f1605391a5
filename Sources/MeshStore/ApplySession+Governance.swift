import GRDB
import MeshCRDT
import MeshModel

/// Why an op breaks a department's governance (Protocol/README.md, "Roles and the status
/// workflow"): its author lacks the role, or a status move is outside the workflow. Depends only
/// on the op and earlier ops of its own origin, so every node reaches the same verdict.
public enum GovernanceViolation: Error, Equatable, Sendable, CustomStringConvertible {
    /// An edit of an idea by someone who neither wrote it nor leads, in a department with roles.
    case notAuthorOrLeader(idea: OpID, author: String, ideaAuthor: String)
    /// A status move by someone who does not lead, in a department with roles.
    case notLeader(idea: OpID, author: String, role: Role?)
    /// A status move the department's workflow does not list.
    case notInWorkflow(idea: OpID, from: IdeaStatus, to: IdeaStatus, allowed: [IdeaStatus])

    public var description: String {
        switch self {
        case .notAuthorOrLeader(let idea, let author, let ideaAuthor):
            "roles: idea \(idea.short) is changed by its author\(ideaAuthor.isEmpty ? "" : " (\(ideaAuthor))") or the department's "
                + "leaders and admins, and \(author.isEmpty ? "an anonymous writer" : author) is neither"
        case .notLeader(_, let author, let role):
            "roles: only the department's leaders and admins move an idea's status, and \(Self.who(author, role)) there"
        case .notInWorkflow(let idea, let from, let to, let allowed):
            "workflow: idea \(idea.short) cannot move from \(from.rawValue) to \(to.rawValue) in this department's workflow; "
                + (allowed.isEmpty ? "it allows no move from \(from.rawValue)" : "from \(from.rawValue) it moves to \(allowed.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// The refusal of a local write that would break it, as its writer reads it.
    public var refusal: String {
        switch self {
        case .notAuthorOrLeader(let idea, let author, let ideaAuthor):
            ideaAuthor.isEmpty
                ? "\(idea.short) is anonymous: only this department's leaders and admins change it (`ideamesh roles` lists them). You can comment on it."
                : "\(idea.short) was written by \(ideaAuthor): only its author or this department's leaders and admins change it, and "
                    + "\(author) is neither (`ideamesh roles` lists them). You can comment on it."
        case .notLeader(_, let author, let role):
            "Only this department's leaders and admins move an idea's status, and \(Self.who(author, role)) here "
                + "(`ideamesh roles` lists them)."
        case .notInWorkflow(let idea, let from, let to, let allowed):
            allowed.isEmpty
                ? "\(idea.short) is \(from.rawValue), and this department's workflow lets an idea move on from \(from.rawValue) to no "
                    + "other status (`ideamesh workflow` shows it; its admins change it)."
                : "\(idea.short) is \(from.rawValue): this department's workflow moves it on to \(Self.list(allowed.map(\.rawValue))), "
                    + "not to \(to.rawValue) (`ideamesh workflow` shows it)."
        }
    }

    static func list(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " or " + items.last!
    }

    static func who(_ author: String, _ role: Role?) -> String {
        let name = author.isEmpty ? "an anonymous writer" : author
        return role.map { "\(name) is \(Self.article($0))\($0.rawValue)" } ?? "\(name) has no role"
    }

    /// "an admin", "a leader", "staff".
    public static func article(_ role: Role) -> String {
        switch role {
        case .staff: ""
        case .leader: "a "
        case .admin: "an "
        }
    }
}

extension ApplySession {
    /// The governance rule `op`'s body, written by `author` at `origin`, breaks, given the roles
    /// and workflow that the origin's earlier ops set (an origin's ops apply in seq order on
    /// every node). A department that has given no one a role yet has none of the role rules:
    /// every one of its staff acts as a leader, as before roles existed. The workflow applies to
    /// every department (`Workflow.standard` until its admins set another).
    func governanceViolation(_ body: OpBody, author: String, origin: NodeID) throws -> GovernanceViolation? {
        // Nothing of this origin held yet: no roles, and no idea of its to move.
        guard let index = knownIndex(origin) else { return nil }
        switch body {
        case .ideaEdit(let idea, _):
            guard idea.origin == origin, try hasRoles(index),
                  let ideaAuthor = try fetchOne(String.self, sql: "SELECT author FROM ideas WHERE id = ?", arguments: [RowID.make(origin: index, seq: idea.seq)])
            else { return nil }
            if !author.isEmpty && author == ideaAuthor { return nil }
            return try self.role(of: author, at: index).map { $0 >= .leader } == true
                ? nil : .notAuthorOrLeader(idea: idea, author: author, ideaAuthor: ideaAuthor)
        case .statusSet(let idea, let status, _, _):
            guard idea.origin == origin else { return nil }
            if try hasRoles(index) {
                let role = try self.role(of: author, at: index)
                if role.map({ $0 < .leader }) ?? true { return .notLeader(idea: idea, author: author, role: role) }
            }
            guard let current = try fetchOne(String.self, sql: "SELECT status FROM ideas WHERE id = ?", arguments: [RowID.make(origin: index, seq: idea.seq)])
                .flatMap(IdeaStatus.init(rawValue:))
            else { return nil }
            let workflow = try self.workflow(at: index)
            return workflow.allows(from: current, to: status)
                ? nil : .notInWorkflow(idea: idea, from: current, to: status, allowed: workflow.targets(from: current))
        default:
            return nil
        }
    }

    func hasRoles(_ origin: Int64) throws -> Bool {
        try fetchOne(Bool.self, sql: "SELECT 1 FROM roles WHERE origin = ? LIMIT 1", arguments: [origin]) != nil
    }

    func role(of login: String, at origin: Int64) throws -> Role? {
        guard !login.isEmpty else { return nil }
        return try fetchOne(String.self, sql: "SELECT role FROM roles WHERE origin = ? AND login = ?", arguments: [origin, login])
            .flatMap(Role.init(rawValue:))
    }

    func workflow(at origin: Int64) throws -> Workflow {
        guard let text = try fetchOne(String.self, sql: "SELECT moves FROM workflows WHERE origin = ?", arguments: [origin]) else {
            return .standard
        }
        // Read for every status change applied: parsed once per text (a department has one at a time).
        return store.parsedWorkflows.withLock { cache in
            if let workflow = cache[text] { return workflow }
            if cache.count >= 64 { cache.removeAll() }
            let workflow = Workflow(stored: text)
            cache[text] = workflow
            return workflow
        }
    }
}

extension Workflow {
    /// How the store keeps a workflow (`workflows.moves`): its moves, `from>to`, comma-separated.
    var stored: String { moves.map(\.description).joined(separator: ",") }

    init(stored: String) {
        self.init(moves: stored.split(separator: ",").compactMap { StatusMove($0) })
    }
}
