import Dispatch
import Foundation
import Logging
import MeshCRDT
import MeshNet
import MeshStore
import MeshWeb
import MeshWire
import Synchronization

/// `ideameshd run`: one department's node. Opens the data dir (locked against a second daemon),
/// the store and the network key; runs the mesh and the control socket on one libuv loop and the
/// store's work on its own threads; stops gracefully on SIGTERM or SIGINT and reloads the trust
/// list (and admin users) on SIGHUP.
///
/// Threads: the caller's thread only waits (`run` blocks until the daemon stops); the loop thread
/// owns every socket, link and the control server; `StoreWorker`'s queues own SQLite.
public final class Daemon: @unchecked Sendable {
    public let configPath: String
    private let logger: Logger
    private let loop: EventLoop
    private let stopRequested = DispatchSemaphore(value: 0)
    // Set during `run`, then touched on the loop thread only.
    private var mesh: Mesh?
    private var control: ControlServer?
    private var handler: ControlHandler?
    private var web: WebServer?
    private var signals: [SignalWatcher] = []

    public init(configPath: String, logger: Logger) {
        self.configPath = configPath
        self.logger = logger
        self.loop = EventLoop(logger: logger)
    }

    /// Runs until SIGTERM/SIGINT. Throws when the node cannot start (nothing is changed then).
    public func run() throws(DaemonError) {
        // A peer that vanishes mid-write must cost a write error, not the process.
        signal(SIGPIPE, SIG_IGN)
        // A blocked mask survives exec (a parent that started us from a thread with signals
        // blocked): unblock the ones we answer, or SIGTERM and SIGHUP would never arrive.
        var answered = sigset_t()
        sigemptyset(&answered)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&answered, signal) }
        pthread_sigmask(SIG_UNBLOCK, &answered, nil)
        let config: NodeConfig
        do { config = try NodeConfig.load(path: configPath) } catch { throw .config(error) }
        let switches = try TestSwitches(environment: ProcessInfo.processInfo.environment)
        let dataDir = DataDirectory(path: config.dataDirectory)
        let identity: NodeIdentity
        do { identity = try dataDir.loadIdentity() } catch { throw .dataDirectory(error) }
        let lock = try DataDirLock.acquire(directory: dataDir.url.path)
        defer { lock.release() }
        let networkKey: NetworkKey
        do { networkKey = try NetworkKey.load(path: config.networkKeyFile) } catch { throw .networkKey(path: config.networkKeyFile, error) }
        // TEST ONLY (see `TestBodyKind`): stands in for a version that knows one more body kind.
        // Read once, before the store opens (which applies the ops it can now read).
        if ProcessInfo.processInfo.environment[TestBodyKind.environmentVariable] == "1" {
            TestBodyKind.setKnown(true)
            logger.warning("TEST ONLY: \(TestBodyKind.environmentVariable)=1: ops of the test body kind (field \(TestBodyKind.fieldNumber)) read as comments")
        }
        let store: IdeaStore
        let vector: VersionVector
        let writePause: WritePause?
        do {
            store = try IdeaStore(
                path: dataDir.storePath, identity: identity, logger: logger,
                maxClockAheadMillis: UInt64(config.maxClockAheadSeconds) * 1000,
                opFormat: min(config.opFormat, switches.versions?.maxOpFormat ?? ProtocolVersions.current.maxOpFormat))
            vector = try store.versionVector()
            writePause = try store.writePause()
            // Held-back ops the clock has caught up with while the daemon was down take effect
            // before anything else (then every second: StoreWorker).
            try store.releaseHeld()
        } catch {
            throw .store(path: dataDir.storePath, underlying: error)
        }
        logger.info("starting", metadata: [
            "node": "\(identity.nodeID.base32)", "department": "\(config.department)",
            "ops": "\(vector.totalOps)", "origins": "\(vector.origins.count)", "data": "\(dataDir.url.path)",
        ])
        if let writePause {
            logger.warning("local writes are paused until a peer has told this node how far its own history goes", metadata: [
                "cause": "\(writePause.cause.rawValue)", "detail": "\(writePause.detail)", "waiting_for_seq": "\(writePause.peerHolds)",
            ])
        }

        let worker = StoreWorker(store: store, logger: logger) { [weak self] vector in
            guard let self else { return }
            loop.execute { self.mesh?.localAdvanced(vector) }
        }
        worker.startReleasingHeld()
        let trustFile = TrustFile(dataDirectory: config.dataDirectory)
        let adminTrusted: [NodeID]
        do { adminTrusted = try trustFile.load() } catch { throw .config(error) }
        let trust = TrustList(config: config.trustedNodes, admin: adminTrusted)
        if config.trustedNodes.isEmpty && adminTrusted.isEmpty {
            logger.warning("the trust list is empty: no peer can connect ([trust] nodes in \(configPath))")
        }
        var settings = Mesh.Settings(
            identity: identity, networkKey: networkKey.bytes, department: config.department,
            listen: config.listen, seeds: config.seeds, maxConnections: config.maxConnections,
            rotateIntervalMillis: UInt64(config.rotateIntervalSeconds) * 1_000)
        if let versions = switches.versions {
            settings.sync.versions = versions
            logger.warning("test switch: this node speaks protocol \(versions), not this build's \(ProtocolVersions.current)")
        }
        settings.testUnknownKind = switches.unknownKind
        let meshSettings = settings

        let access = try ControlSocketAccess(path: config.controlSocket, staffGroup: config.staffGroup, configFile: configPath)
        do throws(NetError) { try loop.start() } catch { throw .network(what: "cannot start the event loop", underlying: error) }
        let started: Result<Void, DaemonError> = onLoop { [self] () -> Result<Void, DaemonError> in
            let mesh = Mesh(
                settings: meshSettings, loop: loop, worker: worker, trust: trust, localVector: vector, writePause: writePause,
                logger: logger)
            let handler = ControlHandler(
                loop: loop, worker: worker, mesh: mesh, trustFile: trustFile,
                adminPolicy: AdminPolicy(users: Set(config.adminUsers), groups: Set(config.adminGroups)), logger: logger,
                webCredentialsPath: config.web?.credentialsPath)
            let control = ControlServer(access: access, loop: loop, handler: handler, logger: logger)
            self.mesh = mesh
            self.handler = handler
            self.control = control
            do throws(DaemonError) { try control.start() } catch { return .failure(error) }
            do throws(NetError) {
                try mesh.start()
                for signal in [SIGTERM, SIGINT] {
                    signals.append(try SignalWatcher.watch(signal, on: loop) { [weak self] in
                        self?.logger.info("signal \(signal == SIGTERM ? "SIGTERM" : "SIGINT"): shutting down")
                        self?.stopRequested.signal()
                    })
                }
                signals.append(try SignalWatcher.watch(SIGHUP, on: loop) { [weak self] in self?.reload() })
                return .success(())
            } catch {
                return .failure(.network(what: "cannot start the mesh", underlying: error))
            }
        }
        if case .failure(let error) = started {
            stop(worker: worker, store: store, socket: config.controlSocket)
            throw error
        }
        if let settings = config.web, let handler = onLoop({ [self] in handler.map { UncheckedBox($0) } }) {
            let server = WebServer(settings: settings, backend: WebBridge(loop: loop, handler: handler.value), logger: logger)
            do throws(WebStartError) { try server.start() } catch {
                stop(worker: worker, store: store, socket: config.controlSocket)
                throw .web(error.description)
            }
            web = server
            logger.info("web pages ready", metadata: ["url": "\(settings.url)"])
        }
        logger.info("running", metadata: ["control": "\(config.controlSocket)"])
        stopRequested.wait()
        stop(worker: worker, store: store, socket: config.controlSocket)
        logger.info("stopped")
    }

    /// Asks a running daemon to stop, as SIGTERM does (for tests and embedding).
    public func requestStop() {
        stopRequested.signal()
    }

    /// Goodbye to peers, close the control socket, finish the store's queued work, checkpoint.
    private func stop(worker: StoreWorker, store: IdeaStore, socket: String) {
        web?.stop()
        web = nil
        let done = DispatchSemaphore(value: 0)
        let handedOver = loop.execute { [self] in
            control?.stop()
            for watcher in signals { watcher.cancel() }
            signals = []
            if let mesh { mesh.stop { done.signal() } } else { done.signal() }
        }
        if handedOver { _ = done.wait(timeout: .now() + .seconds(5)) }
        loop.shutdown()
        worker.drainAll()
        do { try store.checkpoint() } catch { logger.warning("final checkpoint failed", metadata: ["error": "\(error)"]) }
        var info = stat()
        if lstat(socket, &info) == 0 && (info.st_mode & S_IFMT) == S_IFSOCK { unlink(socket) }
    }

    /// SIGHUP: re-read the config; apply the trust list and the admin users and groups.
    private func reload() {
        let config: NodeConfig
        do { config = try NodeConfig.load(path: configPath) } catch {
            logger.error("SIGHUP: config not reloaded, keeping the current trust list", metadata: ["error": "\(error)"])
            return
        }
        guard let mesh, let handler else { return }
        let adminTrusted: [NodeID]
        do { adminTrusted = try handler.trustFile.load() } catch {
            logger.error("SIGHUP: trust file not reloaded, keeping the current trust list", metadata: ["error": "\(error)"])
            return
        }
        let removed = mesh.trust.replace(config: config.trustedNodes, admin: adminTrusted)
        handler.adminPolicy = AdminPolicy(users: Set(config.adminUsers), groups: Set(config.adminGroups))
        mesh.trustChanged(removed: removed)
        logger.info("SIGHUP: trust list reloaded", metadata: [
            "nodes": "\(mesh.trust.all.count)", "config": "\(config.trustedNodes.count)", "admin": "\(adminTrusted.count)",
            "removed": "\(removed.count)",
        ])
        if config.listen != mesh.settings.listen || config.seeds != mesh.settings.seeds
            || config.maxConnections != mesh.settings.maxConnections || config.department != mesh.settings.department
            || UInt64(config.rotateIntervalSeconds) * 1_000 != mesh.settings.rotateIntervalMillis
            || UInt64(config.maxClockAheadSeconds) * 1_000 != handler.worker.store.maxClockAheadMillis {
            logger.notice("SIGHUP reloads only [trust] and the admin users and groups; restart the daemon for other changes")
        }
    }

    /// Runs `body` on the loop thread and waits for its result.
    private func onLoop<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let box = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        let accepted = loop.execute {
            let value = body()
            box.withLock { $0 = value }
            done.signal()
        }
        precondition(accepted, "the event loop is not running")
        done.wait()
        return box.withLock { $0! }
    }
}

/// Carries a loop-thread object off the loop, for a caller that only hands it back to code that
/// runs on the loop (the web pages' `WebBridge`).
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
