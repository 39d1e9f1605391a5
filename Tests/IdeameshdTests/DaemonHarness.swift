import Foundation
import MeshClient
import MeshLoopback
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What only the daemon's end-to-end tests need beside MeshLoopback (which runs the daemons:
/// `DaemonCluster`, `DaemonNode`, free ports): one-off runs of `ideameshd`, and a control client
/// run as another OS user. Set `IDEAMESH_E2E_KEEP=1` to keep the temp roots for a post-mortem.
enum Harness {
    // MARK: One-off runs

    /// Runs `ideameshd ARGUMENTS` to its end, its output in files under `directory` (a daemon
    /// that wrongly keeps running cannot fill a pipe); killed and reported after `timeout`.
    static func runToExit(
        _ arguments: [String], in directory: String, timeout: Duration = .seconds(15)
    ) async throws -> (exit: ChildProcess.Exit, stdout: String, stderr: String) {
        let tag = UUID().uuidString.prefix(8)
        let outPath = "\(directory)/\(tag).out", errPath = "\(directory)/\(tag).err"
        let process = try ChildProcess(executable: Loopback.ideameshd, arguments: arguments, stdout: outPath, stderr: errPath)
        let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        guard let exit = try await process.waitForExit(timeout: timeout) else {
            process.killAndReap()
            throw HarnessError("ideameshd \(arguments.joined(separator: " ")) still running after \(timeout)\n\(read(errPath))")
        }
        return (exit, read(outPath), read(errPath))
    }

    // MARK: Running as another OS user

    static let systemPython = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Whether a control client can be run as user nobody (needs root, setpriv, and a python3
    /// that nobody can execute: not a pyenv shim under /root).
    static var canRunAsNobody: Bool { geteuid() == 0 && Loopback.setpriv != nil && systemPython != nil }

    /// A control client run as user nobody (uid/gid 65534, no supplementary groups): sends each
    /// line to `socket` in turn and returns the reply lines.
    static func controlAsNobody(socket: String, lines: [String]) throws -> [ControlResponse] {
        guard let setpriv = Loopback.setpriv, let systemPython else { throw HarnessError("setpriv or python3 missing") }
        let script = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(10)
            s.connect(sys.argv[1])
            f = s.makefile("rwb")
            for line in sys.argv[2:]:
                f.write(line.encode() + b"\\n")
                f.flush()
                sys.stdout.write(f.readline().decode())
                sys.stdout.flush()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: setpriv)
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", systemPython, "-c", script, socket] + lines
        let out = Pipe(), err = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw HarnessError("the client run as nobody failed (status \(process.terminationStatus)): \(stderr)\(stdout)")
        }
        let replies = try stdout.split(separator: "\n").map { try ControlResponse(line: String($0)) }
        guard replies.count == lines.count else {
            throw HarnessError("the client run as nobody got \(replies.count) replies to \(lines.count) requests: \(stdout)\(stderr)")
        }
        return replies
    }
}
