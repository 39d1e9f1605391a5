import MeshCharts
import Foundation

/// Where a command's result goes: JSON for scripts (`--json`: the daemon's result as it is, keys
/// sorted), or text for people, laid out for the terminal.
struct Output {
    let terminal: Terminal
    let json: Bool
    let context: RenderContext

    init(json: Bool, terminal: Terminal = .current(), nowMs: Int = Int(Date().timeIntervalSince1970 * 1000), timeZone: TimeZone = .current) {
        self.terminal = terminal
        self.json = json
        self.context = RenderContext(
            width: terminal.width, style: terminal.style, nowMs: nowMs, timeZone: timeZone, cuts: terminal.cutsToWidth)
    }

    /// Prints `raw` as JSON, or `human()` as text.
    func emit(_ raw: Any, human: () -> String) {
        Terminal.write(json ? JSONText.encode(raw) : ensureNewline(human()))
    }

    func text(_ text: String) {
        Terminal.write(ensureNewline(text))
    }

    private func ensureNewline(_ text: String) -> String {
        text.isEmpty || text.hasSuffix("\n") ? text : text + "\n"
    }
}

/// JSON text for `--json`: pretty, keys sorted, ending in a newline.
enum JSONText {
    static func encode(_ object: Any) -> String {
        guard JSONSerialization.isValidJSONObject(object),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
            return "null\n"
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
