import MeshCRDT
import MeshModel
import MeshWire

/// Why a store operation failed. Every case says what was wrong; nothing was changed.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A local write needs the node's identity; this store was opened without one.
    case readOnlyIdentity
    case invalid(ValidationError)
    case notFound(what: String, id: OpID)
    /// A follow-up (a step, an observation, a comment's edit) names a target this department did
    /// not make, or none: only the department that made a cycle, measure or comment adds to it.
    case notOwnFound(what: String, id: OpID)
    case notAllowed(String)
    /// A change that only the idea's own department makes (`OpBody.rightsViolation`).
    case othersIdea(OpID)
    /// A change the author's role or the department's workflow does not allow.
    case governance(GovernanceViolation)
    /// The data dir holds a store made by another node identity.
    case identityMismatch(stored: NodeID, given: NodeID)
    case schemaTooNew(String)
    /// Local writes wait: the store may lack ops of its own origin (`WritePause`), or its own
    /// history forked. The text says why and what to do.
    case writesPaused(String)
    /// The file at the path is not an SQLite database at all.
    case notADatabase(path: String)
    /// Search waits: the node is taking in a large history and builds its search index at the end.
    case searchIndexBuilding

    public var description: String {
        switch self {
        case .readOnlyIdentity: "this store was opened without a node identity and cannot write"
        case .invalid(let error): "invalid: \(error)"
        case .notFound(let what, let id): "no \(what) \(id.short) here (yet)"
        case .notOwnFound(let what, let id):
            "no \(what) \(id.short) of this department here: only the department that made it adds to it or changes it"
        case .notAllowed(let why): why
        case .governance(let violation): violation.description
        case .othersIdea(let idea): "idea \(idea.short) is another department's: only that department changes its \(RightsViolation.owned)"
        case .identityMismatch(let stored, let given):
            "this store belongs to node \(stored.short), not \(given.short): wrong data dir or identity file"
        case .schemaTooNew(let migration): "the database was written by a newer ideamesh (migration \(migration))"
        case .writesPaused(let why): why
        case .notADatabase(let path): "\(path) is not an SQLite database (an ideamesh store, or a copy from `ideamesh admin backup`)"
        case .searchIndexBuilding:
            "search is not ready yet: this node is taking in a large history from its peers and builds its search index "
                + "once that is done (seconds after it has caught up); try again shortly"
        }
    }
}

/// What became of an accepted remote batch.
public struct ApplyOutcome: Equatable, Sendable {
    /// Ops newly stored (and relayed from here on): applied, or held back (`heldBack`).
    public var applied: Int = 0
    /// Of `applied`, the ops held back: stamped too far ahead of this node's clock, or behind
    /// such an op of their origin (Protocol/README.md, "Clocks"). In the log, not yet in the views.
    public var heldBack: Int = 0
    /// The seq of the op that began holding back its origin's ops, when this batch did (its
    /// origin had none held back before); nil otherwise. For a log line once per origin.
    public var startedHolding: UInt64?
    /// Ops already held, byte for byte.
    public var duplicates: Int = 0
    /// Set when the batch held a validly signed op that differs from the one held at the same seq:
    /// that op went to quarantine, nothing of the batch was applied, and the origin is blocked.
    public var fork: ForkReport?

    public init(applied: Int = 0, duplicates: Int = 0, fork: ForkReport? = nil) {
        self.applied = applied
        self.duplicates = duplicates
        self.fork = fork
    }
}

public struct ForkReport: Equatable, Sendable {
    public let origin: NodeID
    /// A seq of `origin` at which this node holds an op the peer's history does not contain (the
    /// peer's op there differs): the op to show the peer, so that it finds the fork too.
    public let seq: UInt64

    public init(origin: NodeID, seq: UInt64) {
        self.origin = origin
        self.seq = seq
    }
}

/// A body of a batch of local writes was refused (see `IdeaStore.write(_:author:)` with several
/// bodies): which one, and why. Nothing of the batch was written.
public struct WriteBatchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The 0-based index of the refused body.
    public let index: Int
    public let error: StoreError

    public init(index: Int, error: StoreError) {
        self.index = index
        self.error = error
    }

    public var description: String { "body \(index): \(error)" }
}
