import GRDB
import MeshCRDT

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
