import Foundation
import MeshClient
import MeshLoopback

/// `ideamesh ARGUMENTS --help`, run as the real binary with a fixed environment (width 80, UTC,
/// no colour): what the help golden files hold.
enum HelpRun {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String]) async throws -> Output {
        let dir = try Loopback.makeTempRoot("help")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = "\(dir)/out", err = "\(dir)/err"
        let environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "COLUMNS": "80", "TZ": "UTC", "LANG": "C.UTF-8"]
        let process = try ChildProcess(executable: Loopback.ideamesh, arguments: arguments, stdout: out, stderr: err, environment: environment)
        guard let exit = try await process.waitForExit(timeout: .seconds(60)) else {
            process.killAndReap()
            throw HarnessError("ideamesh \(arguments.joined(separator: " ")) still running after 60 s")
        }
        let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        return Output(status: exit.status, stdout: read(out), stderr: read(err))
    }
}
