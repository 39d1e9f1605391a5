import Dispatch
import Logging
import MeshCRDT
import MeshModel
import MeshStore
import MeshWire
import Synchronization

/// Runs the store's work off the event loop: SQLite calls block, the loop must not.
///
/// - Remote batches go through a pipeline: a `prepare` queue decodes and checks them
///   (`PreparedBatch`, no database), then the single `writer` queue applies whatever has
///   accumulated in one group commit. Each batch's result comes back through its completion.
/// - Local writes run on the writer queue too, one durable transaction each.
/// - Reads run on a concurrent queue (SQLite WAL readers do not block the writer).
///
/// Completions run on a worker thread; callers hop back to their loop themselves. After every
/// commit that changed the log, `onAdvance` gets the store's new version vector.
final class StoreWorker: Sendable {
    typealias ApplyResult = Result<Applied, ApplyFailure>

    /// An accepted batch: what became of it, and which ops it held.
    struct Applied: Sendable {
        var outcome: ApplyOutcome
        var origin: NodeID
        var lastSeq: UInt64
    }

    /// Why a remote batch was not applied.
    enum ApplyFailure: Error, Sendable {
        /// The batch broke a rule (BatchRejection): nothing of it was applied.
        case rejected(BatchRejection)
        /// The database failed; nothing of the group was applied. Retry later.
        case storeFailed(String)
    }

    /// A group commit takes at most this many ops (more wait for the next one).
    static let maxGroupOps = 16_384
    /// After applying at least this many remote ops, memory is given back once the store has
    /// been idle for `idleRelease` (a catch-up leaves SQLite's caches and malloc's arenas full).
    static let releaseAfterOps = 10_000
    static let idleRelease: DispatchTimeInterval = .seconds(2)

    let store: IdeaStore
    private let logger: Logger
    private let prepare = DispatchQueue(label: "ideamesh.store.prepare")
    private let writer = DispatchQueue(label: "ideamesh.store.writer")
    private let readers = DispatchQueue(label: "ideamesh.store.read", attributes: .concurrent)
    private let onAdvance: @Sendable (VersionVector) -> Void
    /// Whether held-back ops that have come due are applied every `heldReleaseInterval`.
    private let releasingHeld = Mutex(false)
    static let heldReleaseInterval: DispatchTimeInterval = .seconds(1)

    private struct Pending: Sendable {
        var batches: [(Result<PreparedBatch, BatchRejection>, @Sendable (ApplyResult) -> Void)] = []
        var drainScheduled = false
        /// Remote ops applied since memory was last given back.
        var appliedSinceRelease = 0
        var releaseScheduled = false
        var indexBuildScheduled = false
        /// The ops the store should hold once a large history announced by a peer is all in.
        var expectedOps: Int?
    }
    private let pending = Mutex(Pending())

    init(store: IdeaStore, logger: Logger, onAdvance: @escaping @Sendable (VersionVector) -> Void) {
        self.store = store
        self.logger = logger
        self.onAdvance = onAdvance
    }

    /// Starts asking the store, every second, to apply the held-back ops that have come due
    /// (Protocol/README.md, "Clocks"); a store with none due answers from one indexed read.
    func startReleasingHeld() {
        releasingHeld.withLock { $0 = true }
        scheduleHeldRelease()
    }

    private func scheduleHeldRelease() {
        writer.asyncAfter(deadline: .now() + Self.heldReleaseInterval) { [weak self] in
            guard let self, releasingHeld.withLock({ $0 }) else { return }
            do { try store.releaseHeld() } catch {
                logger.error("store: cannot release held-back ops, will try again", metadata: ["error": "\(error)"])
            }
            scheduleHeldRelease()
        }
    }

    /// Applies a batch received from a peer; batches submitted in order are applied in order.
    func apply(_ batch: [SignedOp], completion: @escaping @Sendable (ApplyResult) -> Void) {
        prepare.async { [self] in
            let prepared = Result { () throws(BatchRejection) in try PreparedBatch(batch) }
            let schedule = pending.withLock { state -> Bool in
                state.batches.append((prepared, completion))
                defer { state.drainScheduled = true }
                return !state.drainScheduled
            }
            if schedule { writer.async { self.drain() } }
        }
    }

    /// Applies everything queued, a group at a time, until nothing is left.
    private func drain() {
        while true {
            let group = pending.withLock { state -> [(Result<PreparedBatch, BatchRejection>, @Sendable (ApplyResult) -> Void)] in
                var ops = 0, take = 0
                for (batch, _) in state.batches {
                    let count = (try? batch.get().count) ?? 0
                    if take > 0 && ops + count > Self.maxGroupOps { break }
                    ops += count
                    take += 1
                }
                let group = Array(state.batches.prefix(take))
                state.batches.removeFirst(take)
                if group.isEmpty { state.drainScheduled = false }
                return group
            }
            guard !group.isEmpty else {
                scheduleSearchIndexBuild()
                return scheduleRelease()
            }
            do {
                let results = try store.apply(prepared: group.map(\.0))
                var advanced = false
                let applied = results.reduce(0) { sum, result in sum + ((try? result.get().applied) ?? 0) }
                pending.withLock { $0.appliedSinceRelease += applied }
                for ((prepared, completion), result) in zip(group, results) {
                    switch (result, prepared) {
                    case (.success(let outcome), .success(let batch)):
                        if outcome.applied > 0 { advanced = true }
                        completion(.success(Applied(outcome: outcome, origin: batch.origin, lastSeq: batch.lastSeq)))
                    case (.success, .failure(let rejection)):
                        completion(.failure(.rejected(rejection)))  // not reached: a failed preparation fails
                    case (.failure(let rejection), _):
                        completion(.failure(.rejected(rejection)))
                    }
                }
                if advanced { publishVector() }
            } catch {
                logger.error("store: group commit failed, batches will be resent", metadata: ["error": "\(error)"])
                for (_, completion) in group { completion(.failure(.storeFailed("\(error)"))) }
            }
        }
    }

    /// A peer has `incoming` ops the store lacks: a large history for it waits to be indexed at the
    /// end (`IdeaStore.expectHistory`). The end: the store holds `total` ops (what it held plus
    /// what the peer said) and no batch has come for `searchIndexIdle`; or no batch has come for
    /// `searchIndexGiveUp` (the peer left, or sent less).
    func expectHistory(incoming: Int, total: Int) {
        writer.async { [self] in
            do {
                guard try store.expectHistory(incoming: incoming) else { return }
                pending.withLock { $0.expectedOps = max($0.expectedOps ?? 0, total) }
                scheduleSearchIndexBuild()
            } catch {
                logger.error("store: cannot record a large history coming", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Builds the search index a large history left waiting (`IdeaStore.buildDeferredSearchIndex`)
    /// once the writer has been idle `delay`: a catch-up keeps it busy. Before the store holds
    /// what a peer's Hello announced, a short pause (a busy sender, a checkpoint) is not the end:
    /// it waits `searchIndexGiveUp` more.
    private func scheduleSearchIndexBuild(after delay: DispatchTimeInterval = StoreWorker.searchIndexIdle) {
        guard !store.searchIndexReady else { return }
        let schedule = pending.withLock { state -> Bool in
            guard !state.indexBuildScheduled else { return false }
            state.indexBuildScheduled = true
            return true
        }
        guard schedule else { return }
        writer.asyncAfter(deadline: .now() + delay) { [self] in
            let (idle, expected) = pending.withLock { state -> (Bool, Int?) in
                state.indexBuildScheduled = false
                return (state.batches.isEmpty && !state.drainScheduled, state.expectedOps)
            }
            // Still busy: the drain that is running asks again when it ends.
            guard idle else { return }
            if let expected, delay != Self.searchIndexGiveUp,
               let held = try? store.versionVector().totalOps, Int(held) < expected {
                return scheduleSearchIndexBuild(after: Self.searchIndexGiveUp)
            }
            let watch = ContinuousClock.now
            do {
                let built = try store.buildDeferredSearchIndex()
                pending.withLock { $0.expectedOps = nil }
                if built {
                    logger.info("store: search index built after a large history", metadata: ["took": "\(ContinuousClock.now - watch)"])
                    // A large piece of work of its own: memory is given back after it too.
                    scheduleRelease(again: true)
                }
            } catch {
                logger.error("store: cannot build the search index, will try again", metadata: ["error": "\(error)"])
                scheduleSearchIndexBuild()
            }
        }
    }

    static let searchIndexGiveUp: DispatchTimeInterval = .seconds(10)
    static let searchIndexIdle: DispatchTimeInterval = .milliseconds(200)

    /// After a large piece of work, gives memory back once the store has been idle a while:
    /// SQLite's caches, then malloc's free pages. `again`: after a search index build, even
    /// when a release is already due (it may come before the build's WAL is checkpointed).
    private func scheduleRelease(again: Bool = false) {
        let schedule = pending.withLock { state -> Bool in
            guard again || (state.appliedSinceRelease >= Self.releaseAfterOps && !state.releaseScheduled) else { return false }
            state.releaseScheduled = true
            return true
        }
        guard schedule else { return }
        writer.asyncAfter(deadline: .now() + Self.idleRelease) { [self] in
            let idle = pending.withLock { state -> Bool in
                state.releaseScheduled = false
                guard state.batches.isEmpty && !state.drainScheduled else { return false }
                state.appliedSinceRelease = 0
                return true
            }
            // Still busy: the drain that is running will ask again when it ends.
            guard idle else { return }
            store.releaseMemory()
            MemoryTrim.trim()
            logger.debug("store: idle after a large apply; memory given back")
        }
    }

    /// One local op, durable before `completion` runs.
    func write(_ body: OpBody, author: String, completion: @escaping @Sendable (Result<SignedOp, any Error>) -> Void) {
        writer.async { [self] in
            let result = Result { try store.write(body, author: author) }
            if case .success = result { publishVector() }
            completion(result)
        }
    }

    /// Runs `body` on the writer queue, alone among writes (a batch of local writes, an admin's
    /// change to the store); the new version vector is published after it, whatever it did.
    func exclusive<T: Sendable>(_ body: @escaping @Sendable (IdeaStore) throws -> T, completion: @escaping @Sendable (Result<T, any Error>) -> Void) {
        writer.async { [self] in
            let result = Result { try body(store) }
            publishVector()
            completion(result)
        }
    }

    /// Runs a read off the loop.
    func read<T: Sendable>(_ body: @escaping @Sendable (IdeaStore) throws -> T, completion: @escaping @Sendable (Result<T, any Error>) -> Void) {
        readers.async { [store] in completion(Result { try body(store) }) }
    }

    /// Waits until every submitted batch and write has been committed (for shutdown).
    func drainAll() {
        releasingHeld.withLock { $0 = false }
        prepare.sync {}
        writer.sync {}
        // A drain scheduled by the last prepare may still be queued behind the first sync.
        writer.sync {}
    }

    private func publishVector() {
        do { onAdvance(try store.versionVector()) } catch {
            logger.error("store: cannot read the version vector", metadata: ["error": "\(error)"])
        }
    }
}
