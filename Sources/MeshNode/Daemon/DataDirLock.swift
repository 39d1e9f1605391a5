import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on a data dir (`DIR/ideameshd.lock`, flock), held while a daemon runs, so
/// two daemons can never share one store and identity. The kernel releases it when the process
/// dies, however it dies, so a stale lock cannot outlive a crash.
final class DataDirLock {
    let path: String
    private var fd: Int32

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    /// Takes the lock, or says which process holds it.
    static func acquire(directory: String) throws(DaemonError) -> DataDirLock {
        let path = URL(fileURLWithPath: directory).appendingPathComponent("ideameshd.lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw .locked(directory: directory, pid: holder.flatMap { Int32($0) })
        }
        // Record our pid for the next one who finds the lock taken.
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) == 0 { _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) } }
        return DataDirLock(path: path, fd: fd)
    }

    func release() {
        guard fd >= 0 else { return }
        _ = ftruncate(fd, 0)
        close(fd)
        fd = -1
    }

    deinit { release() }
}
