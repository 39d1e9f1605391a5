import MeshCRDT

/// One peer connection's sync logic, as a pure state machine: events in, actions out. The
/// connection adapter performs the actions (sends bytes, reads ops from the store, applies
/// batches) and reports back. Time comes in as a parameter. See Protocol/PROTOCOL.md.
///
/// What it does: both sides send Hello with their version vector; each then streams what the
/// other lacks, per origin, in batches of at most `batchOps`, round-robin across origins, one
/// batch each time the adapter's socket can take more (`nextBatch`), so backpressure is the
/// socket's. Ops that arrive later (written here or learned from another peer) are streamed the
/// same way. A Have every `haveIntervalMillis` repairs anything missed: a digest Have (32 bytes,
/// whatever the number of origins) when the peer should already know this side's vector, else a
/// full one; a digest that disagrees with what the receiver believes is answered by a full Have
/// asking for a full Have back, so both views are exact again (PROTOCOL.md §4). Peers the other
/// side tells of are handed to the adapter (`learnPeers`); when to send Peers is the adapter's
/// choice.
///
/// Hellos say which protocol versions and op formats each side speaks; the session agrees on the
/// highest both speak (`negotiated`), or closes, saying which side is too old (`versionMismatch`).
/// Envelope kinds of newer versions arrive as `.unknown` and are skipped (PROTOCOL.md §6).
public struct SyncSession: Sendable {
    public struct Config: Sendable {
        public var batchOps: Int
        public var haveIntervalMillis: UInt64
        /// A batch that could not be applied for want of what came before it (a gap), or because
        /// the store failed, is answered by a Have at most this often.
        public var resendHaveIntervalMillis: UInt64
        /// What this node speaks, as its Hello says.
        public var versions: ProtocolVersions

        public init(
            batchOps: Int = 256, haveIntervalMillis: UInt64 = 30_000, resendHaveIntervalMillis: UInt64 = 1_000,
            versions: ProtocolVersions = .current
        ) {
            precondition(batchOps >= 1)
            self.batchOps = batchOps
            self.haveIntervalMillis = haveIntervalMillis
            self.resendHaveIntervalMillis = resendHaveIntervalMillis
            self.versions = versions
        }
    }

    public enum Action: Equatable, Sendable {
        case send(SyncMessage)
        /// Send the ops of `origin` from seq `from`, at most `count` of them, as one batch.
        case sendOps(origin: NodeID, from: UInt64, count: Int)
        /// Apply this batch to the store, then report `applied` or `rejected`.
        case apply([SignedOp])
        /// The peer told of these nodes and their addresses: the adapter may remember and dial them.
        case learnPeers([PeerInfo])
        /// Close the connection (after sending Goodbye with the reason, where possible): the peer
        /// broke the protocol, or sent what this node refuses. A failure: redial with backoff.
        case close(reason: String)
        /// The peer said Goodbye: close the connection (nothing more to send).
        case peerLeft(reason: String)
    }

    public enum Phase: Equatable, Sendable {
        case idle, awaitingHello, syncing, closed
    }

    public let config: Config
    public private(set) var phase = Phase.idle
    /// What this node holds, as last reported by the adapter.
    public private(set) var local = VersionVector()
    /// What the peer holds, as far as we know: its last vector, plus what we have sent it since.
    /// Only the seqs count here (a Have carries no head hashes).
    public private(set) var peer = VersionVector()
    /// What the peer believes this node holds, as far as we can tell: our last Hello or full Have,
    /// advanced by every batch we sent it and every batch it sent us (the peer advances its own
    /// view of us the same way). Seqs only. When it equals `local`, a periodic Have is a digest.
    public private(set) var told = VersionVector()
    public private(set) var peerDepartment = ""
    /// The port the peer accepts connections on, from its Hello; 0 when it accepts none.
    public private(set) var peerListenPort: UInt16 = 0
    /// What the peer speaks, from its Hello (nil before it).
    public private(set) var peerVersions: ProtocolVersions?
    /// What the two sides use, once the peer's Hello agreed with ours (nil before, or when it
    /// did not: see `versionMismatch`). Ops of a format above `opFormat` are not for this peer.
    public private(set) var negotiated: NegotiatedVersions?
    /// Envelopes of kinds this version does not know, skipped so far.
    public private(set) var skippedMessages = 0
    /// Origins in the order they take turns.
    private var rotation: [NodeID] = []
    private var turn = 0
    private var lastHaveMillis: UInt64 = 0
    /// When a refused batch was last answered by a Have (nil: never).
    private var lastResendHaveMillis: UInt64?
    /// Origins whose ops are not streamed to this peer: a fork of theirs was met on this link
    /// (until an admin resolves it, `forkResolved`).
    public private(set) var forked: Set<NodeID> = []
    /// Per origin, the first seq whose op is of a format above the one agreed with this peer:
    /// nothing of that origin from there on is sent on this connection (PROTOCOL.md §6).
    public private(set) var formatLimited: [NodeID: UInt64] = [:]
    /// Ops of ours to show the peer, one each, before any batch: our side of a fork it sent us,
    /// so that it finds the fork too (a fork is met from both sides of a link).
    private var evidence: [(origin: NodeID, seq: UInt64)] = []

    public init(config: Config = Config()) {
        self.config = config
    }

    /// The connection is up (handshake done): say Hello, with the port this node accepts
    /// connections on (0: none).
    public mutating func start(local: VersionVector, department: String, listenPort: UInt16, nowMillis: UInt64) -> [Action] {
        precondition(phase == .idle, "start once")
        self.local = local
        told = Self.seqs(local)
        phase = .awaitingHello
        lastHaveMillis = nowMillis
        let fields = config.versions.helloFields
        return [.send(.hello(
            version: fields.version, department: department, listenPort: listenPort, vector: local,
            maxVersion: fields.maxVersion, maxOpFormat: fields.maxOpFormat))]
    }

    /// Why the connection closed at the peer's Hello, when the two sides speak no protocol
    /// version in common (which of them is too old, and both ranges).
    public var versionMismatch: VersionMismatch? {
        guard negotiated == nil, let peerVersions else { return nil }
        return VersionMismatch(ours: config.versions, theirs: peerVersions)
    }

    public mutating func receive(_ message: SyncMessage, nowMillis: UInt64) -> [Action] {
        switch (phase, message) {
        case (.closed, _), (.idle, _):
            return []
        case (_, .unknown):
            // A kind of a newer version: whatever it is, it is not one this node must act on
            // (PROTOCOL.md §6: a sender sends a critical kind only where it was negotiated).
            skippedMessages += 1
            return []
        case (.awaitingHello, .hello(let version, let department, let listenPort, let vector, let maxVersion, let maxOpFormat)):
            guard let versions = ProtocolVersions(helloVersion: version, maxVersion: maxVersion, maxOpFormat: maxOpFormat) else {
                return close("Hello's protocol versions are not a range")
            }
            peerVersions = versions
            peerDepartment = department
            switch config.versions.negotiate(with: versions) {
            case .success(let agreed): negotiated = agreed
            case .failure(let mismatch): return close("\(mismatch)")
            }
            peer = vector
            peerListenPort = listenPort
            phase = .syncing
            return []
        case (.awaitingHello, _):
            return close("expected Hello first")
        case (.syncing, .hello):
            return close("Hello sent twice")
        case (.syncing, .have(let vector, let wantFull)):
            // Authoritative: resend from what the peer says it holds (duplicates are harmless).
            peer = vector
            // Asked for ours: a full Have that asks for nothing back, so the exchange ends here.
            return wantFull ? fullHave(wantFull: false) : []
        case (.syncing, .haveDigest(let digest)):
            // The peer's vector, hashed: does our view of it agree? If not, exchange full Haves
            // (ours asks for theirs), which makes both views exact.
            if digest == SyncMessage.vectorDigest(peer) { return [] }
            return fullHave(wantFull: true)
        case (.syncing, .batch(let ops)):
            return [.apply(ops)]
        case (.syncing, .peers(let list)):
            return [.learnPeers(list)]
        case (.syncing, .goodbye(let reason)):
            phase = .closed
            return [.peerLeft(reason: "peer said goodbye: \(reason)")]
        case (.syncing, .digestRequest), (.syncing, .digestReply):
            // The adapter's: answering needs the store, and the reply goes to whoever asked.
            return []
        }
    }

    /// The adapter applied a batch from this peer: the peer holds at least up to `seq` of `origin`.
    public mutating func applied(origin: NodeID, through seq: UInt64, local: VersionVector) {
        self.local = local
        if peer[origin].seq < seq { peer[origin] = OriginHead(seq: seq, hash: []) }
        // The peer sent it counting on our holding it: its view of us advanced too.
        if told[origin].seq < seq { told[origin] = OriginHead(seq: seq, hash: []) }
    }

    /// The adapter could not apply a batch from this peer. `resend`: our views of each other
    /// drifted (a gap: the batch does not follow what we hold), or our store failed; either way
    /// the peer is asked to resend from what we hold, with a full Have, at most once per
    /// `resendHaveIntervalMillis` (a store that keeps failing, a full disk, is not retried in a
    /// hot loop; the periodic Have asks again). Anything else is a misbehaving peer: closed.
    public mutating func rejected(resend: Bool, reason: String, local: VersionVector, nowMillis: UInt64) -> [Action] {
        self.local = local
        // A batch still being applied when the link closed: nothing more to say.
        guard phase == .syncing else { return [] }
        guard resend else { return close("refused a batch: \(reason)") }
        if let last = lastResendHaveMillis, nowMillis < last + config.resendHaveIntervalMillis { return [] }
        lastResendHaveMillis = nowMillis
        return fullHave(wantFull: false)
    }

    /// A batch from this peer showed a fork of `origin`: the peer holds a different op than ours
    /// at `seq` (or a history that parts from ours before it). Stops streaming that origin to
    /// the peer, and sends it our op at `seq` (once), so that it quarantines the fork as well,
    /// whichever side of the link holds the longer branch. The link stays up for every other
    /// origin.
    public mutating func forkMet(origin: NodeID, seq: UInt64) {
        guard forked.insert(origin).inserted, seq >= 1, local[origin].seq >= seq else { return }
        evidence.append((origin, seq))
    }

    /// An admin resolved the fork of `origin`: its ops are streamed again.
    public mutating func forkResolved(origin: NodeID) {
        forked.remove(origin)
        evidence.removeAll { $0.origin == origin }
    }

    /// This node's store advanced (a local write, or ops learned from another peer).
    public mutating func localAdvanced(_ vector: VersionVector) {
        local = vector
    }

    /// The socket can take more: the next batch to send, if the peer lacks anything. Takes the
    /// origins in turn, so one long history does not hold up the others.
    public mutating func nextBatch() -> Action? {
        guard phase == .syncing else { return nil }
        if !evidence.isEmpty {
            let (origin, seq) = evidence.removeFirst()
            return .sendOps(origin: origin, from: seq, count: 1)
        }
        let lacking = local.origins.filter { local[$0].seq > peer[$0].seq && !forked.contains($0) && !limited($0) }
        guard !lacking.isEmpty else { return nil }
        for origin in lacking where !rotation.contains(origin) { rotation.append(origin) }
        for step in 0..<rotation.count {
            let index = (turn + step) % rotation.count
            let origin = rotation[index]
            let have = local[origin].seq, sent = peer[origin].seq
            guard have > sent, !forked.contains(origin), !limited(origin) else { continue }
            let sendable = formatLimited[origin].map { min(have, $0 - 1) } ?? have
            let count = Int(min(UInt64(config.batchOps), sendable - sent))
            peer[origin] = OriginHead(seq: sent + UInt64(count), hash: [])  // optimistic: in flight
            // The peer will count on our holding these once it applies them.
            if told[origin].seq < sent + UInt64(count) { told[origin] = OriginHead(seq: sent + UInt64(count), hash: []) }
            turn = index + 1
            return .sendOps(origin: origin, from: sent + 1, count: count)
        }
        return nil
    }

    /// Whether every op of `origin` this peer could take has been sent.
    private func limited(_ origin: NodeID) -> Bool {
        formatLimited[origin].map { peer[origin].seq + 1 >= $0 } ?? false
    }

    /// The op at `seq` of `origin`, about to be sent, is of a format above `negotiated.opFormat`:
    /// the ops before it were sent, and nothing of that origin from it on will be on this
    /// connection. Returns whether this is news (the first such op met of that origin).
    @discardableResult
    public mutating func opFormatTooNew(origin: NodeID, seq: UInt64) -> Bool {
        let news = formatLimited[origin].map { seq < $0 } ?? true
        formatLimited[origin] = min(formatLimited[origin] ?? seq, seq)
        if peer[origin].seq >= seq { peer[origin] = OriginHead(seq: seq - 1, hash: []) }
        return news
    }

    /// Time passed: a periodic Have when due. A digest Have when the peer should already know
    /// our vector (`told` equals `local`), so that an in-sync round is two 32-byte digests;
    /// otherwise a full Have, which tells it outright.
    public mutating func tick(nowMillis: UInt64) -> [Action] {
        guard phase == .syncing, nowMillis >= lastHaveMillis + config.haveIntervalMillis else { return [] }
        lastHaveMillis = nowMillis
        if Self.sameSeqs(local, told) { return [.send(.haveDigest(SyncMessage.vectorDigest(local)))] }
        return fullHave(wantFull: false)
    }

    /// A full Have now (e.g. to make the peer resend after this node dropped ops it had sent).
    public mutating func resync() -> [Action] {
        guard phase == .syncing else { return [] }
        return fullHave(wantFull: false)
    }

    /// Our full vector, which the peer will take as what we hold.
    private mutating func fullHave(wantFull: Bool) -> [Action] {
        told = Self.seqs(local)
        return [.send(.have(local, wantFull: wantFull))]
    }

    /// `vector` without head hashes.
    private static func seqs(_ vector: VersionVector) -> VersionVector {
        VersionVector(vector.heads.mapValues { OriginHead(seq: $0.seq, hash: []) })
    }

    /// Whether `a` and `b` hold the same seq of every origin (head hashes aside).
    private static func sameSeqs(_ a: VersionVector, _ b: VersionVector) -> Bool {
        a.heads.count == b.heads.count && a.heads.allSatisfy { b[$0.key].seq == $0.value.seq }
    }

    private mutating func close(_ reason: String) -> [Action] {
        phase = .closed
        return [.send(.goodbye(reason: reason)), .close(reason: reason)]
    }
}
