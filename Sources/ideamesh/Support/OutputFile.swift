import MeshCharts
import Foundation

/// Where a command writes a file it was told to (`export -o`, `measure chart --svg`): the path,
/// or `-` for standard output, as `--problem-file -` reads standard input. Errors say which part
/// of the path is wrong, in words, and nothing is left half written.
enum OutputFile {
    /// Writes `text` to `path` (atomically), or to standard output for "-".
    static func write(_ text: String, to path: String) throws(CLIError) {
        if path == "-" { return Terminal.write(text) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CLIError("cannot write \(path): it is a directory", hint: "Give a file name in it, e.g. \(path)/chart.svg.")
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
            throw CLIError("cannot write \(path): there is no directory \(directory)", hint: "Make the directory first, or give another path.")
        }
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw CLIError("cannot write \(path): you may not write there (or the disk is full)", hint: "Give a path in a directory you may write to.")
        }
    }
}
