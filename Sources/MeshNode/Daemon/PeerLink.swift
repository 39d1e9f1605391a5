import Logging
import MeshCRDT
import MeshNet
import MeshStore
import MeshWire

/// One peer connection: the socket, its `SecureChannel` (handshake, encryption, framing) and its
/// `SyncSession` (what to send and apply), wired together. Loop thread only.
///
/// Backpressure both ways: a batch is read from the store only when the socket's write queue is
/// below `writeHighWater` (and one read at a time); reading from the socket pauses while
/// `maxApplyInFlight` received batches wait for the store.
///
/// `@unchecked Sendable`: every property is used on the loop thread only. A link crosses to the
/// store's threads only inside completions that hand it straight back with `loop.execute`.
final class PeerLink: @unchecked Sendable {
    enum Direction: Equatable {
        case inbound
        case outbound(PeerAddress)
    }

    /// Counters for `admin peers`.
    struct Stats {
        var bytesIn = 0, bytesOut = 0
        var opsIn = 0, opsOut = 0
        var batchesRefused = 0
        var connectedMillis: UInt64
        var establishedMillis: UInt64?
        var lastSeenMillis: UInt64
        /// Handshake round trip: our handshake message to the peer's answer.
        var roundTripMillis: UInt64?
    }

    static let writeHighWater = 512 * 1024
    static let maxApplyInFlight = 64

    let id: Int
    let direction: Direction
    let connection: Connection
    let remote: String
    private(set) var channel: SecureChannel
    private(set) var session: SyncSession
    private(set) var stats: Stats
    private(set) var peer: NodeID?
    private(set) var peerDepartment = ""
    private(set) var isClosed = false
    private unowned let mesh: Mesh
    private var logger: Logger
    private var readInFlight = false
    private var applyInFlight = 0
    private var handshakeSentMillis: UInt64?
    /// `admin.verify`: who waits for which of our digest requests, and whether we are computing
    /// an answer to one of the peer's.
    private var digests = DigestExchange<(Result<PeerDigest, DigestFailure>) -> Void>()

    /// The peer's state digest and the version vector it covers (`admin.verify`).
    struct PeerDigest: Sendable {
        var digest: [UInt8]
        var vector: VersionVector
    }

    struct DigestFailure: Error {
        let reason: String
    }

    var isEstablished: Bool { channel.isEstablished && peer != nil }
    var isOutbound: Bool { direction != .inbound }

    init(id: Int, connection: Connection, direction: Direction, channel: SecureChannel, mesh: Mesh) {
        self.id = id
        self.connection = connection
        self.direction = direction
        self.channel = channel
        self.mesh = mesh
        self.session = SyncSession(config: mesh.settings.sync)
        let now = mesh.nowMillis()
        self.stats = Stats(connectedMillis: now, lastSeenMillis: now)
        switch direction {
        case .outbound(let address): remote = address.description
        case .inbound: remote = connection.remoteAddress?.description ?? connection.peerDescription
        }
        var logger = mesh.logger
        logger[metadataKey: "peer"] = "\(remote)"
        self.logger = logger
    }

    /// Wires the socket up and, when dialling, sends the first handshake message.
    func start() {
        mesh.loop.preconditionOnLoopThread()
        // Weak: the connection may outlive the link while it closes.
        connection.onRead = { [weak self] bytes in self?.received(bytes) }
        connection.onClose = { [weak self] error in
            self?.finish(reason: error.map { "connection failed: \($0)" } ?? "connection closed by peer")
        }
        connection.onWritable = { [weak self] in self?.pump() }
        if isOutbound {
            do {
                write(try channel.start())
                handshakeSentMillis = mesh.nowMillis()
            } catch {
                fail("handshake: \(error)")
            }
        }
    }

    // MARK: Input

    private func received(_ bytes: [UInt8]) {
        guard !isClosed else { return }
        stats.bytesIn += bytes.count
        let output: [UInt8], events: [SecureChannel.Event]
        do { (output, events) = try channel.receive(bytes) } catch {
            fail(isEstablished ? "\(error)" : "handshake refused: \(error)")
            return
        }
        if !isEstablished && !output.isEmpty && handshakeSentMillis == nil { handshakeSentMillis = mesh.nowMillis() }
        write(output)
        for event in events {
            guard !isClosed else { return }
            switch event {
            case .established(let node, let department):
                established(node, department)
            case .message(let message):
                stats.lastSeenMillis = mesh.nowMillis()
                mesh.heard(self)
                let awaitingHello = session.phase == .awaitingHello
                if case .unknown(let kind) = message {
                    logger.debug("skipped a message of a kind this version does not know", metadata: ["kind": "\(kind)"])
                }
                let actions = session.receive(message, nowMillis: mesh.nowMillis())
                if awaitingHello, let mismatch = session.versionMismatch {
                    // The session closes the link (a Goodbye naming both ranges): the admin sees
                    // which side is too old, not a link that never comes up.
                    logger.warning("peer speaks no protocol version in common with this node", metadata: [
                        "department": "\(peerDepartment)", "why": "\(mismatch)",
                    ])
                    mesh.versionMismatch(self, mismatch)
                }
                perform(actions)
                if session.phase == .syncing { digestMessage(message) }
                if awaitingHello && session.phase == .syncing {
                    // The peer's Hello: it accepted us (an initiator's handshake completes before
                    // the responder checks trust).
                    logger.info("peer connected", metadata: [
                        "department": "\(peerDepartment)", "direction": "\(isOutbound ? "out" : "in")",
                        "protocol": "\(session.negotiated?.protocolVersion ?? 0)", "op_format": "\(session.negotiated?.opFormat ?? 0)",
                    ])
                    mesh.helloReceived(self)
                    // What the peer holds that this node lacks: a new department's first catch-up
                    // builds its search index once at the end.
                    let lacking = mesh.localVector.missing(comparedTo: session.peer).reduce(0) { $0 + $1.range.count }
                    if lacking >= IdeaStore.largeHistoryOps {
                        mesh.worker.expectHistory(incoming: lacking, total: Int(mesh.localVector.totalOps) + lacking)
                    }
                    if let kind = mesh.settings.testUnknownKind, session.negotiated?.peerSkipsUnknownKinds == true { send(.unknown(kind: kind)) }
                }
            }
        }
        pump()
    }

    private func established(_ node: NodeID, _ department: String) {
        let now = mesh.nowMillis()
        peer = node
        peerDepartment = department
        stats.establishedMillis = now
        if let sent = handshakeSentMillis { stats.roundTripMillis = now - sent }
        logger[metadataKey: "node"] = "\(node.short)"
        logger.debug("handshake complete", metadata: ["department": "\(department)", "direction": "\(isOutbound ? "out" : "in")"])
        guard mesh.established(self) else { return }
        perform(session.start(local: mesh.localVector, department: mesh.settings.department, listenPort: mesh.listenPort, nowMillis: now))
    }

    private func perform(_ actions: [SyncSession.Action]) {
        for action in actions {
            guard !isClosed else { return }
            switch action {
            case .send(let message):
                send(message)
            case .sendOps(let origin, let from, let count):
                readAndSend(origin: origin, from: from, count: count)
            case .apply(let ops):
                apply(ops)
            case .close(let reason):
                close(reason: reason, sendGoodbye: false, failed: true)
            case .peerLeft(let reason):
                close(reason: reason, sendGoodbye: false)
            case .learnPeers(let peers):
                mesh.learn(peers, from: self)
            }
        }
    }

    // MARK: Applying what the peer sent

    private func apply(_ ops: [SignedOp]) {
        stats.opsIn += ops.count
        applyInFlight += 1
        if applyInFlight >= Self.maxApplyInFlight { connection.pauseReading() }
        let loop = mesh.loop
        mesh.worker.apply(ops) { [self] result in
            loop.execute { [self] in applyDone(result) }
        }
    }

    private func applyDone(_ result: StoreWorker.ApplyResult) {
        applyInFlight -= 1
        guard !isClosed else { return }
        if applyInFlight < Self.maxApplyInFlight / 2 && !connection.isReading { connection.resumeReading() }
        switch result {
        case .success(let applied):
            if let fork = applied.outcome.fork {
                logger.warning("fork quarantined; its origin is blocked until an admin resolves it (admin forks)",
                               metadata: ["origin": "\(fork.origin.short)", "seq": "\(fork.seq)"])
                // Show the peer our side, so that it finds the fork too; stream it nothing more of
                // that origin. The link stays up for the others.
                session.forkMet(origin: fork.origin, seq: fork.seq)
            } else {
                session.applied(origin: applied.origin, through: applied.lastSeq, local: mesh.localVector)
            }
        case .failure(.rejected(.originForked(let origin))):
            // Met on another link, or before a restart: this peer learns of it too (our op at
            // our head of that origin shows it the fork, if its history differs; a duplicate to
            // it otherwise).
            logger.debug("batch of a forked origin held back", metadata: ["origin": "\(origin.short)"])
            session.forkMet(origin: origin, seq: mesh.localVector[origin].seq)
        case .failure(.rejected(let rejection)):
            stats.batchesRefused += 1
            if case .gap = rejection {
                // The views of each other drifted (e.g. an earlier batch was refused): resync,
                // at most once a second (the session's throttle).
                let actions = session.rejected(resend: true, reason: "\(rejection)", local: mesh.localVector, nowMillis: mesh.nowMillis())
                if !actions.isEmpty { logger.debug("batch does not follow what we hold; sending Have", metadata: ["why": "\(rejection)"]) }
                perform(actions)
            } else {
                logger.warning("refused a batch from peer", metadata: ["why": "\(rejection)"])
                perform(session.rejected(resend: false, reason: "\(rejection)", local: mesh.localVector, nowMillis: mesh.nowMillis()))
            }
        case .failure(.storeFailed(let why)):
            // Our fault, not the peer's: ask it to resend from what we hold, at most once a
            // second (like a gap), so that a store that keeps failing (a full disk) is not
            // retried in a hot loop; the periodic Have also asks again.
            stats.batchesRefused += 1
            let actions = session.rejected(resend: true, reason: why, local: mesh.localVector, nowMillis: mesh.nowMillis())
            if !actions.isEmpty { logger.error("store failed applying a batch; asking the peer to resend", metadata: ["why": "\(why)"]) }
            perform(actions)
        }
        pump()
    }

    // MARK: Sending

    /// The store advanced: stream what the peer lacks.
    func localAdvanced(_ vector: VersionVector) {
        mesh.loop.preconditionOnLoopThread()
        guard !isClosed else { return }
        session.localAdvanced(vector)
        pump()
    }

    /// Asks the peer to resend from what this node holds: a full Have (e.g. after an admin
    /// resolved a fork here, the ops of that origin the peer sent meanwhile were dropped).
    func resync() {
        mesh.loop.preconditionOnLoopThread()
        guard !isClosed else { return }
        perform(session.resync())
    }

    /// An admin resolved the fork of `origin` here: stream its ops to the peer again.
    func forkResolved(origin: NodeID) {
        mesh.loop.preconditionOnLoopThread()
        guard !isClosed else { return }
        session.forkResolved(origin: origin)
        pump()
    }

    /// Sends the next batch the peer lacks, while the socket has room.
    func pump() {
        guard !isClosed, !readInFlight, session.phase == .syncing,
              connection.pendingWriteBytes < Self.writeHighWater,
              let action = session.nextBatch() else { return }
        perform([action])
    }

    private func readAndSend(origin: NodeID, from: UInt64, count: Int) {
        readInFlight = true
        let loop = mesh.loop
        mesh.worker.read({ store in try store.ops(of: origin, from: from, limit: count) }) { [self] result in
            loop.execute { [self] in readDone(result, origin: origin, from: from) }
        }
    }

    private func readDone(_ result: Result<[SignedOp], any Error>, origin: NodeID, from: UInt64) {
        readInFlight = false
        guard !isClosed else { return }
        switch result {
        case .success(var ops):
            // Ops of a format the peer does not speak stop that origin here (PROTOCOL.md §6).
            let format = session.negotiated?.opFormat ?? 1
            if let cut = ops.firstIndex(where: { $0.format > format }) {
                let seq = from + UInt64(cut)
                ops.removeSubrange(cut...)
                if session.opFormatTooNew(origin: origin, seq: seq) {
                    logger.warning("the peer speaks op formats up to \(format): ops of this origin from this seq on wait until it upgrades", metadata: [
                        "origin": "\(origin.short)", "seq": "\(seq)", "op_format": "\(SignedOp.formats.upperBound)",
                    ])
                }
            }
            if !ops.isEmpty {
                stats.opsOut += ops.count
                send(.batch(ops))
            }
            pump()
        case .failure(let error):
            logger.error("cannot read ops to send", metadata: ["error": "\(error)"])
            close(reason: "this node could not read its store", sendGoodbye: true, failed: true)
        }
    }

    func send(_ message: SyncMessage) {
        guard !isClosed, isEstablished else { return }
        do { write(try channel.send(message)) } catch {
            fail("cannot send: \(error)")
        }
    }

    private func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty, !isClosed else { return }
        stats.bytesOut += bytes.count
        connection.write(bytes)
    }

    // MARK: Verifying (admin.verify)

    /// Asks the peer for its state digest; `completion` runs on the loop with the answer, or a
    /// failure when the link closes first. Returns the request's token (see `forgetDigest`).
    @discardableResult
    func requestDigest(_ completion: @escaping (Result<PeerDigest, DigestFailure>) -> Void) -> UInt64 {
        mesh.loop.preconditionOnLoopThread()
        guard !isClosed, session.phase == .syncing else {
            completion(.failure(DigestFailure(reason: "not in sync with the peer")))
            return digests.refuse()
        }
        let (token, message) = digests.request(completion)
        send(message)
        return token
    }

    /// Stops waiting for a digest (the asker gave up).
    func forgetDigest(_ token: UInt64) {
        mesh.loop.preconditionOnLoopThread()
        digests.forget(token)
    }

    private func digestMessage(_ message: SyncMessage) {
        switch digests.receive(message) {
        case nil:
            break
        case .dropped:
            logger.debug("digest message dropped (a request while another is being answered, or a reply nobody waits for)")
        case .reply(let waiter, let digest, let vector):
            waiter(.success(PeerDigest(digest: digest, vector: vector)))
        case .answer(let token):
            let loop = mesh.loop
            mesh.worker.read({ store in try store.digestAndVector() }) { [self] result in
                loop.execute { [self] in
                    switch result {
                    case .success(let answer):
                        send(digests.answered(token: token, digest: answer.digest.bytes, vector: answer.vector))
                    case .failure(let error):
                        digests.answerFailed()
                        logger.error("cannot compute the state digest a peer asked for", metadata: ["error": "\(error)"])
                    }
                }
            }
        }
    }

    private func failDigestWaiters(_ reason: String) {
        for waiter in digests.close() { waiter(.failure(DigestFailure(reason: reason))) }
    }

    // MARK: Time

    /// The link's own timer (the mesh's `Membership` handles its timeouts): the session's
    /// periodic Have.
    func tick(nowMillis now: UInt64) {
        mesh.loop.preconditionOnLoopThread()
        guard !isClosed, isEstablished else { return }
        perform(session.tick(nowMillis: now))
        pump()
    }

    // MARK: Closing

    /// Closes on purpose: a Goodbye with the reason (once established), then the socket once
    /// what is queued has been written.
    /// `failed`: the peer broke the protocol or sent what this node refuses (its address then
    /// backs off as after a refused dial).
    func close(reason: String, sendGoodbye: Bool, failed: Bool = false) {
        mesh.loop.preconditionOnLoopThread()
        guard !isClosed else { return }
        if sendGoodbye && isEstablished && session.phase != .closed { send(.goodbye(reason: reason)) }
        logger.info("closing connection", metadata: ["reason": "\(reason)"])
        isClosed = true
        connection.pauseReading()
        let connection = connection
        connection.write([]) { _ in connection.close() }
        mesh.linkClosed(self, reason: reason, failed: failed)
        failDigestWaiters("connection closed: \(reason)")
    }

    /// Closes because the peer broke the protocol or the handshake failed: logged, nothing kept.
    func fail(_ reason: String) {
        guard !isClosed else { return }
        logger.warning("connection refused", metadata: ["reason": "\(reason)"])
        isClosed = true
        connection.close()
        mesh.linkClosed(self, reason: reason, failed: true)
        failDigestWaiters("connection refused: \(reason)")
    }

    /// The socket closed under us.
    private func finish(reason: String) {
        guard !isClosed else { return }
        logger.info("connection ended", metadata: ["reason": "\(reason)"])
        isClosed = true
        // Closed without a Goodbye: the peer crashed, or the network failed.
        mesh.linkClosed(self, reason: reason, failed: true)
        failDigestWaiters("connection ended: \(reason)")
    }
}
