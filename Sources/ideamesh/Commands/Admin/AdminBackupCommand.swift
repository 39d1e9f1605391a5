import ArgumentParser
import Foundation
import MeshClient
import MeshCharts
import MeshControl

struct AdminBackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of the store while the daemon runs.",
        discussion: "The daemon writes the file, as its own user: FILE's directory must be writable by it. FILE must not exist.")

    @Argument(help: ArgumentHelp("Where to write the copy.", valueName: "file"))
    var file: String

    @OptionGroup var client: ClientOptions

    /// The daemon resolves no relative paths: it gets an absolute one.
    var absolutePath: String {
        file.hasPrefix("/") ? file : URL(fileURLWithPath: file, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
    }

    func validate() throws {
        if FileManager.default.fileExists(atPath: absolutePath) { throw ValidationError("\(file) exists; the backup goes to a new file") }
    }

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh admin backup")
        let (result, raw) = try daemon.call(API.AdminBackup.self, .init(path: absolutePath))
        Output(json: client.json).emit(raw) { "Backed up the store to \(result.path) (\(TimeText.bytes(result.bytes)))." }
    }
}
