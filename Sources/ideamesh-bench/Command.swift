import Foundation

/// Other programs the benches run (wrk, curl, python3).
enum Command {
    /// The path of `name` on the PATH (then in the usual system directories), or nil.
    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map(String.init) ?? []
        return (path + ["/usr/local/bin", "/usr/bin", "/bin"]).map { $0 + "/" + name }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a command to its end; its stdout. A non-zero exit throws with the end of its stderr.
    static func output(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // stderr into a file: read only on failure, and it cannot fill a pipe and stall the program.
        let errorPath = NSTemporaryDirectory() + "ideamesh-bench-stderr-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        guard FileManager.default.createFile(atPath: errorPath, contents: nil) else { throw BenchError("cannot create \(errorPath)") }
        defer { try? FileManager.default.removeItem(atPath: errorPath) }
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle(forWritingAtPath: errorPath)
        try process.run()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errors = FileManager.default.contents(atPath: errorPath) ?? Data()
        guard process.terminationStatus == 0 else {
            let tail = String(decoding: errors.suffix(2_000), as: UTF8.self)
            throw BenchError("\((executable as NSString).lastPathComponent) \(arguments.joined(separator: " ")) failed (\(process.terminationStatus))\(tail.isEmpty ? "" : ":\n" + tail)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
