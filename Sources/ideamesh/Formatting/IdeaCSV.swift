import Foundation
import MeshClient
import MeshCharts
import MeshControl
import MeshModel

/// Ideas as CSV, for `export` and `import`: a header row `title,problem,solution,theme,tags`
/// (tags joined with ';'), then one record per idea. Pure.
enum IdeaCSV {
    static let header = ["title", "problem", "solution", "theme", "tags"]
    static let required: Set<String> = ["title", "problem", "solution"]

    /// One idea to import, with the file line its record starts on.
    struct Row: Equatable, Sendable {
        var line: Int
        var content: IdeaContent

        /// The `import` request's form of the row.
        /// The row as `import` takes it.
        var json: JSONValue {
            var row: [String: JSONValue] = [
                "title": .string(content.title), "problem": .string(content.problem), "solution": .string(content.solution),
            ]
            if !content.theme.isEmpty { row["theme"] = .string(content.theme) }
            if !content.tags.isEmpty { row["tags"] = .array(content.tags.map(JSONValue.string)) }
            return .object(row)
        }
    }

    /// What is wrong with a file, line by line.
    struct Problems: Error, Equatable, Sendable {
        var items: [(line: Int, message: String)]

        static func == (a: Problems, b: Problems) -> Bool {
            a.items.map(\.line) == b.items.map(\.line) && a.items.map(\.message) == b.items.map(\.message)
        }

        /// "FILE:LINE: message" lines, at most `limit` of them and a count of the rest.
        func report(file: String, limit: Int = 20) -> String {
            var lines = items.prefix(limit).map { "\(file):\($0.line): \($0.message)" }
            if items.count > limit { lines.append("… and \(items.count - limit) more") }
            return lines.joined(separator: "\n")
        }
    }

    // MARK: Export

    static func export(_ ideas: [IdeaDetail], progress: (Int) -> Void = { _ in }) -> String {
        var out = CSV.record(header)
        for (index, idea) in ideas.enumerated() {
            out += CSV.record([idea.title, idea.problem ?? "", idea.solution ?? "", idea.theme ?? "", (idea.tags ?? []).joined(separator: ";")])
            progress(index + 1)
        }
        return out
    }

    // MARK: Import

    /// Every record of `text` checked as an idea: the header names known columns (title, problem
    /// and solution required, in any order), each record has as many fields as the header, and
    /// each idea passes the same checks as a submitted one. All problems are reported, not only
    /// the first, so one round of fixes suffices.
    static func rows(_ text: String, progress: (Int, Int) -> Void = { _, _ in }) throws(Problems) -> [Row] {
        let records: [CSV.Record]
        do { records = try CSV.parse(text) } catch {
            throw Problems(items: [(error.line, error.message)])
        }
        guard let head = records.first else { throw Problems(items: [(1, "the file is empty; the first line must be the header: \(header.joined(separator: ","))")]) }
        let columns = head.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var problems: [(Int, String)] = []
        for (index, column) in columns.enumerated() {
            if !header.contains(column) {
                problems.append((head.line, "unknown column \"\(column)\" in the header; the columns are \(header.joined(separator: ","))"))
            } else if columns[..<index].contains(column) {
                problems.append((head.line, "column \"\(column)\" appears twice in the header"))
            }
        }
        let missing = required.subtracting(columns).sorted()
        if !missing.isEmpty {
            problems.append((head.line, "the header lacks \(missing.joined(separator: ", ")); the first line must be the header: \(header.joined(separator: ","))"))
        }
        guard problems.isEmpty else { throw Problems(items: problems) }
        guard records.count > 1 else { throw Problems(items: [(head.line, "no ideas after the header")]) }

        var rows: [Row] = []
        let body = records.dropFirst()
        for (index, record) in body.enumerated() {
            progress(index + 1, body.count)
            guard record.fields.count == columns.count else {
                problems.append((record.line, "\(record.fields.count) field\(record.fields.count == 1 ? "" : "s") where the header has \(columns.count)"))
                continue
            }
            var values: [String: String] = [:]
            for (column, value) in zip(columns, record.fields) { values[column] = value }
            let tags = (values["tags"] ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let content = IdeaContent(
                title: values["title"] ?? "", problem: values["problem"] ?? "", solution: values["solution"] ?? "",
                theme: (values["theme"] ?? "").trimmingCharacters(in: .whitespaces), tags: tags)
            do {
                try content.validate()
                rows.append(Row(line: record.line, content: content))
            } catch {
                problems.append((record.line, "\(error)"))
            }
        }
        guard problems.isEmpty else { throw Problems(items: problems) }
        return rows
    }
}
