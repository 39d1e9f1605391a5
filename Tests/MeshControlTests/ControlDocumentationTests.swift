import Foundation
import MeshControl
import Testing

/// Protocol/CONTROL.md is the wire spec; `API.all` is what the daemon serves and the clients call.
/// The two must name the same methods, with the same params and the same access.
struct ControlDocumentationTests {
    /// One row of a method table of CONTROL.md (`| method | params | result |`).
    struct Row {
        let method: String
        let params: String
        /// The section's number: 5 (staff) or 6 (admin).
        let section: Int
    }

    static func rows() throws -> [Row] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Protocol/CONTROL.md").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var rows = [Row]()
        var section = 0, inTable = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## "), let number = Int(line.dropFirst(3).prefix { $0.isNumber }) { section = number }
            if line.hasPrefix("| method | params | result |") {
                inTable = true
                continue
            }
            guard inTable else { continue }
            guard line.hasPrefix("|") else {
                inTable = false
                continue
            }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4, cells[1].hasPrefix("`") else { continue }  // the |---| line
            rows.append(Row(method: cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`")), params: cells[2], section: section))
        }
        return rows
    }

    /// The names in backquotes outside parentheses: `` `id`, `status` (`proposed`, …) `` is
    /// id and status.
    static func documentedKeys(_ params: String) -> Set<String> {
        var keys = Set<String>(), depth = 0, current: String?
        for character in params {
            switch character {
            case "(" where current == nil: depth += 1
            case ")" where current == nil: depth -= 1
            case "`":
                if let name = current {
                    if depth == 0 { keys.insert(name) }
                    current = nil
                } else {
                    current = ""
                }
            default: current?.append(character)
            }
        }
        return keys
    }

    @Test func everyMethodIsDocumentedAndEveryDocumentedMethodIsDeclared() throws {
        let documented = try Self.rows().map(\.method)
        #expect(documented.count == Set(documented).count, "a method documented twice")
        let declared = API.all.map { $0.name }
        #expect(declared.count == Set(declared).count, "a method declared twice")
        #expect(Set(declared).subtracting(documented).isEmpty, "declared but not in CONTROL.md: \(Set(declared).subtracting(documented).sorted())")
        #expect(Set(documented).subtracting(declared).isEmpty, "in CONTROL.md but not declared: \(Set(documented).subtracting(declared).sorted())")
    }

    @Test func documentedParamsAreTheDeclaredKeys() throws {
        let rows = try Self.rows()
        let byName = Dictionary(rows.map { ($0.method, $0) }) { first, _ in first }
        for method in API.all {
            guard let row = byName[method.name] else { continue }
            var keys = Self.documentedKeys(row.params)
            // "as `measure.chart`": the same params as that method's.
            if keys.count == 1, let other = keys.first, row.params.hasPrefix("as `"), let referenced = byName[other] {
                keys = Self.documentedKeys(referenced.params)
            }
            if row.params == "none" { keys = [] }
            #expect(keys == method.paramKeys, "\(method.name): CONTROL.md has \(keys.sorted()), the declaration \(method.paramKeys.sorted())")
        }
    }

    @Test func documentedAccessIsTheDeclaredAccess() throws {
        let byName = Dictionary(try Self.rows().map { ($0.method, $0) }) { first, _ in first }
        for method in API.all {
            guard let row = byName[method.name] else { continue }
            let documented: ControlAccess = row.section == 6
                ? .admin
                : row.params.contains("leaders only") ? .leader : row.params.contains("department admins only") ? .departmentAdmin : .anyone
            #expect(method.access == documented, "\(method.name): CONTROL.md says \(documented), the declaration \(method.access)")
            #expect(method.name.hasPrefix("admin.") == (method.access == .admin), "\(method.name): admin.* names are the admins' methods")
        }
    }

    /// CONTROL.md §3's table names every error code a reply may carry, and no other.
    @Test func everyErrorCodeIsDocumented() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Protocol/CONTROL.md").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let section = text.components(separatedBy: "## 3. Errors").dropFirst().first?.components(separatedBy: "## 4.").first ?? ""
        let documented = Set(section.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `") else { return nil }
            return line.dropFirst(3).prefix { $0 != "`" }.description
        })
        #expect(documented == Set(ControlErrorCode.allCases.map(\.rawValue)), "CONTROL.md §3 has \(documented.sorted())")
    }

    /// Every method whose params are screened for patient data (§5.8) takes `patient_data_ok`,
    /// and these are the methods that store text staff type.
    @Test func screenedMethodsTakePatientDataOk() {
        let screened = API.all.filter { $0.paramsAreScreened }
        #expect(Set(screened.map { $0.name }) == [
            "idea.submit", "idea.edit", "idea.comment", "comment.edit", "comment.retract", "idea.status", "pdsa.start", "pdsa.do",
            "pdsa.study", "pdsa.act", "measure.record", "measure.retract", "import",
        ])
        for method in API.all {
            #expect(method.paramKeys.contains("patient_data_ok") == method.paramsAreScreened, "\(method.name)")
        }
    }

    /// The decoder reads `since_ms` as `sinceMs`, the encoder writes `sinceMs` as `since_ms`:
    /// every key must come back as it went, or a param could never be given (a Swift name such
    /// as `nodeID` would not).
    @Test func everyParamKeyRoundTripsThroughTheCoding() throws {
        for method in API.all {
            for key in method.paramKeys {
                let read = try ControlCoding.decoder().decode(KeyProbe.self, from: Data("{\"\(key)\": 1}".utf8))
                let written = try ControlCoding.encoder().encode(read)
                #expect(String(decoding: written, as: UTF8.self) == "{\"\(key)\":1}", "\(method.name): \(key) is \(read.names) in Swift")
                #expect(ControlCoding.wireKey(read.names.first ?? "") == key, "\(method.name): \(key)")
            }
        }
    }

    /// Whatever keys an object has, as the coding strategies present them to Swift.
    struct KeyProbe: Codable {
        struct Key: CodingKey {
            let stringValue: String
            init(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }

        let names: [String]

        init(from decoder: any Decoder) throws {
            names = try decoder.container(keyedBy: Key.self).allKeys.map(\.stringValue)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            for name in names { try container.encode(1, forKey: Key(stringValue: name)) }
        }
    }
}

extension ControlMethod {
    /// The wire keys of the method's params.
    static var paramKeys: Set<String> { Params.keys }

    /// Whether the daemon looks through the method's text for patient data (`PatientDataScreened`).
    static var paramsAreScreened: Bool { Params.self is any PatientDataScreened.Type }
}
