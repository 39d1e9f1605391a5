import Foundation
import MeshStore
import MeshWire

/// Remote apply as a receiver does it, store only (no network): every department's ops, as
/// batches of one origin, into one store. A second thread reads and prepares the next group
/// (decode, hashes, signature: no database) while the store's writer applies the current one, in
/// one transaction per group of up to `groupOps` ops. Phase 3 of `store`, and the yardstick of
/// `sync`'s catch-up.
struct RemoteApply {
    /// Ops per batch (one origin's ops, checked as a unit).
    var batch: Int
    /// Ops per transaction: batches are group-committed up to this many ops.
    var groupOps: Int

    struct Result {
        var applied = 0
        var seconds = 0.0
        var peakRSS = 0
        var dbBytes: Int64 = 0
        /// Time the applying thread waited for the next prepared group (0: the writer is the bottleneck).
        var writerIdleSeconds = 0.0
        /// Building the search index at the end (0 when it was kept in step all along).
        var searchIndexSeconds = 0.0
        var opsPerSecond: Double { Double(applied) / seconds }
    }

    /// Applies every op of the `sources` stores into `remote`, which must hold none of them.
    /// Timed: wall clock from the first read to the final checkpoint, so reading the sources
    /// counts against the store too. Peak RSS is this process's since the call began.
    func run(sources: [String], into remote: IdeaStore, expected: Int) throws -> Result {
        ProcessStats.resetPeakRSS()
        var result = Result()
        typealias Group = [Swift.Result<PreparedBatch, BatchRejection>]
        let queue = BoundedQueue<Swift.Result<Group, BenchError>>(capacity: 2)
        let (batch, groupOps) = (self.batch, self.groupOps)
        let watch = Stopwatch()
        let producer = Thread {
            do {
                var group = [[SignedOp]]()
                var count = 0
                for source in sources {
                    try IdeaStore(path: source, identity: nil).forEachBatch(batchSize: batch) { ops in
                        group.append(ops)
                        count += ops.count
                        if count >= groupOps {
                            queue.push(.success(PreparedBatch.prepare(group)))
                            group.removeAll(keepingCapacity: true)
                            count = 0
                        }
                    }
                }
                if !group.isEmpty { queue.push(.success(PreparedBatch.prepare(group))) }
            } catch {
                queue.push(.failure(BenchError("reading the department stores: \(error)")))
            }
            queue.close()
        }
        producer.start()
        while let group = Stopwatch.time(&result.writerIdleSeconds, { queue.pop() }) {
            for outcome in try remote.apply(prepared: try group.get()) { result.applied += try outcome.get().applied }
        }
        // A fresh store leaves its search index to the end, as the daemon's does (timed with the rest).
        try Stopwatch.time(&result.searchIndexSeconds) { try remote.buildDeferredSearchIndex() }
        // Like the raw baseline's commit, which checkpoints its WAL into the database.
        try remote.checkpoint()
        result.seconds = watch.seconds
        result.peakRSS = ProcessStats.peakRSS()
        guard result.applied == expected, try remote.opCount() == expected else {
            throw BenchError("remote apply stored \(result.applied) ops of \(expected)")
        }
        result.dbBytes = try remote.databaseBytes()
        return result
    }
}
