import Foundation
import GRDB
import GRDBSQLite

/// A value that binds straight to a SQLite statement parameter.
protocol SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32
}

extension Int64: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_int64(statement, index, self) }
}

extension Int: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_int64(statement, index, Int64(self)) }
}

extension Bool: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_int64(statement, index, self ? 1 : 0) }
}

extension Double: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 { sqlite3_bind_double(statement, index, self) }
}

extension String: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        var copy = self
        return copy.withUTF8 { sqlite3_bind_text(statement, index, $0.baseAddress, Int32($0.count), sqliteTransient) }
    }
}

extension Data: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32($0.count), sqliteTransient) }
    }
}

extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        switch self {
        case .some(let value): value.bind(to: statement, at: index)
        case .none: sqlite3_bind_null(statement, index)
        }
    }
}

/// SQLite's "copy the bytes now" destructor.
let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension Statement {
    /// Binds `values` in order and runs the statement to completion, through the C API: the
    /// apply path runs a handful of statements per op, and GRDB's general argument handling
    /// (boxing each value, building a dictionary-free argument list) costs more than the insert.
    /// Use only on statements that change no schema and begin or end no transaction.
    func run<each Value: SQLiteBindable>(_ values: repeat each Value) throws {
        let statement = sqliteStatement
        sqlite3_reset(statement)
        var index: Int32 = 0
        var bindCode = SQLITE_OK
        for value in repeat each values {
            index += 1
            let code = value.bind(to: statement, at: index)
            if code != SQLITE_OK { bindCode = code }
        }
        guard bindCode == SQLITE_OK else { throw error(code: bindCode) }
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard code == SQLITE_DONE else { throw error(code: code) }
    }

    private func error(code: Int32) -> DatabaseError {
        let message = sqlite3_db_handle(sqliteStatement).map { String(cString: sqlite3_errmsg($0)) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }
}
