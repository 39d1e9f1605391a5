import Dispatch
import Foundation
import GRDB
import Logging
import Synchronization

/// Keeps the WAL bounded without stalling the writer: after a commit that leaves the WAL larger
/// than `thresholdBytes`, a passive checkpoint runs on a connection of its own, on a background
/// queue, while the writer goes on (SQLite lets a passive checkpoint run beside a writer).
/// At most one checkpoint is pending at a time.
final class Checkpointer: Sendable {
    let walPath: String
    let thresholdBytes: Int64
    let connection: DatabaseQueue
    let queue = DispatchQueue(label: "ideamesh.checkpoint", qos: .utility)
    let pending = Mutex(false)
    let logger: Logger

    init(databasePath: String, thresholdBytes: Int64, logger: Logger) throws {
        walPath = databasePath + "-wal"
        self.thresholdBytes = thresholdBytes
        self.logger = logger
        var config = Configuration()
        config.label = "ideamesh.checkpoint"
        connection = try DatabaseQueue(path: databasePath, configuration: config)
    }

    /// Called after each commit; cheap when the WAL is small (one stat).
    func didCommit() {
        var info = stat()
        guard stat(walPath, &info) == 0, Int64(info.st_size) > thresholdBytes else { return }
        let start = pending.withLock { busy in
            if busy { return false }
            busy = true
            return true
        }
        guard start else { return }
        queue.async { [self] in
            defer { pending.withLock { $0 = false } }
            do {
                _ = try connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
            } catch {
                logger.warning("background WAL checkpoint failed; it will be tried again", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Waits for a running checkpoint to finish.
    func drain() {
        queue.sync {}
    }
}
