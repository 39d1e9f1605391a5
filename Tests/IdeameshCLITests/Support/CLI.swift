import Foundation
import MeshClient
import MeshLoopback

/// Runs the real `ideamesh` binary, as a person or a script would, and captures what it did.
enum CLI {
    struct Run: CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        var stdout: String
        var stderr: String

        var description: String {
            "ideamesh \(arguments.joined(separator: " ")) → exit \(status)\n--- stdout ---\n\(stdout)--- stderr ---\n\(stderr)"
        }
    }

    /// A clean environment: no IDEAMESH_SOCKET, no NO_COLOR, a fixed width and time zone, unless given.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "COLUMNS": "100", "TZ": "UTC", "LANG": "C.UTF-8"]
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    /// `ideamesh ARGUMENTS` against `socket` (passed as --socket unless nil), to its end.
    /// `input`: what stdin holds (else /dev/null). `asNobody`: run as uid/gid 65534.
    static func run(
        _ arguments: [String], socket: String? = nil, env: [String: String] = [:], input: String? = nil,
        asNobody: Bool = false, timeout: Duration = .seconds(60)
    ) async throws -> Run {
        let full = arguments + (socket.map { ["--socket", $0] } ?? [])
        var executable = Loopback.ideamesh
        var argv = full
        if asNobody {
            guard let setpriv = Loopback.setpriv else { throw HarnessError("setpriv is missing") }
            executable = setpriv
            argv = ["--reuid=65534", "--regid=65534", "--clear-groups", Loopback.ideamesh] + full
        }
        return try await spawn(executable, argv, shownAs: full, env: environment(env), input: Array((input ?? "").utf8), timeout: timeout)
    }

    /// `ideamesh ARGUMENTS` on a pseudo-terminal (through script(1)): stdin, stdout and stderr are
    /// a terminal, `input` is typed into it. What the terminal showed comes back as stdout.
    static func runOnTerminal(_ arguments: [String], socket: String, input: String, env: [String: String] = [:]) async throws -> Run {
        try await runOnTerminal(arguments, socket: socket, inputBytes: Array(input.utf8), env: env)
    }

    /// As `runOnTerminal(_:socket:input:env:)`, typing raw bytes (which need not be UTF-8).
    static func runOnTerminal(_ arguments: [String], socket: String, inputBytes: [UInt8], env: [String: String] = [:]) async throws -> Run {
        guard let script = Loopback.script else { throw HarnessError("script(1) is missing") }
        let command = ([Loopback.ideamesh] + arguments + ["--socket", socket]).map(shellQuote).joined(separator: " ")
        return try await spawn(script, ["-q", "-e", "-c", command, "/dev/null"], shownAs: arguments, env: environment(env), input: inputBytes, timeout: .seconds(60))
    }

    /// `ideamesh` with arguments given as raw bytes (which need not be UTF-8, as a shell can pass
    /// them and a Swift String cannot hold them), against `socket`; `input`: stdin's bytes.
    static func run(rawArguments: [[UInt8]], socket: String, input: [UInt8] = []) async throws -> Run {
        // Each argument is made by printf from octal escapes, so it can hold any byte but NUL.
        let quoted = rawArguments.map { bytes in "\"$(printf '" + bytes.map { String(format: "\\%03o", $0) }.joined() + "')\"" }
        let command = "exec \(shellQuote(Loopback.ideamesh)) " + quoted.joined(separator: " ") + " --socket \(shellQuote(socket))"
        let shown = rawArguments.map { String(decoding: $0, as: UTF8.self) }
        return try await spawn("/bin/sh", ["-c", command], shownAs: shown, env: environment(), input: input, timeout: .seconds(60))
    }

    static func shellQuote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    private static func spawn(
        _ executable: String, _ arguments: [String], shownAs: [String], env: [String: String], input: [UInt8], timeout: Duration
    ) async throws -> Run {
        let dir = try Loopback.makeTempRoot("run")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outPath = "\(dir)/out", errPath = "\(dir)/err", inPath = "\(dir)/in"
        try Data(input).write(to: URL(fileURLWithPath: inPath))
        chmod(inPath, 0o644)
        let process = try ChildProcess(executable: executable, arguments: arguments, stdin: inPath, stdout: outPath, stderr: errPath, environment: env)
        // A terminal echoes what was typed, bytes that are not UTF-8 included: read them as U+FFFD.
        let read = { (path: String) in (try? Data(contentsOf: URL(fileURLWithPath: path))).map { String(decoding: $0, as: UTF8.self) } ?? "" }
        guard let exit = try await process.waitForExit(timeout: timeout) else {
            process.killAndReap()
            throw HarnessError("\(shownAs.joined(separator: " ")) still running after \(timeout)\n\(read(errPath))")
        }
        return Run(arguments: shownAs, status: exit.signaled ? 128 + exit.status : exit.status, stdout: read(outPath), stderr: read(errPath))
    }

    /// `runSync` on a thread of its own, for a long run (a whole setup script): waiting on one of
    /// the few threads that every suite's async tests share would stall the others' timed checks.
    static func runOffPool(_ executable: String, _ arguments: [String], in dir: String) async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try runSync(executable, arguments, in: dir) }) }
        }
    }

    /// Runs an executable to its end, synchronously (for setup steps like `ideameshd init`).
    static func runSync(_ executable: String, _ arguments: [String], in dir: String) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let outPath = "\(dir)/.init-\(UUID().uuidString.prefix(8))"
        _ = FileManager.default.createFile(atPath: outPath + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: outPath + ".err", contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath + ".out")
            try? FileManager.default.removeItem(atPath: outPath + ".err")
        }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath + ".out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath + ".err"))
        try process.run()
        process.waitUntilExit()
        let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        return Run(arguments: arguments, status: process.terminationStatus, stdout: read(outPath + ".out"), stderr: read(outPath + ".err"))
    }
}

extension CLI.Run {
    /// stdout as a JSON object (what `--json` prints).
    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
            throw HarnessError("not a JSON object:\n\(self)")
        }
        return object
    }

    var succeeded: Bool { status == 0 }
}

/// Display columns of plain text as a terminal shows it (one per character here: the tests'
/// texts are ASCII and "…").
enum TextWidthProbe {
    static func columns(_ text: String) -> Int { text.count }
}
