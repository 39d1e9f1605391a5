import MeshCharts
import Foundation

/// CSV as RFC 4180 has it: fields separated by commas, records by CRLF (a bare LF is accepted
/// too), a field in double quotes may hold commas, quotes (doubled) and line breaks. Pure.
///
/// The reader is strict where a lenient one would silently import the wrong thing: a quote
/// that is never closed, or text after a closing quote, is an error naming the line. Every record
/// carries the line it starts on, so a bad row can be reported where the user will find it
/// (a record with a quoted line break spans several lines).
///
/// Written here rather than taken from a package: the CSV packages at hand read an unclosed quote
/// to the end of the file without complaint and keep no line numbers.
enum CSV {
    struct Record: Equatable, Sendable {
        var fields: [String]
        /// The 1-based line the record starts on.
        var line: Int
    }

    struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "line \(line): \(message)" }
    }

    /// The records of `text`, empty lines skipped. A byte-order mark at the start is ignored.
    static func parse(_ text: String) throws(ParseError) -> [Record] {
        var scalars = Array(text.unicodeScalars)[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var records: [Record] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1
        var recordLine = 1
        var index = scalars.startIndex
        /// Whether the current field was quoted (an empty quoted field is still a field).
        var quoted = false

        func endRecord() {
            fields.append(String(field))
            if !(fields.count == 1 && fields[0].isEmpty && !quoted) { records.append(Record(fields: fields, line: recordLine)) }
            fields = []
            field = String.UnicodeScalarView()
            quoted = false
        }

        while index < scalars.endIndex {
            let scalar = scalars[index]
            if field.isEmpty && !quoted && scalar == "\"" {
                // A quoted field: up to the closing quote; "" is a quote.
                quoted = true
                let openedOn = line
                index += 1
                var closed = false
                while index < scalars.endIndex {
                    let inner = scalars[index]
                    if inner == "\"" {
                        if index + 1 < scalars.endIndex && scalars[index + 1] == "\"" {
                            field.append("\"")
                            index += 2
                            continue
                        }
                        closed = true
                        index += 1
                        break
                    }
                    if inner == "\n" || (inner == "\r" && !(index + 1 < scalars.endIndex && scalars[index + 1] == "\n")) { line += 1 }
                    field.append(inner)
                    index += 1
                }
                guard closed else { throw ParseError(line: openedOn, message: "a quoted field is never closed (a \" is missing)") }
                if index < scalars.endIndex, !["," as Unicode.Scalar, "\r", "\n"].contains(scalars[index]) {
                    throw ParseError(line: line, message: "text after a closing quote; inside quotes, write a quote as \"\"")
                }
                continue
            }
            switch scalar {
            case ",":
                fields.append(String(field))
                field = String.UnicodeScalarView()
                quoted = false
            case "\r", "\n":
                if scalar == "\r", index + 1 < scalars.endIndex, scalars[index + 1] == "\n" { index += 1 }
                endRecord()
                line += 1
                recordLine = line
            case "\"":
                throw ParseError(line: line, message: "a quote inside an unquoted field; put the field in quotes and write the quote as \"\"")
            default:
                field.append(scalar)
            }
            index += 1
        }
        if !field.isEmpty || !fields.isEmpty || quoted { endRecord() }
        return records
    }

    /// One field, quoted when it holds a comma, a quote, a line break, or space at either end.
    static func field(_ text: String) -> String {
        let needsQuotes = text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || text.first?.isWhitespace == true || text.last?.isWhitespace == true
        guard needsQuotes else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One record, CRLF-terminated.
    static func record(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }
}
