import Foundation
import MeshLoopback
import MeshNode
import MeshStore
import Testing

/// `ideameshd init`, run as a real process.
struct InitCommandTests {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func ideameshd(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = Loopback.binaries.appendingPathComponent("ideameshd")
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

/// The organisation's network key at `init`, through the real binary.
struct NetworkKeyInitTests {
    let root = NSTemporaryDirectory() + "ideameshd-netkey-\(UUID().uuidString)"

    @Test func theFirstDepartmentMakesTheKeyAndTheOthersCopyIt() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let first = DataDirectory(path: root + "/renal"), second = DataDirectory(path: root + "/cardio")
        #expect(try InitCommandTests.ideameshd(["init", "--data", first.url.path, "--dept", "Renal", "--new-network"]).status == 0)
        let key = try NetworkKey.load(path: first.networkKeyPath)
        #expect(key.bytes.count == 32)
        #expect(try FileManager.default.attributesOfItem(atPath: first.networkKeyPath)[.posixPermissions] as? Int == 0o600)

        let joined = try InitCommandTests.ideameshd(["init", "--data", second.url.path, "--dept", "Cardio", "--network-key", first.networkKeyPath])
        #expect(joined.status == 0, "\(joined.stderr)")
        #expect(try NetworkKey.load(path: second.networkKeyPath) == key)
        #expect(try NetworkKey.load(path: second.networkKeyPath) != NetworkKey.generate())
    }

    @Test func aBadKeySourceChangesNothing() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dir = DataDirectory(path: root + "/node")
        let missing = try InitCommandTests.ideameshd(["init", "--data", dir.url.path, "--dept", "X", "--network-key", root + "/nope.key"])
        #expect(missing.status == 1 && missing.stderr.contains("no network key at"))
        #expect(!FileManager.default.fileExists(atPath: dir.identityPath))

        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let loose = root + "/loose.key"
        try "ideamesh-network-key:\(String(repeating: "ab", count: 32))\n".write(toFile: loose, atomically: true, encoding: .utf8)
        chmod(loose, 0o644)
        let open = try InitCommandTests.ideameshd(["init", "--data", dir.url.path, "--dept", "X", "--network-key", loose])
        #expect(open.status == 1 && open.stderr.contains("chmod 600"))
        chmod(loose, 0o600)
        #expect(try NetworkKey.load(path: loose).bytes == [UInt8](repeating: 0xAB, count: 32))
        try "ideamesh-network-key:abcd\n".write(toFile: loose, atomically: true, encoding: .utf8)
        chmod(loose, 0o600)
        #expect(throws: NetworkKeyError.malformed(path: loose)) { try NetworkKey.load(path: loose) }
        #expect(!FileManager.default.fileExists(atPath: dir.identityPath))

        let both = try InitCommandTests.ideameshd(["init", "--data", dir.url.path, "--dept", "X", "--new-network", "--network-key", loose])
        #expect(both.status != 0 && both.stderr.contains("not both"))
    }
}
