import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who may reach the control socket, made so on disk: every local user (directory 0755, socket
/// 0666), or the members of the staff group (both in that group, 0750 and 0660). What each caller
/// may do is still decided per request from its uid (SO_PEERCRED).
struct ControlSocketAccess: Equatable, Sendable {
    let path: String
    /// The staff group's name and id; nil: every local user.
    let staff: Group?

    struct Group: Equatable, Sendable {
        let name: String
        let gid: gid_t
    }

    var directory: String { (path as NSString).deletingLastPathComponent }
    var directoryMode: mode_t { staff == nil ? 0o755 : 0o750 }
    var socketMode: mode_t { staff == nil ? 0o666 : 0o660 }

    /// Looks the staff group up in the group database (`configFile`: for the error).
    init(path: String, staffGroup: String?, configFile: String) throws(DaemonError) {
        self.path = path
        guard let staffGroup else {
            staff = nil
            return
        }
        var entry = group()
        var found: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getgrnam_r(staffGroup, &entry, &buffer, buffer.count, &found) == 0, found != nil else {
            throw .config(ConfigError(
                file: configFile, key: "control.staff_group",
                problem: "there is no group \"\(staffGroup)\" on this machine (create it, e.g. `groupadd \(staffGroup)`, and add the staff to it)"))
        }
        staff = Group(name: staffGroup, gid: entry.gr_gid)
    }

    /// Before binding: makes the socket's directory when it is missing (one level; its parent
    /// must exist), with `directoryMode` and the staff group. A directory that exists is left as
    /// it is, with a warning when staff cannot pass through it.
    func prepareDirectory(logger: Logger) throws(DaemonError) {
        var info = stat()
        if stat(directory, &info) == 0 {
            let others = info.st_mode & 0o001 != 0
            let viaGroup = staff.map { info.st_gid == $0.gid && info.st_mode & 0o010 != 0 } ?? false
            if !others && !viaGroup {
                logger.warning("staff may not reach the control socket: its directory does not let \(staff.map { "group \($0.name)" } ?? "other users") through; make it searchable for them (chmod, chgrp) or set [control] socket elsewhere", metadata: [
                    "directory": "\(directory)", "mode": "\(String(info.st_mode & 0o7777, radix: 8))",
                ])
            }
            return
        }
        guard mkdir(directory, directoryMode) == 0 || errno == EEXIST else {
            throw .io(path: directory, reason: "cannot make the control socket's directory: \(String(cString: strerror(errno))) (make it, owned by the daemon's user, or set [control] socket in the config)")
        }
        try own(directory, mode: directoryMode, what: "the control socket's directory")
    }

    /// After binding: the socket's mode and group.
    func secureSocket() throws(DaemonError) {
        try own(path, mode: socketMode, what: "the control socket")
    }

    private func own(_ path: String, mode: mode_t, what: String) throws(DaemonError) {
        if let group = staff, chown(path, uid_t.max, group.gid) != 0 {
            throw .io(path: path, reason: "cannot give \(what) to group \(group.name): \(String(cString: strerror(errno))) (the daemon must run as root or as a member of \(group.name))")
        }
        // mkdir and bind are subject to the umask; chmod is not.
        guard chmod(path, mode) == 0 else {
            throw .io(path: path, reason: "cannot set the mode of \(what): \(String(cString: strerror(errno)))")
        }
    }
}
