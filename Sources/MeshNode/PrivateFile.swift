import Foundation

/// The files a node keeps secrets in (identity key, network key): created once, never
/// overwritten, readable by their owner only.
enum PrivateFile {
    enum Failure: Error, Equatable {
        case missing
        case exists
        /// Group or others may read it: `mode` is its permission bits.
        case permissions(mode: Int)
        case unreadable
        case io(String)
    }

    /// Creates `path` with `contents` and `mode`, every byte written and synced to disk. Refuses
    /// an existing file; a failed write leaves no file behind.
    static func create(_ path: String, mode: mode_t, contents: String) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw errno == EEXIST ? .exists : .io(String(cString: strerror(errno))) }
        defer { close(fd) }
        let bytes = Array(contents.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return try failed(path) }
            written += n
        }
        guard fsync(fd) == 0 else { return try failed(path) }
    }

    private static func failed(_ path: String) throws(Failure) {
        let reason = String(cString: strerror(errno))
        unlink(path)
        throw .io(reason)
    }

    /// The text of `path`, provided nobody but its owner can read it.
    static func readOwnerOnly(_ path: String) throws(Failure) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .missing }
        guard info.st_mode & 0o077 == 0 else { throw .permissions(mode: Int(info.st_mode & 0o777)) }
        guard let text = FileManager.default.contents(atPath: path).flatMap({ String(data: $0, encoding: .utf8) }) else {
            throw .unreadable
        }
        return text
    }
}
