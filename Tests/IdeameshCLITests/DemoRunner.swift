import Foundation
import MeshLoopback
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `ideamesh demo` as a real process for DemoTests, its output in files (a daemon that
/// wrongly inherited a pipe could otherwise keep a reader waiting for ever).
enum DemoRunner {
    static var ideamesh: String { Loopback.ideamesh }
    static var ideameshd: String { Loopback.ideameshd }

    struct Run {
        let status: Int32
        /// Ended by a signal it did not handle (then `status` is the signal).
        let signaled: Bool
        let stdout: String
        let stderr: String

        /// The demo's directory, from its first lines ("Files in DIR").
        var root: String? {
            guard let range = stdout.range(of: #"Files in (/tmp/ideamesh-demo-[A-Za-z0-9]+)"#, options: .regularExpression) else { return nil }
            return String(stdout[range].dropFirst("Files in ".count))
        }

        var description: String { "status \(status)\(signaled ? " (signal)" : "")\n--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)" }
    }

    /// Runs `executable ARGUMENTS`; when `interruptAfter` appears in its output, sends it SIGINT.
    /// Killed (and reported) after `timeout`.
    static func run(
        _ arguments: [String], executable: String = ideamesh, interruptAfter marker: String? = nil, timeout: Duration = .seconds(120)
    ) async throws -> Run {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("demo-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outPath = scratch.appendingPathComponent("stdout").path, errPath = scratch.appendingPathComponent("stderr").path
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
        var deadline = ContinuousClock.now + timeout
        var interrupted = false
        while process.isRunning {
            if let marker, !interrupted, read(outPath).contains(marker) {
                process.interrupt()
                interrupted = true
                deadline = min(deadline, ContinuousClock.now + .seconds(30))
            }
            guard ContinuousClock.now < deadline else {
                // SIGKILL: a demo that ignores signals would ignore SIGTERM too. Then its daemons
                // (in process groups of their own) are stopped here, so no test leaves any behind.
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let output = read(outPath)
                let root = Run(status: 0, signaled: true, stdout: output, stderr: "").root
                let left = root.map { killAll(mentioning: $0) } ?? []
                if let root { try? FileManager.default.removeItem(atPath: root) }
                throw DemoTestError("""
                    ideamesh \(arguments.joined(separator: " ")) still running \(interrupted ? "30 s after SIGINT" : "after \(timeout)"); \
                    killed it\(left.isEmpty ? "" : " and its daemons \(left)")
                    \(output)
                    \(read(errPath))
                    """)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        if let marker, !interrupted {
            throw DemoTestError("ideamesh ended before printing \"\(marker)\"\n\(read(outPath))\n\(read(errPath))")
        }
        return Run(
            status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
            stdout: read(outPath), stderr: read(errPath))
    }

    /// SIGKILLs the processes whose command line mentions `text`; returns their pids.
    static func killAll(mentioning text: String) -> [Int32] {
        processes(mentioning: text).compactMap { Int32($0.prefix { $0 != ":" }) }.filter { kill($0, SIGKILL) == 0 }
    }

    /// The processes whose command line mentions `text` (pid and command line).
    static func processes(mentioning text: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.allSatisfy(\.isNumber) && Int32($0) != getpid() }.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
            let command = String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
            return command.contains(text) ? "\(pid): \(command)" : nil
        }
    }
}

struct DemoTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
