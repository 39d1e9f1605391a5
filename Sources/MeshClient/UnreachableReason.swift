import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why connecting to the control socket failed, as its remedy differs.
public enum UnreachableReason: Equatable, Sendable, CustomStringConvertible {
    /// No socket at that path (ENOENT, ENOTDIR): the daemon is not running, or the path is wrong.
    case noSocket
    /// A socket file nobody listens on (ECONNREFUSED): the daemon stopped and left it there.
    case refused
    /// The caller may not reach the socket (EACCES, EPERM). `group`: the group owning the
    /// directory or socket that refused, when it could be read (staff belong to it).
    case permissionDenied(group: String?)
    /// Something else is at that path (a directory, a regular file: e.g. the store's file).
    case notASocket(what: String)
    /// The path is longer than a Unix socket address holds (`bytes`).
    case pathTooLong(bytes: Int)
    case other(String)

    /// Reads `errno` of a failed connect to `path`.
    public init(errno code: Int32, path: String) {
        switch code {
        case ENOENT, ENOTDIR: self = .noSocket
        case ECONNREFUSED, ENOTSOCK:
            var info = stat()
            if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFSOCK {
                self = .notASocket(what: info.st_mode & S_IFMT == S_IFDIR ? "a directory" : "a file, not a socket")
            } else {
                self = .refused
            }
        case EACCES, EPERM: self = .permissionDenied(group: Self.refusingGroup(path))
        default: self = .other(String(cString: strerror(code)))
        }
    }

    public var description: String {
        switch self {
        case .noSocket: "no socket there"
        case .refused: "connection refused (the socket is there but no daemon listens on it)"
        case .notASocket(let what): "that is \(what)"
        case .pathTooLong(let bytes): "the path is longer than a Unix socket path may be (\(bytes) bytes, at most 107)"
        case .permissionDenied(let group): "permission denied" + (group.map { " (the socket is for group \($0))" } ?? "")
        case .other(let why): why
        }
    }

    /// The group of the socket's directory when the caller cannot pass through it, else of the
    /// socket; nil when that group has no access either (joining it would not help).
    static func refusingGroup(_ path: String) -> String? {
        let directory = (path as NSString).deletingLastPathComponent
        var info = stat()
        let blockedByDirectory = !directory.isEmpty && access(directory, X_OK) != 0
        guard stat(blockedByDirectory ? directory : path, &info) == 0 else { return nil }
        guard info.st_mode & (blockedByDirectory ? 0o010 : 0o020) != 0 else { return nil }
        var entry = group()
        var found: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getgrgid_r(info.st_gid, &entry, &buffer, buffer.count, &found) == 0, found != nil, let name = entry.gr_name else {
            return String(info.st_gid)
        }
        return String(cString: name)
    }
}
