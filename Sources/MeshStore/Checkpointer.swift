import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import Logging
import Synchronization

/// Keeps the WAL bounded while keeping checkpoints off the writer's path as far as possible.
///
/// It replaces SQLite's autocheckpoint through `sqlite3_wal_hook`, which reports after each commit
/// how many frames the WAL holds:
/// - every `backgroundFrames` frames of growth, a passive checkpoint runs on a connection of its
///   own, on a background queue, beside the writer (at most one at a time);
/// - at `writerFrames` the writer checkpoints itself, as SQLite's autocheckpoint would. Beside a
///   busy writer a passive checkpoint never quite catches up, and a WAL that is never fully
///   copied never restarts: this backstop copies the little left, so the WAL restarts and its
///   file is reused (an ever-growing WAL would make every commit's fsync slower).
///
/// The growth counter is what the first version lacked: triggered by the WAL file's size, which
/// never shrinks, it checkpointed after every commit and halved local write speed.
final class Checkpointer: Sendable {
    let backgroundFrames: Int32
    let writerFrames: Int32
    let connection: DatabaseQueue
    let queue = DispatchQueue(label: "ideamesh.checkpoint", qos: .utility)
    /// Frames at the last background trigger, and whether a background checkpoint is running.
    let state = Mutex((triggeredAt: Int32(0), running: false))
    /// Checkpoints run so far: (beside the writer, by the writer). For metrics and tests.
    let runs = Mutex((background: 0, writer: 0))
    let logger: Logger

    init(databasePath: String, backgroundFrames: Int32, writerFrames: Int32, logger: Logger) throws {
        precondition(backgroundFrames > 0 && writerFrames > 0)
        self.backgroundFrames = backgroundFrames
        self.writerFrames = writerFrames
        self.logger = logger
        var config = Configuration()
        config.label = "ideamesh.checkpoint"
        connection = try DatabaseQueue(path: databasePath, configuration: config)
    }

    /// Installs the hook on the writer connection. The checkpointer must outlive the hook:
    /// `uninstall` it before the checkpointer goes away.
    func install(on writer: Database) {
        sqlite3_wal_hook(writer.sqliteConnection, { context, db, name, frames in
            Unmanaged<Checkpointer>.fromOpaque(context!).takeUnretainedValue().walGrew(db: db, name: name, frames: frames)
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    func uninstall(from writer: Database) {
        sqlite3_wal_hook(writer.sqliteConnection, nil, nil)
    }

    /// On the writer, after a commit that left `frames` frames in the WAL.
    func walGrew(db: OpaquePointer?, name: UnsafePointer<CChar>?, frames: Int32) {
        if frames >= writerFrames {
            // The backstop, as SQLite's own autocheckpoint does it (errors only mean "later").
            sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            state.withLock { $0.triggeredAt = 0 }
            runs.withLock { $0.writer += 1 }
            return
        }
        let start = state.withLock { state in
            if frames < state.triggeredAt { state.triggeredAt = 0 }  // the WAL restarted
            guard frames - state.triggeredAt >= backgroundFrames, !state.running else { return false }
            state.triggeredAt = frames
            state.running = true
            return true
        }
        guard start else { return }
        queue.async { [self] in
            defer { state.withLock { $0.running = false } }
            runs.withLock { $0.background += 1 }
            do {
                _ = try connection.writeWithoutTransaction { try $0.checkpoint(.passive) }
            } catch {
                logger.warning("background WAL checkpoint failed; the writer's will catch up", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Waits for a running background checkpoint.
    func drain() {
        queue.sync {}
    }
}
