import Foundation
import MeshNode
import MeshStore
import Testing

/// `ideameshd init`, run as a real process.
struct InitCommandTests {
    /// The directory the test runner and the built executables live in.
    static let binaries: URL = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
        if url.lastPathComponent == "MacOS" || url.pathExtension == "xctest" { url.deleteLastPathComponent() }
        return url
    }()

    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func ideameshd(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = binaries.appendingPathComponent("ideameshd")
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    let dir = NSTemporaryDirectory() + "ideameshd-init-\(UUID().uuidString)"

    @Test func initCreatesAPrivateIdentityConfigAndStore() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try Self.ideameshd(["init", "--data", dir, "--dept", "Renal Ward"])
        #expect(run.status == 0, "\(run.stderr)")
        let data = DataDirectory(path: dir)
        let identity = try data.loadIdentity()
        #expect(run.stdout.contains(identity.nodeID.base32))
        let mode = try FileManager.default.attributesOfItem(atPath: data.identityPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let config = try String(contentsOfFile: data.configPath, encoding: .utf8)
        #expect(config.contains("department = \"Renal Ward\""))
        let store = try data.openStore()
        #expect(store.nodeID == identity.nodeID)
        #expect(try store.opCount() == 0)
    }

    @Test func initRefusesToOverwriteAnIdentity() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try Self.ideameshd(["init", "--data", dir, "--dept", "Renal Ward"]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: DataDirectory(path: dir).identityPath))
        let again = try Self.ideameshd(["init", "--data", dir, "--dept", "Cardiology"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("refusing to overwrite a node identity"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: DataDirectory(path: dir).identityPath)) == before)
    }

    @Test func initRejectsABadDepartmentName() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try Self.ideameshd(["init", "--data", dir, "--dept", "Renal \"Ward\""])
        #expect(run.status == 1)
        #expect(run.stderr.contains("department name"))
        #expect(!FileManager.default.fileExists(atPath: DataDirectory(path: dir).identityPath))
    }

    @Test func anIdentityReadableByOthersIsRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try Self.ideameshd(["init", "--data", dir, "--dept", "Renal Ward"]).status == 0)
        let data = DataDirectory(path: dir)
        chmod(data.identityPath, 0o644)
        #expect(throws: DataDirectoryError.identityPermissions(path: data.identityPath, mode: 0o644)) { try data.loadIdentity() }
    }
}
