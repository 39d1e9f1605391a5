import MeshCharts
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the CLI knows about where its output goes: whether stdout, stderr and stdin are
/// terminals, how wide stdout is, and whether to paint. Read once at start; views get the facts,
/// never the file descriptors.
struct Terminal: Sendable {
    var stdoutIsTTY: Bool
    var stderrIsTTY: Bool
    var stdinIsTTY: Bool
    /// COLUMNS when set, else the terminal's width (TIOCGWINSZ), else 80.
    var width: Int
    /// Cut lines to `width`: stdout is a terminal, or COLUMNS sets a width.
    var cutsToWidth: Bool
    /// ANSI colour: stdout is a terminal and NO_COLOR is unset (or empty), and TERM is not "dumb".
    var color: Bool

    static let defaultWidth = 80

    static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> Terminal {
        let out = isatty(STDOUT_FILENO) == 1
        return Terminal(
            stdoutIsTTY: out, stderrIsTTY: isatty(STDERR_FILENO) == 1, stdinIsTTY: isatty(STDIN_FILENO) == 1,
            width: width(environment: environment, ioctlWidth: out ? windowWidth(STDOUT_FILENO) : nil),
            cutsToWidth: out || Int(environment["COLUMNS"] ?? "").map { $0 > 0 } == true,
            color: colorAllowed(stdoutIsTTY: out, environment: environment))
    }

    static func width(environment: [String: String], ioctlWidth: Int?) -> Int {
        if let text = environment["COLUMNS"], let columns = Int(text), columns > 0 { return columns }
        if let ioctlWidth, ioctlWidth > 0 { return ioctlWidth }
        return defaultWidth
    }

    static func colorAllowed(stdoutIsTTY: Bool, environment: [String: String]) -> Bool {
        guard stdoutIsTTY else { return false }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        return environment["TERM"] != "dumb"
    }

    static func windowWidth(_ fd: Int32) -> Int? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    var style: TextStyle { TextStyle(enabled: color) }

    // MARK: Writing

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    // MARK: Asking

    /// Asks on the terminal (the question on stderr, so stdout stays clean for `--json`); nil at
    /// end of input. An answer that is not UTF-8 is refused (`TextInput`).
    static func ask(_ question: String) throws(CLIError) -> String? {
        writeError(question)
        return try TextInput.readLine()
    }

    /// Asks for text that may run over several lines (pasted paragraphs, blank lines and all),
    /// ended by a line holding only "." or by the end of input; nil when nothing came before the
    /// end of input.
    static func askLines(_ question: String) throws(CLIError) -> String? {
        writeError(question)
        var lines = [String]()
        while let line = try TextInput.readLine() {
            if line == "." { return lines.joined(separator: "\n") }
            lines.append(line)
        }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }
}
