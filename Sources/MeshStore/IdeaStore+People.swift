import GRDB
import MeshCRDT
import MeshModel

/// A person's display name at one department (Protocol/README.md, "People").
public struct Person: Hashable, Sendable {
    /// The department (origin node) where the person works and writes.
    public var origin: NodeID
    /// Their staff handle there: the `author` of their ops.
    public var login: String
    public var name: String
    /// When they set it (the HLC of the op that did).
    public var hlc: HLC
}

/// Display names by department and staff handle: what views show instead of handles. An
/// anonymous op (empty author) has no name, whoever wrote it.
public struct DisplayNames: Sendable {
    var names: [NodeID: [String: String]] = [:]

    public init(_ people: [Person] = []) {
        for person in people { names[person.origin, default: [:]][person.login] = person.name }
    }

    /// The display name of `login` at `origin`, if they gave one.
    public func name(origin: NodeID, login: String) -> String? {
        login.isEmpty ? nil : names[origin]?[login]
    }

    public var isEmpty: Bool { names.isEmpty }
}

extension IdeaStore {
    /// Everyone who gave a display name, by department then handle.
    public func people() throws -> [Person] {
        try reading { db in
            let keys = try originKeys(db)
            return try Row.fetchAll(db, sql: "SELECT origin, login, name, hlc FROM people").compactMap { row -> Person? in
                guard let origin = keys[row["origin"]] else { return nil }
                return Person(origin: origin, login: row["login"], name: row["name"], hlc: HLC(rawValue: UInt64(bitPattern: row["hlc"])))
            }
            .sorted { ($0.origin.base32, $0.login) < ($1.origin.base32, $1.login) }
        }
    }

    /// The display names, for views.
    public func displayNames() throws -> DisplayNames {
        DisplayNames(try people())
    }
}

/// A person's role at one department (Protocol/README.md, "Roles and the status workflow").
public struct RoleAssignment: Hashable, Sendable {
    public var origin: NodeID
    public var login: String
    public var role: Role
    /// When it was set (the HLC of the op that did).
    public var hlc: HLC
}

extension IdeaStore {
    /// The roles given at every department held here, by department then login.
    public func roles() throws -> [RoleAssignment] {
        try reading { db in
            let keys = try originKeys(db)
            return try Row.fetchAll(db, sql: "SELECT origin, login, role, hlc FROM roles").compactMap { row -> RoleAssignment? in
                guard let origin = keys[row["origin"]], let role = Role(rawValue: row["role"]) else { return nil }
                return RoleAssignment(origin: origin, login: row["login"], role: role, hlc: HLC(rawValue: UInt64(bitPattern: row["hlc"])))
            }
            .sorted { ($0.origin.base32, $0.login) < ($1.origin.base32, $1.login) }
        }
    }

    /// `login`'s role at `origin`, if the department gave them one.
    public func role(of login: String, at origin: NodeID) throws -> Role? {
        guard let index = localIndex(origin), !login.isEmpty else { return nil }
        return try reading { db in
            try String.fetchOne(db, sql: "SELECT role FROM roles WHERE origin = ? AND login = ?", arguments: [index, login])
                .flatMap(Role.init(rawValue:))
        }
    }

    /// `origin`'s status workflow, and whether its admins set it (else it is the standard one).
    public func workflow(of origin: NodeID) throws -> (workflow: Workflow, isSet: Bool) {
        guard let index = localIndex(origin) else { return (.standard, false) }
        return try reading { db in
            guard let text = try String.fetchOne(db, sql: "SELECT moves FROM workflows WHERE origin = ?", arguments: [index]) else {
                return (.standard, false)
            }
            return (Workflow(stored: text), true)
        }
    }
}
