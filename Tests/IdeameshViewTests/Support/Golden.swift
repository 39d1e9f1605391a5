import Foundation
import Testing

/// Golden files: the exact expected output, under Golden/ next to this target's sources (the
/// target excludes the folder; tests read it through #filePath). IDEAMESH_UPDATE_GOLDEN=1
/// rewrites them after an intended change: review the diff.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Golden")
    static let updating = ProcessInfo.processInfo.environment["IDEAMESH_UPDATE_GOLDEN"] == "1"

    static func check(_ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = directory.appendingPathComponent(name)
        if updating {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            do { try actual.write(to: url, atomically: true, encoding: .utf8) } catch {
                Issue.record("cannot write \(url.path): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("no golden file \(name); run with IDEAMESH_UPDATE_GOLDEN=1 to create it. Actual:\n\(actual)", sourceLocation: sourceLocation)
            return
        }
        guard actual != expected else { return }
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let line = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
        Issue.record("""
            \(name) differs at line \(line + 1) (IDEAMESH_UPDATE_GOLDEN=1 rewrites it, then review the diff)
            expected: \(line < e.count ? String(e[line]) : "<end>")
              actual: \(line < a.count ? String(a[line]) : "<end>")
            --- actual ---
            \(actual)
            """, sourceLocation: sourceLocation)
    }
}
