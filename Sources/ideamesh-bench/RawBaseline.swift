import Foundation
import GRDBSQLite

/// The yardstick for remote apply: the same op bytes into a bare table and the same idea and
/// comment texts into a bare FTS5 table (same tokenizer), through prepared statements of the
/// SQLite C API, in one transaction. No decoding, hashing, signatures or views.
final class RawBaseline {
    private var db: OpaquePointer?
    private var insertOp: OpaquePointer?
    private var insertText: OpaquePointer?
    private(set) var seconds = 0.0

    /// - Parameter pageSize: nil for SQLite's default.
    init(path: String, pageSize: Int?) throws {
        guard sqlite3_open(path, &db) == SQLITE_OK else { throw BenchError("raw baseline: cannot open \(path)") }
        if let pageSize { try exec("PRAGMA page_size = \(pageSize)") }
        try exec("PRAGMA journal_mode = WAL")
        try exec("PRAGMA synchronous = FULL")
        try exec("CREATE TABLE ops(id INTEGER PRIMARY KEY, bytes BLOB NOT NULL, sig BLOB NOT NULL)")
        try exec("CREATE VIRTUAL TABLE texts USING fts5(title, problem, solution, tokenize='porter unicode61')")
        sqlite3_prepare_v2(db, "INSERT INTO ops(id, bytes, sig) VALUES(?, ?, ?)", -1, &insertOp, nil)
        sqlite3_prepare_v2(db, "INSERT INTO texts(title, problem, solution) VALUES(?, ?, ?)", -1, &insertText, nil)
        try exec("BEGIN")
    }

    /// Inserts one op's bytes and, for ideas and comments, its texts. Timed.
    func insert(id: Int64, bytes: Data, signature: Data, texts: (String, String, String)?) throws {
        let watch = Stopwatch()
        sqlite3_bind_int64(insertOp, 1, id)
        bytes.withUnsafeBytes { _ = sqlite3_bind_blob(insertOp, 2, $0.baseAddress, Int32($0.count), nil) }
        signature.withUnsafeBytes { _ = sqlite3_bind_blob(insertOp, 3, $0.baseAddress, Int32($0.count), nil) }
        guard sqlite3_step(insertOp) == SQLITE_DONE else { throw BenchError("raw baseline: \(String(cString: sqlite3_errmsg(db)))") }
        sqlite3_reset(insertOp)
        if let texts {
            sqlite3_bind_text(insertText, 1, texts.0, -1, SQLITE_TRANSIENT)
            sqlite3_bind_text(insertText, 2, texts.1, -1, SQLITE_TRANSIENT)
            sqlite3_bind_text(insertText, 3, texts.2, -1, SQLITE_TRANSIENT)
            guard sqlite3_step(insertText) == SQLITE_DONE else { throw BenchError("raw baseline: \(String(cString: sqlite3_errmsg(db)))") }
            sqlite3_reset(insertText)
        }
        seconds += watch.seconds
    }

    func commit() throws {
        let watch = Stopwatch()
        try exec("COMMIT")
        seconds += watch.seconds
        sqlite3_finalize(insertOp)
        sqlite3_finalize(insertText)
        sqlite3_close(db)
    }

    private func exec(_ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
            throw BenchError("raw baseline: \(sql): \(String(cString: sqlite3_errmsg(db)))")
        }
    }
}

/// SQLite's "copy the bytes now" destructor for bound text.
let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
