import Foundation
import MeshCRDT
import MeshModel
import MeshStore
import MeshWire
import Testing

/// The sync state machine between real stores, over an in-memory wire that carries every
/// message through the real encoding (what the daemon's connections will do over TCP).
struct SyncSessionTests {
    let dir = TempDir()

    final class Node {
        let store: IdeaStore
        let identity: NodeIdentity
        let name: String
        init(_ name: String, dir: TempDir) throws {
            identity = NodeIdentity()
            store = try IdeaStore(path: dir.file("\(name).sqlite"), identity: identity)
            self.name = name
        }

        /// A node opened on an existing store file (a backup put back in place).
        init(_ name: String, path: String, identity: NodeIdentity) throws {
            self.identity = identity
            store = try IdeaStore(path: path, identity: identity)
            self.name = name
        }
    }

    /// One connection: a session at each end and the messages in flight each way.
    final class Link {
        let a: Node, b: Node
        // Refused batches are answered at once: no throttle on the resend Haves (the throttle has
        // its own test).
        var sa = SyncSession(config: .init(batchOps: 7, resendHaveIntervalMillis: 0))
        var sb = SyncSession(config: .init(batchOps: 7, resendHaveIntervalMillis: 0))
        var toA: [[UInt8]] = [], toB: [[UInt8]] = []
        var closed: String?
        var compressedBatches = 0
        var sentOrigins: [NodeID] = []   // origins of the batches a sent, in order
        var maxBatch = 0
        /// Every message sent, in order: who sent it, its kind (`kind(_:)`) and its encoded size.
        var log: [(from: String, kind: String, bytes: Int)] = []
        /// Batches `a` reads and then loses instead of sending (a dropped message).
        var dropBatchesFromA = 0

        init(_ a: Node, _ b: Node) throws {
            (self.a, self.b) = (a, b)
            try perform(sa.start(local: a.store.versionVector(), department: a.name, listenPort: 7400, nowMillis: 0), at: a, session: \.sa, to: \.toB)
            try perform(sb.start(local: b.store.versionVector(), department: b.name, listenPort: 0, nowMillis: 0), at: b, session: \.sb, to: \.toA)
        }

        func perform(_ actions: [SyncSession.Action], at node: Node, session: ReferenceWritableKeyPath<Link, SyncSession>,
                     to outbox: ReferenceWritableKeyPath<Link, [[UInt8]]>) throws {
            for action in actions {
                switch action {
                case .send(let message):
                    let bytes = message.encode()
                    log.append((node.name, Link.kind(message), bytes.count))
                    self[keyPath: outbox].append(bytes)
                case .sendOps(let origin, let from, let count):
                    let ops = try node.store.ops(of: origin, from: from, limit: count)
                    #expect(ops.count == count)
                    if node === a { sentOrigins.append(origin) }
                    maxBatch = max(maxBatch, ops.count)
                    let bytes = SyncMessage.batch(ops).encode()
                    if node === a && dropBatchesFromA > 0 {
                        dropBatchesFromA -= 1
                        log.append((node.name, "dropped batch", bytes.count))
                        continue
                    }
                    log.append((node.name, "batch", bytes.count))
                    if case .compressedBatch = try WireEnvelope(serializedBytes: bytes).message { compressedBatches += 1 }
                    self[keyPath: outbox].append(bytes)
                case .apply(let ops):
                    do {
                        let outcome = try node.store.apply(batch: ops)
                        let last = try ops[ops.count - 1].decode()
                        if let fork = outcome.fork {
                            self[keyPath: session].forkMet(origin: fork.origin, seq: fork.seq)
                        } else {
                            self[keyPath: session].applied(origin: last.origin, through: last.seq, local: try node.store.versionVector())
                        }
                    } catch BatchRejection.originForked(let origin) {
                        // As PeerLink does: held back, not the peer's fault; show it our head.
                        self[keyPath: session].forkMet(origin: origin, seq: try node.store.versionVector()[origin].seq)
                    } catch let rejection as BatchRejection {
                        var gap = false
                        if case .gap = rejection { gap = true }
                        try perform(self[keyPath: session].rejected(resend: gap, reason: "\(rejection)", local: node.store.versionVector(), nowMillis: 0),
                                    at: node, session: session, to: outbox)
                    }
                case .learnPeers:
                    break  // the adapter's business; these tests send no Peers
                case .close(let reason), .peerLeft(let reason):
                    closed = reason
                }
            }
        }

        static func kind(_ message: SyncMessage) -> String {
            switch message {
            case .hello: "hello"
            case .have(_, let wantFull): wantFull ? "full have, want full" : "full have"
            case .haveDigest: "digest have"
            case .batch: "batch"
            default: "other"
            }
        }

        /// The messages sent from `start` in the log on, as "sender: kind".
        func kinds(since start: Int) -> [String] {
            log[start...].map { "\($0.from): \($0.kind)" }
        }

        /// Time passed at one end (a's when `atA`): its periodic Have, if due.
        func tick(atA: Bool, nowMillis: UInt64) throws {
            if atA {
                try perform(sa.tick(nowMillis: nowMillis), at: a, session: \.sa, to: \.toB)
            } else {
                try perform(sb.tick(nowMillis: nowMillis), at: b, session: \.sb, to: \.toA)
            }
        }

        /// Steps until neither side has anything to do.
        func settle() throws {
            var steps = 0
            while try step() {
                steps += 1
                guard steps < 1000 else { Issue.record("no end in sight"); return }
            }
        }

        /// Delivers what is in flight and lets each side send one batch. False when idle.
        func step() throws -> Bool {
            var progress = false
            for (node, session, inbox, outbox) in [(a, \Link.sa, \Link.toA, \Link.toB), (b, \Link.sb, \Link.toB, \Link.toA)] {
                try self[keyPath: session].localAdvanced(node.store.versionVector())
                let messages = self[keyPath: inbox]
                self[keyPath: inbox] = []
                for bytes in messages {
                    progress = true
                    try perform(self[keyPath: session].receive(SyncMessage.decode(bytes), nowMillis: 0), at: node, session: session, to: outbox)
                }
                if let next = self[keyPath: session].nextBatch() {
                    progress = true
                    try perform([next], at: node, session: session, to: outbox)
                }
            }
            return progress
        }
    }

    func write(_ node: Node, ideas: Int) throws {
        for i in 0..<ideas {
            let idea = try node.store.write(.ideaCreate(IdeaContent(title: "\(node.name) \(i)", problem: "p", solution: "s")), author: "ann").decode().id
            try node.store.write(.support(idea: idea), author: "bob")
        }
    }

    @Test func twoNodesWithDifferentHistoriesConverge() throws {
        let a = try Node("a", dir: dir), b = try Node("b", dir: dir)
        try write(a, ideas: 30)
        try write(b, ideas: 12)
        let link = try Link(a, b)
        var steps = 0
        while try link.step() { steps += 1; #expect(steps < 1000) }
        #expect(link.closed == nil)
        #expect(try a.store.digest() == b.store.digest())
        #expect(try a.store.versionVector() == b.store.versionVector())
        #expect(link.maxBatch <= 7)
        #expect(link.sa.peerDepartment == "b")
        #expect(link.sa.peerListenPort == 0 && link.sb.peerListenPort == 7400)
        #expect(link.compressedBatches > 0)  // batches of 7 small ops already compress
    }

    /// A node restored from an old backup that wrote again before hearing from its peers: its
    /// new ops reuse seqs the peer holds with other content. Whichever side holds the longer
    /// branch, both find the fork (quarantined, the origin blocked), the link stays up, and
    /// every other origin still syncs.
    @Test(arguments: [false, true])
    func aForkIsFoundOnBothSidesOfALinkAndTheLinkStaysUp(restoredDials: Bool) throws {
        let a = try Node("a", dir: dir), b = try Node("b", dir: dir)
        try write(a, ideas: 2)                                   // a's seqs 1–4
        let backup = dir.file("a-backup.sqlite")
        _ = try a.store.backup(to: backup)
        try write(a, ideas: 2)                                   // a's seqs 5–8
        try write(b, ideas: 1)
        let first = try Link(a, b)
        try first.settle()
        #expect(try b.store.versionVector()[a.identity.nodeID].seq == 8)

        // a is restored from the backup (seq 4) and writes seq 5 again, differently.
        let restored = try Node("a", path: backup, identity: a.identity)
        try restored.store.write(.ideaCreate(IdeaContent(title: "after the restore", problem: "p", solution: "s")), author: "ann")
        try write(b, ideas: 1)                                   // something else to sync meanwhile
        let link = restoredDials ? try Link(restored, b) : try Link(b, restored)
        try link.settle()

        #expect(link.closed == nil, "the link stays up: \(link.closed ?? "")")
        for node in [restored, b] {
            let counts = try node.store.counts()
            #expect(counts.forkedOrigins == 1, "\(node === b ? "the peer" : "the restored node") blocks the origin")
            #expect(try node.store.quarantine().map(\.origin) == [a.identity.nodeID])
        }
        // b's own ops still reached the restored node.
        #expect(try restored.store.versionVector()[b.identity.nodeID] == b.store.versionVector()[b.identity.nodeID])
        // Nothing of either branch was dropped: b keeps a's first history, the restored node its write.
        #expect(try b.store.versionVector()[a.identity.nodeID].seq == 8)
        #expect(try restored.store.versionVector()[a.identity.nodeID].seq == 5)
    }

    @Test func originsTakeTurns() throws {
        // a holds three origins' histories; b holds nothing: a's first batches rotate over them.
        let a = try Node("a", dir: dir), x = try Node("x", dir: dir), y = try Node("y", dir: dir)
        try write(a, ideas: 20)
        try write(x, ideas: 20)
        try write(y, ideas: 20)
        try sync(from: x.store, to: a.store)
        try sync(from: y.store, to: a.store)
        let b = try Node("b", dir: dir)
        let link = try Link(a, b)
        while try link.step() {}
        let first = Array(link.sentOrigins.prefix(6))
        #expect(Set(first.prefix(3)).count == 3)
        #expect(first.prefix(3) == first.suffix(3))
        #expect(try a.store.digest() == b.store.digest())
    }

    @Test func aPartialMeshConvergesByRelaying() throws {
        // A – B – C: A and C never talk; what each writes reaches the other through B.
        let a = try Node("a", dir: dir), b = try Node("b", dir: dir), c = try Node("c", dir: dir)
        try write(a, ideas: 10)
        try write(c, ideas: 10)
        let ab = try Link(a, b), bc = try Link(b, c)
        for round in 0..<3 {
            if round == 1 { try write(a, ideas: 3); try write(b, ideas: 2) }  // written while linked
            var busy = true
            while busy {
                let left = try ab.step(), right = try bc.step()  // both, every time
                busy = left || right
            }
        }
        #expect(try a.store.digest() == c.store.digest())
        #expect(try b.store.digest() == c.store.digest())
    }

    @Test func aGapMakesTheReceiverResendItsVector() throws {
        let a = try Node("a", dir: dir), b = try Node("b", dir: dir)
        try write(a, ideas: 5)
        let link = try Link(a, b)
        while try link.step() {}
        // b loses track: pretend a sends from seq 5 on to a b that holds only 2 (a fresh b2).
        let b2 = try Node("b2", dir: dir)
        try b2.store.apply(batch: a.store.ops(of: a.identity.nodeID, from: 1, limit: 2))
        var session = SyncSession()
        _ = session.start(local: try b2.store.versionVector(), department: "b2", listenPort: 0, nowMillis: 0)
        _ = session.receive(.hello(version: 1, department: "a", listenPort: 0, vector: try a.store.versionVector()), nowMillis: 0)
        let actions = session.rejected(resend: true, reason: "gap", local: try b2.store.versionVector(), nowMillis: 10_000)
        #expect(actions == [.send(.have(try b2.store.versionVector()))])
        #expect(session.phase == .syncing)
        // Another gap within the second is not answered (a Have is on its way); one after it is.
        #expect(session.rejected(resend: true, reason: "gap", local: try b2.store.versionVector(), nowMillis: 10_999) == [])
        #expect(session.rejected(resend: true, reason: "gap", local: try b2.store.versionVector(), nowMillis: 11_000).count == 1)
    }

    @Test func protocolViolationsCloseWithAReason() {
        var session = SyncSession()
        _ = session.start(local: VersionVector(), department: "a", listenPort: 0, nowMillis: 0)
        #expect(session.receive(.have(VersionVector()), nowMillis: 0).contains(.close(reason: "expected Hello first")))
        var other = SyncSession()
        _ = other.start(local: VersionVector(), department: "a", listenPort: 0, nowMillis: 0)
        let actions = other.receive(.hello(version: 99, department: "z", listenPort: 0, vector: VersionVector()), nowMillis: 0)
        #expect(actions.first == .send(.goodbye(reason: "this node speaks protocol 1–2, peer speaks 99–99: upgrade this node")))
        #expect(other.phase == .closed)
        #expect(other.nextBatch() == nil)
    }

    @Test func helloSaysWhereEachSideListens() {
        var session = SyncSession()
        let hello = session.start(local: VersionVector(), department: "a", listenPort: 7400, nowMillis: 0)
        #expect(hello == [.send(.hello(version: SyncMessage.protocolVersion, department: "a", listenPort: 7400, vector: VersionVector(), maxVersion: 2, maxOpFormat: 2))])
        #expect(session.peerListenPort == 0)
        _ = session.receive(.hello(version: 1, department: "b", listenPort: 7401, vector: VersionVector()), nowMillis: 0)
        #expect(session.peerListenPort == 7401)
    }

    @Test func peersFromThePeerAreHandedToTheAdapter() {
        var session = SyncSession()
        _ = session.start(local: VersionVector(), department: "a", listenPort: 7400, nowMillis: 0)
        _ = session.receive(.hello(version: 1, department: "b", listenPort: 7401, vector: VersionVector()), nowMillis: 0)
        let list = [PeerInfo(nodeID: NodeIdentity().nodeID, address: "[fd00::7]:7400"), PeerInfo(nodeID: NodeIdentity().nodeID, address: "c:7400")]
        #expect(session.receive(.peers(list), nowMillis: 0) == [.learnPeers(list)])
        #expect(session.receive(.peers([]), nowMillis: 0) == [.learnPeers([])])
        #expect(session.phase == .syncing)
    }

    @Test func peersBeforeHelloClose() {
        var session = SyncSession()
        _ = session.start(local: VersionVector(), department: "a", listenPort: 7400, nowMillis: 0)
        let list = [PeerInfo(nodeID: NodeIdentity().nodeID, address: "c:7400")]
        #expect(session.receive(.peers(list), nowMillis: 0) == [.send(.goodbye(reason: "expected Hello first")), .close(reason: "expected Hello first")])
        #expect(session.phase == .closed)
        #expect(session.receive(.hello(version: 1, department: "b", listenPort: 7401, vector: VersionVector()), nowMillis: 0).isEmpty)
        #expect(session.peerListenPort == 0)
    }

    // MARK: Have rounds

    /// A vector of `origins` random origins, with head hashes (as a store reports it).
    static func vector(origins: Int, seed: UInt64) -> VersionVector {
        var rng = SplitMix64(seed: seed), vector = VersionVector()
        for _ in 0..<origins {
            let origin = NodeID(bytes: (0..<32).map { _ in UInt8(truncatingIfNeeded: rng.next()) })!
            vector[origin] = OriginHead(seq: 1_000_000_000 + UInt64(rng.below(1000)), hash: (0..<32).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
        }
        return vector
    }

    /// Two sessions that hold the same vector, past their Hellos (Haves due every second).
    static func inSyncPair(_ vector: VersionVector) throws -> (SyncSession, SyncSession) {
        var x = SyncSession(config: .init(haveIntervalMillis: 1000)), y = SyncSession(config: .init(haveIntervalMillis: 1000))
        let hx = x.start(local: vector, department: "x", listenPort: 0, nowMillis: 0)
        let hy = y.start(local: vector, department: "y", listenPort: 0, nowMillis: 0)
        guard case .send(let helloX) = hx.first, case .send(let helloY) = hy.first else { throw CancellationError() }
        #expect(x.receive(try SyncMessage.decode(helloY.encode()), nowMillis: 0).isEmpty)
        #expect(y.receive(try SyncMessage.decode(helloX.encode()), nowMillis: 0).isEmpty)
        return (x, y)
    }

    @Test(arguments: [1, 20, 500])
    func anInSyncRoundIsTwoDigestHavesOfConstantSize(origins: Int) throws {
        let vector = Self.vector(origins: origins, seed: UInt64(origins))
        var (x, y) = try Self.inSyncPair(vector)
        for round in 1...3 {
            let now = UInt64(round) * 1000
            let fromX = x.tick(nowMillis: now), fromY = y.tick(nowMillis: now)
            for (actions, toY) in [(fromX, true), (fromY, false)] {
                #expect(actions.count == 1)
                guard case .send(let message) = actions.first, case .haveDigest = message else {
                    Issue.record("not a digest Have: \(actions)")
                    continue
                }
                let bytes = message.encode()
                #expect(bytes.count <= 80)
                // On the wire: message length (4), one frame's length (2) and tag (16).
                let wire = bytes.count + 4 + 2 + 16
                #expect(wire == 58)
                if origins > 1 { #expect(Double(2 * wire) / Double(origins) <= 64) }
                // The receiver agrees: nothing to say back.
                let decoded = try SyncMessage.decode(bytes)
                let back = toY ? y.receive(decoded, nowMillis: now) : x.receive(decoded, nowMillis: now)
                #expect(back.isEmpty)
            }
        }
        // The full Have, for reference, grows with the origins (about 40 bytes each).
        #expect(SyncMessage.have(vector).encode().count >= 40 * origins)
    }

    /// PROTOCOL.md §6: an op of a format above the connection's is never sent. The link reports
    /// the first such op of an origin it meets; the session sends that origin's ops before it
    /// and nothing from it on, and goes on with the other origins.
    @Test func opsAboveTheAgreedFormatStopTheirOriginForThisPeer() {
        let first = NodeIdentity().nodeID, second = NodeIdentity().nodeID
        var ours = VersionVector()
        ours[first] = OriginHead(seq: 10, hash: [UInt8](repeating: 1, count: 32))
        ours[second] = OriginHead(seq: 3, hash: [UInt8](repeating: 2, count: 32))
        var session = SyncSession(config: .init(batchOps: 4))
        _ = session.start(local: ours, department: "a", listenPort: 0, nowMillis: 0)
        _ = session.receive(.hello(version: 1, department: "b", listenPort: 0, vector: VersionVector()), nowMillis: 0)
        #expect(session.negotiated?.opFormat == 1, "a Hello without max_op_format speaks format 1")
        var sent = [NodeID: [ClosedRange<UInt64>]]()
        while let action = session.nextBatch() {
            guard case .sendOps(let origin, let from, let count) = action else { Issue.record("\(action)"); return }
            // `first`'s op 6 is of format 2: the link sends 5 and reports 6.
            if origin == first, from + UInt64(count) > 6 {
                if from < 6 { sent[origin, default: []].append(from...5) }
                let news = session.opFormatTooNew(origin: first, seq: 6)
                #expect(news)
            } else {
                sent[origin, default: []].append(from...(from + UInt64(count) - 1))
            }
        }
        #expect(sent[first] == [1...4, 5...5])
        #expect(sent[second] == [1...3])
        #expect(session.formatLimited == [first: 6])
        let again = session.opFormatTooNew(origin: first, seq: 7)
        #expect(!again, "already known")
    }

    @Test func periodicHave() {
        var session = SyncSession(config: .init(haveIntervalMillis: 1000))
        _ = session.start(local: VersionVector(), department: "a", listenPort: 0, nowMillis: 0)
        _ = session.receive(.hello(version: 1, department: "b", listenPort: 0, vector: VersionVector()), nowMillis: 0)
        #expect(session.tick(nowMillis: 999).isEmpty)
        #expect(session.tick(nowMillis: 1000) == [.send(.haveDigest(SyncMessage.vectorDigest(VersionVector())))])
        #expect(session.tick(nowMillis: 1500).isEmpty)
    }

    @Test func aVectorThePeerDoesNotKnowGoesInFullOnceThenAsADigest() {
        // Ops learned from elsewhere that the peer already holds (so none are sent to it): the
        // peer does not know we hold them, so the next Have is full, and the one after a digest.
        let origin = NodeIdentity().nodeID
        var theirs = VersionVector()
        theirs[origin] = OriginHead(seq: 10, hash: [])
        var session = SyncSession(config: .init(haveIntervalMillis: 1000))
        _ = session.start(local: VersionVector(), department: "a", listenPort: 0, nowMillis: 0)
        _ = session.receive(.hello(version: 1, department: "b", listenPort: 0, vector: theirs), nowMillis: 0)
        var ours = VersionVector()
        ours[origin] = OriginHead(seq: 10, hash: [UInt8](repeating: 9, count: 32))
        session.localAdvanced(ours)
        #expect(session.nextBatch() == nil)
        #expect(session.tick(nowMillis: 1000) == [.send(.have(ours))])
        #expect(session.tick(nowMillis: 2000) == [.send(.haveDigest(SyncMessage.vectorDigest(ours)))])
    }

    @Test func aDigestThatDisagreesIsAnsweredWithAFullHaveAskingForOneBack() throws {
        let vector = Self.vector(origins: 5, seed: 3)
        let seqs = VersionVector(vector.heads.mapValues { OriginHead(seq: $0.seq, hash: []) })
        var (x, _) = try Self.inSyncPair(vector)
        var other = seqs
        other[vector.origins[0]] = OriginHead(seq: 1, hash: [])
        // Disagrees: our full vector, asking for theirs.
        #expect(x.receive(.haveDigest(SyncMessage.vectorDigest(other)), nowMillis: 0) == [.send(.have(vector, wantFull: true))])
        // Their full vector, asked for: taken, and answered by ours, asking nothing back.
        #expect(x.receive(.have(other, wantFull: true), nowMillis: 0) == [.send(.have(vector, wantFull: false))])
        #expect(x.peer == other)
        // A full Have not asked for: taken, not answered.
        #expect(x.receive(.have(seqs), nowMillis: 0).isEmpty)
        #expect(x.peer == seqs)
        // A digest that agrees (head hashes do not count): nothing.
        #expect(x.receive(.haveDigest(SyncMessage.vectorDigest(vector)), nowMillis: 0).isEmpty)
        #expect(x.phase == .syncing)
    }

    @Test func aDigestIsCheckedAgainstWhatWeBelieveThePeerHolds() throws {
        // x holds an origin y lacks and has not sent it yet: its own vector differs from y's, but
        // its view of y is exact, so y's digest needs no answer (the batch is on its way anyway).
        let shared = Self.vector(origins: 3, seed: 6)
        let extra = NodeIdentity().nodeID
        var ahead = shared
        ahead[extra] = OriginHead(seq: 4, hash: [UInt8](repeating: 4, count: 32))
        var x = SyncSession(config: .init(haveIntervalMillis: 1000)), y = SyncSession(config: .init(haveIntervalMillis: 1000))
        _ = x.start(local: ahead, department: "x", listenPort: 0, nowMillis: 0)
        _ = y.start(local: shared, department: "y", listenPort: 0, nowMillis: 0)
        _ = x.receive(.hello(version: 1, department: "y", listenPort: 0, vector: shared), nowMillis: 0)
        _ = y.receive(.hello(version: 1, department: "x", listenPort: 0, vector: ahead), nowMillis: 0)
        let tick = y.tick(nowMillis: 1000)
        #expect(tick == [.send(.haveDigest(SyncMessage.vectorDigest(shared)))])
        guard case .send(let digest) = tick.first else { return }
        #expect(x.receive(try SyncMessage.decode(digest.encode()), nowMillis: 1000).isEmpty)
        // A digest of x's own vector is not what x believes y holds: full Haves.
        #expect(x.receive(.haveDigest(SyncMessage.vectorDigest(ahead)), nowMillis: 1000) == [.send(.have(ahead, wantFull: true))])
        #expect(x.nextBatch() == .sendOps(origin: extra, from: 1, count: 4))
    }

    @Test func inSyncStoresExchangeOnlyDigestsRoundAfterRound() throws {
        let a = try Node("a", dir: dir), b = try Node("b", dir: dir)
        try write(a, ideas: 20)
        try write(b, ideas: 6)
        let link = try Link(a, b)
        try link.settle()
        #expect(try a.store.digest() == b.store.digest())
        // Both learned ops over the link (and told nothing since their Hellos): the peer's view
        // of each is nevertheless exact, so every periodic Have is a digest, and nothing follows.
        for round in 1...4 {
            let start = link.log.count
            try link.tick(atA: true, nowMillis: UInt64(round) * 30_000)
            try link.tick(atA: false, nowMillis: UInt64(round) * 30_000)
            try link.settle()
            #expect(link.kinds(since: start) == ["a: digest have", "b: digest have"])
            #expect(link.log[start...].allSatisfy { $0.bytes == 36 })
        }
        #expect(link.closed == nil)
    }

    /// a writes while linked and its batch to b is lost on the way: b's digest (or a's) no longer
    /// matches the other side's view, the full Haves that follow reset both views, and a resends.
    @Test(arguments: [false, true])
    func aDroppedBatchIsRepairedThroughTheDigest(tickAtA: Bool) throws {
        let a = try Node("a", dir: dir), b = try Node("b", dir: dir)
        try write(a, ideas: 10)
        try write(b, ideas: 4)
        let link = try Link(a, b)
        try link.settle()
        try write(a, ideas: 2)  // 4 ops: one batch of at most 7
        link.dropBatchesFromA = 1
        let start = link.log.count
        try link.settle()
        #expect(link.kinds(since: start) == ["a: dropped batch"])
        #expect(try a.store.versionVector().totalOps == b.store.versionVector().totalOps + 4)
        // a believes b holds it all; the next periodic Have at either end finds out.
        let repair = link.log.count
        try link.tick(atA: tickAtA, nowMillis: 30_000)
        try link.settle()
        let asked = tickAtA ? ["a: digest have", "b: full have, want full", "a: full have"]
                            : ["b: digest have", "a: full have, want full", "b: full have"]
        #expect(link.kinds(since: repair) == asked + ["a: batch"])
        #expect(try a.store.digest() == b.store.digest())
        #expect(try a.store.versionVector() == b.store.versionVector())
        // And back in sync: digests only.
        let after = link.log.count
        try link.tick(atA: true, nowMillis: 60_000)
        try link.tick(atA: false, nowMillis: 60_000)
        try link.settle()
        #expect(link.kinds(since: after) == ["a: digest have", "b: digest have"])
    }

    @Test func haveRoundsAreBoundedWhenBothSidesDisagreeAtOnce() throws {
        // Both ends tick while their views of each other are wrong: each digest starts one
        // exchange of at most two full Haves; then quiet, and in sync.
        let a = try Node("a", dir: dir), b = try Node("b", dir: dir)
        try write(a, ideas: 5)
        let link = try Link(a, b)
        try link.settle()
        try write(a, ideas: 1)
        link.dropBatchesFromA = 1
        try link.settle()
        let start = link.log.count
        try link.tick(atA: true, nowMillis: 30_000)
        try link.tick(atA: false, nowMillis: 30_000)
        try link.settle()
        let haves = link.log[start...].filter { $0.kind != "batch" }
        #expect(haves.count <= 6, "\(link.kinds(since: start))")
        #expect(try a.store.digest() == b.store.digest())
        let after = link.log.count
        for round in 2...5 {
            try link.tick(atA: true, nowMillis: UInt64(round) * 30_000)
            try link.tick(atA: false, nowMillis: UInt64(round) * 30_000)
        }
        try link.settle()
        #expect(link.log.count - after == 8)
        #expect(link.log[after...].allSatisfy { $0.kind == "digest have" })
    }

    @Test func malformedMessagesAreErrors() {
        #expect(throws: SyncDecodingError.self) { try SyncMessage.decode([0xFF, 0xFF]) }
        #expect(throws: SyncDecodingError.malformed("Envelope carries no message")) { try SyncMessage.decode([]) }
    }
}
