import Foundation
import MeshLoopback
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What only the CLI's tests need beside MeshLoopback (which runs the daemons: `DaemonCluster`,
/// `DaemonNode`, free ports, temp roots): whether the CLI can be run as another OS user.
enum Harness {
    /// Whether the CLI can be run as user nobody: root, setpriv, and a binary nobody can reach
    /// (every directory above it searchable by others).
    static var canRunAsNobody: Bool {
        guard geteuid() == 0, Loopback.setpriv != nil else { return false }
        var url = URL(fileURLWithPath: Loopback.ideamesh).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            guard let mode = try? FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int, mode & 0o001 != 0 else {
                return false
            }
        }
        return true
    }
}
