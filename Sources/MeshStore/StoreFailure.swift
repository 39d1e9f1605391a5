import GRDB
import MeshWire

/// What a person may be told about a store error. SQLite's own messages name tables, columns and
/// the SQL being run: they belong in the daemon's log, never in a reply. The store's own errors
/// say what was wrong in plain words and pass through as they are; a database error becomes what
/// happened to the store (the disk is full, the file is damaged, …); anything else is unexpected.
public enum StoreFailure {
    public static func summary(of error: any Error) -> String {
        switch error {
        case let error as StoreError: return error.description
        case let error as BatchRejection: return error.description
        case let error as WriteBatchError: return error.description
        case let error as SearchQuery.NoWords: return error.description
        case let error as BackupError: return error.description
        case let error as DatabaseError: return summary(of: error.resultCode)
        default: return "an unexpected error"
        }
    }

    static func summary(of code: ResultCode) -> String {
        switch code.primaryResultCode {
        case .SQLITE_FULL: "the disk is full"
        case .SQLITE_IOERR: "a disk read or write failed"
        case .SQLITE_BUSY, .SQLITE_LOCKED: "the database is busy"
        case .SQLITE_READONLY: "the database cannot be written (read-only file or directory)"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: "the database file is damaged"
        case .SQLITE_CANTOPEN: "the database file cannot be opened"
        case .SQLITE_NOMEM: "out of memory"
        case .SQLITE_PERM, .SQLITE_AUTH: "permission denied"
        default: "an internal database error (SQLite code \(code.rawValue))"
        }
    }
}
