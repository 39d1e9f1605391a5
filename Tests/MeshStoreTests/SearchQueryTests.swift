import GRDB
import MeshStore
import Testing

/// What people type becomes quoted FTS5 phrases of its words; nothing of a store error's SQL is
/// ever in the words a person is shown.
struct SearchQueryTests {
    @Test func textIsReadAsWords() throws {
        #expect(try SearchQuery("hand-gel").fts5 == "\"hand gel\"")
        #expect(try SearchQuery("O'Brien 6am?").fts5 == "\"O Brien\" \"6am\"")
        #expect(try SearchQuery("\"hand gel\" bed").fts5 == "\"hand gel\" \"bed\"")
        #expect(try SearchQuery("\"unclosed quote").fts5 == "\"unclosed quote\"")
        #expect(try SearchQuery("NEAR(a OR b*) col:x").fts5 == "\"NEAR a\" \"OR\" \"b\" \"col x\"")
        #expect(try SearchQuery("Ärzte naïve 病棟").phrases == [["Ärzte"], ["naïve"], ["病棟"]])
        for nothing in ["", "  ", "\"", "?!", "👍", "-- ''", "\u{0}"] {
            #expect(throws: SearchQuery.NoWords.self, "\(nothing.debugDescription)") { try SearchQuery(nothing) }
        }
        do { _ = try SearchQuery(" ") } catch { #expect(error.description == "search text is empty: give some words to search for") }
    }

    @Test func storeFailuresSayWhatHappenedWithoutSQL() throws {
        let queue = try DatabaseQueue()
        try queue.write { try $0.execute(sql: "CREATE TABLE t (a)") }
        do {
            try queue.read { _ = try Row.fetchAll($0, sql: "SELECT gel FROM t WHERE a MATCH ?", arguments: ["x"]) }
            Issue.record("the bad query ran")
        } catch {
            #expect("\(error)".contains("SELECT"), "GRDB's own text names the SQL: \(error)")
            let summary = StoreFailure.summary(of: error)
            #expect(summary == "an internal database error (SQLite code 1)")
        }
        let full = DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full", sql: "INSERT INTO ops VALUES (?)")
        #expect(StoreFailure.summary(of: full) == "the disk is full")
        #expect(StoreFailure.summary(of: StoreError.readOnlyIdentity) == StoreError.readOnlyIdentity.description)
    }
}
