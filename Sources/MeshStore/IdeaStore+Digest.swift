import Crypto
import Foundation
import GRDB
import MeshCRDT

/// A hash of the materialized state: equal on any two stores that hold the same ops, whatever
/// order they arrived in. Admins compare digests to prove two nodes agree.
public struct StateDigest: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]
    public var description: String { bytes.map { String(format: "%02x", $0) }.joined() }
}

extension IdeaStore {
    /// What the digest covers: every view table, rows in a node-independent order, local ids
    /// translated to (origin key, seq). Columns named in `ids` hold local row ids.
    static let digestTables: [(name: String, sql: String, ids: Set<String>)] = IdeaStore.v1Tables + [
        // Added with measure kinds, and only the kinds that are not `other`, hashed after the v1
        // tables and only when there are any: a history without kinds digests as it did before,
        // so nodes of both versions holding it agree (`admin verify` during an upgrade).
        ("measure_kinds", "SELECT id, kind FROM measures WHERE kind != 'other'", ["id"]),
        // Added with display names, in the same way: a history without names digests as before.
        ("people", "SELECT writer, login, name, hlc FROM people", ["writer"]),
        ("roles", "SELECT writer, login, role, hlc FROM roles", ["writer"]),
        ("workflows", "SELECT writer, moves, hlc FROM workflows", ["writer"]),
    ]

    /// Tables hashed only when they have a row (their header too).
    private static let digestTablesIfAny: Set<String> = ["measure_kinds", "people", "roles", "workflows"]

    /// The tables the first release hashed, as it hashed them.
    static let v1Tables: [(name: String, sql: String, ids: Set<String>)] = [
        ("ideas", "SELECT id, author, hlc, title, problem, solution, theme, tags, status, conflicts, adopted_from FROM ideas",
         ["id", "adopted_from"]),
        ("reg_writes", "SELECT target, reg, writer, hlc, value, note, author, live FROM reg_writes", ["target", "writer"]),
        ("reg_seen", "SELECT target, reg, writer FROM reg_seen", ["target", "writer"]),
        ("supports", "SELECT id, idea, author, live FROM supports", ["id", "idea"]),
        ("comments", "SELECT id, idea, author, hlc, text, edited_hlc, retracted, retract_reason FROM comments", ["id", "idea"]),
        ("themes", "SELECT code, name, description, archived, hlc, origin, writer FROM themes", ["writer"]),
        ("cycles", "SELECT id, idea, author, hlc, plan, prediction FROM cycles", ["id", "idea"]),
        ("cycle_steps", "SELECT id, cycle, phase, decision, notes, author, hlc FROM cycle_steps", ["id", "cycle"]),
        ("measures", "SELECT id, idea, author, hlc, name, unit, better, target FROM measures", ["id", "idea"]),
        ("observations", "SELECT id, measure, day, value, note, author, hlc, retracted, retract_reason FROM observations",
         ["id", "measure"]),
        ("links", "SELECT id, src, dst, kind, author, hlc FROM links", ["id", "src", "dst"]),
    ]

    /// Computes the state digest, streaming rows (memory stays flat for any history size).
    public func digest() throws -> StateDigest {
        try reading { db in try Self.digest(db) }
    }

    /// The state digest and the version vector of the state it covers, from one snapshot (what a
    /// peer is sent when it asks to verify).
    public func digestAndVector() throws -> (digest: StateDigest, vector: VersionVector) {
        try reading { db in
            var vector = VersionVector()
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT key, seq, head FROM origins WHERE seq > 0")) {
                vector[NodeID(bytes: row["key"] as Data)!] = OriginHead(seq: UInt64(row["seq"] as Int64), hash: Array(row["head"] as Data))
            }
            return (try Self.digest(db), vector)
        }
    }

    /// The digest over `tables` (the tests compare it with the first release's tables).
    static func digest(_ db: Database, tables: [(name: String, sql: String, ids: Set<String>)] = digestTables) throws -> StateDigest {
        var keys = [Int64: [UInt8]]()
        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT id, key FROM origins")) {
            keys[row["id"]] = Array(row["key"] as Data)
        }
        var hasher = SHA256()
        var buffer = [UInt8]()
        buffer.reserveCapacity(4096)

        for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT key, seq, head FROM origins WHERE seq > 0 ORDER BY key")) {
            buffer.removeAll(keepingCapacity: true)
            Self.encode(row["key"] as DatabaseValue, into: &buffer)
            Self.encode(row["seq"] as DatabaseValue, into: &buffer)
            Self.encode(row["head"] as DatabaseValue, into: &buffer)
            hasher.update(data: buffer)
        }
        for table in tables {
            let header = Array("table \(table.name)\n".utf8)
            var headerHashed = !Self.digestTablesIfAny.contains(table.name)
            if headerHashed { hasher.update(data: header) }
            // The first column is the key; rows sort by (origin key, seq) for ids, else by value.
            let first = String(table.sql.dropFirst("SELECT ".count).prefix { $0 != "," })
            let order = table.ids.contains(first)
                ? "(SELECT key FROM origins WHERE id = t.\(first) >> 40), t.\(first) & \(RowID.seqMask)"
                : "t.\(first)"
            let ordered = "SELECT * FROM (\(table.sql)) AS t ORDER BY \(order)" + (first == "target"
                ? ", t.reg, (SELECT key FROM origins WHERE id = t.writer >> 40), t.writer & \(RowID.seqMask)" : "")
            // Cached: a digest is taken often (admin verify, tests, the op fuzzer twice per batch), and
            // compiling these statements is most of its cost on a small store.
            let cursor = try Row.fetchCursor(db.cachedStatement(sql: ordered))
            while let row = try cursor.next() {
                if !headerHashed {
                    hasher.update(data: header)
                    headerHashed = true
                }
                buffer.removeAll(keepingCapacity: true)
                for (column, value) in row {
                    if table.ids.contains(column), case .int64(let rid) = value.storage {
                        buffer.append(5)
                        buffer.append(contentsOf: keys[RowID.origin(rid)] ?? [])
                        Self.encode(Int64(RowID.seq(rid)), into: &buffer)
                    } else {
                        Self.encode(value, into: &buffer)
                    }
                }
                hasher.update(data: buffer)
            }
        }
        return StateDigest(bytes: Array(hasher.finalize()))
    }

    private static func encode(_ value: DatabaseValue, into buffer: inout [UInt8]) {
        switch value.storage {
        case .null:
            buffer.append(0)
        case .int64(let int):
            buffer.append(1)
            encode(int, into: &buffer)
        case .double(let double):
            buffer.append(2)
            encode(Int64(bitPattern: double.bitPattern), into: &buffer)
        case .string(let string):
            buffer.append(3)
            encode(Int64(string.utf8.count), into: &buffer)
            buffer.append(contentsOf: string.utf8)
        case .blob(let data):
            buffer.append(4)
            encode(Int64(data.count), into: &buffer)
            buffer.append(contentsOf: data)
        }
    }

    private static func encode(_ int: Int64, into buffer: inout [UInt8]) {
        withUnsafeBytes(of: int.bigEndian) { buffer.append(contentsOf: $0) }
    }
}
