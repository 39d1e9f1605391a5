import MeshCharts
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The demo's output: plain text, with colour only when stdout is a terminal (and neither
/// a non-empty NO_COLOR nor TERM=dumb says otherwise). Every line is flushed at once, so a script
/// reading the demo through a pipe sees each step as it happens.
struct DemoStyle {
    let isTerminal: Bool
    let colour: Bool

    static func forStandardOutput() -> DemoStyle {
        let environment = ProcessInfo.processInfo.environment
        let isTerminal = isatty(STDOUT_FILENO) == 1
        let noColour = !(environment["NO_COLOR"] ?? "").isEmpty
        return DemoStyle(isTerminal: isTerminal, colour: isTerminal && !noColour && environment["TERM"] != "dumb")
    }

    func bold(_ text: String) -> String { paint(text, "1") }
    func dim(_ text: String) -> String { paint(text, "2") }
    func green(_ text: String) -> String { paint(text, "32") }
    func yellow(_ text: String) -> String { paint(text, "33") }
    func cyan(_ text: String) -> String { paint(text, "36") }

    private func paint(_ text: String, _ code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// Prints `line` and flushes.
    func say(_ line: String = "") {
        print(line)
        fflush(nil)  // every stream: only stdout has anything buffered
    }

    /// `text` padded with spaces to `width` characters (before any colour is added).
    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// "a", "a and b", "a, b and c".
    static func list(_ items: [String]) -> String {
        switch items.count {
        case 0: ""
        case 1: items[0]
        default: items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
        }
    }

    /// "0.4 s", "12 ms".
    static func elapsed(_ duration: Duration) -> String {
        let ms = DemoDeadline.milliseconds(duration)
        return ms < 1000 ? "\(ms) ms" : String(format: "%.1f s", Double(ms) / 1000)
    }
}
