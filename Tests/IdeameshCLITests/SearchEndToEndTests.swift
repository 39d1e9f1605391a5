import Foundation
import MeshClient
import MeshControl
import Testing
import MeshLoopback

/// `ideamesh search` with what people really type: hyphens, apostrophes, question marks, stray
/// quotes, FTS5's own operators, unicode. Everything is read as words; nothing shows SQL.
@Suite(.timeLimit(.minutes(3)))
struct SearchEndToEndTests {
    /// What SQLite's messages look like; none of it may reach a person.
    static let sqlWords = ["SQLite", "SELECT", "MATCH", "fts5", "_fts", "no such column", "syntax error", "while executing"]

    static func expectNoSQL(_ run: CLI.Run, _ comment: Comment? = nil) {
        for word in sqlWords {
            #expect(!run.stdout.contains(word) && !run.stderr.contains(word), "\(comment?.description ?? "") shows \(word): \(run)")
        }
    }

    @Test func everydayTextFindsWhatItSays() async throws {
        let (cluster, a) = try await DaemonCluster.single("srchtext")
        defer { cluster.shutdown() }
        let gel = try a.submit("Hand-gel at every bed")
        let brien = try a.submit("Ask Sister O'Brien about the rota")
        let early = try a.submit("Bloods at 6am? Move them to 7")
        let pain = try a.submit("Schmerzskala für Ärzte")
        func found(_ text: String) async throws -> [String] {
            let run = try await CLI.run(["search", text, "--json"], socket: a.controlSocket)
            #expect(run.succeeded, "\(run)")
            Self.expectNoSQL(run, "search \(text)")
            return (try run.json()["hits"] as? [[String: Any]] ?? []).compactMap { $0["idea"] as? String }
        }
        #expect(try await found("hand-gel") == [gel])
        #expect(try await found("hand gel") == [gel])
        #expect(try await found("\"hand gel\"") == [gel], "quotes make a phrase")
        #expect(try await found("gel-hand").isEmpty, "a hyphenated word is a phrase: its words in that order")
        #expect(try await found("O'Brien") == [brien])
        #expect(try await found("o'brien rota") == [brien])
        #expect(try await found("6am?") == [early])
        #expect(try await found("ärzte") == [pain], "unicode words, any case")
        for operatorWord in ["NOT", "OR", "AND", "NEAR"] {
            #expect(try await found(operatorWord).isEmpty, "FTS5's operators are plain words")
        }
        #expect(try await found("bed OR rota").isEmpty, "OR is a word, so nothing holds all three")

        let human = try await CLI.run(["search", "hand-gel"], socket: a.controlSocket)
        #expect(human.succeeded && human.stdout.hasPrefix("1. \(a.short)-1  Hand-gel at every bed"), "\(human)")
    }

    /// Every input either finds something, finds nothing, or is refused with a plain message
    /// (exit 1): never a crash, never SQL.
    @Test func punctuationQuotesUnicodeAndEmptyInputNeverShowSQL() async throws {
        let (cluster, a) = try await DaemonCluster.single("srchswp")
        defer { cluster.shutdown() }
        let idea = try a.submit("Insulin double-check at handover")
        _ = try a.call("idea.comment", ["id": idea, "text": "O'Brien's \"quoted\" note: 50% (approx) * 2"])

        let sweep = [
            "\"", "\"\"", "\"\"\"", "'", "''", "-", "--", "+", "*", "^", "?", "!", ":", "(", ")", "()", "{", "}", "[", "]",
            ",", ".", ";", "/", "\\", "%", "&", "|", "~", "`", "@", "#", "$", "=", "<", ">", "…", "—", "«»",
            "AND", "OR", "NOT", "NEAR", "NEAR(a b)", "a OR", "OR a", "NOT a", "a NOT", "a AND", "a*", "*a", "a**", "^a",
            "title:insulin", "title : insulin", "{title}: insulin", "-insulin", "+insulin", "insulin -double", "col:", ":x",
            "\"insulin", "insulin\"", "in\"sulin", "'insulin'", "insulin's", "(insulin", "insulin)", "NEAR(insulin",
            "50%", "100% sure?", "a.b.c", "e-mail", "x--y", "C++", "C#", "#hashtag", "@user", "$5", "1/2", "2026-12-04",
            "12:30", "6am?", "O'Brien", "hand-gel", "naïve café", "Ärzte", "病棟", "Ωmega", "مرحبا", "עברית", "👍", "🏥 insulin",
            "e\u{301}", "\u{200B}", "a\u{200B}b", "\u{FEFF}insulin", "\t", "   ", "\u{7}", "insulin\u{1B}[31m",
            String(repeating: "a", count: 1_000), String(repeating: "\" ", count: 200), String(repeating: "OR ", count: 100),
        ]
        // After `--`, so that text starting with "-" reaches the daemon rather than the parser.
        for text in sweep {
            let run = try await CLI.run(["search", "--", text], env: ["IDEAMESH_SOCKET": a.controlSocket])
            #expect(run.status == 0 || run.status == 1, "\(run)")
            #expect(run.status == 0 || run.stderr.hasPrefix("Error: "), "\(run)")
            Self.expectNoSQL(run, "search \(text)")
        }

        // Nothing to search for: refused, plainly.
        for text in ["", "   ", "\"", "?!", "👍", "-- ''"] {
            let run = try await CLI.run(["search", "--", text], env: ["IDEAMESH_SOCKET": a.controlSocket])
            #expect(run.status == 1, "\(run)")
            let words = text.allSatisfy(\.isWhitespace) ? "search text is empty" : "search matches words (letters and digits)"
            #expect(run.stderr.contains(words), "\(run)")
        }
        // The control API reads text the same way, a NUL included.
        for text in ["a\u{0}b", "\u{0}", "insulin\u{0}"] {
            let reply = try a.request("idea.search", ["text": text])
            if !reply.ok {
                let message = reply.errorMessage ?? reply.line
                #expect(reply.errorCode == "invalid", "\(message)")
                #expect(!Self.sqlWords.contains { message.contains($0) }, "\(message)")
            }
        }
        let still = try await CLI.run(["search", "insulin"], socket: a.controlSocket)
        #expect(still.succeeded && still.stdout.contains(String(a.short)), "the daemon still answers: \(still)")
    }
}
