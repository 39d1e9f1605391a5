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
    }

    /// One connection: a session at each end and the messages in flight each way.
    final class Link {
        let a: Node, b: Node
        var sa = SyncSession(config: .init(batchOps: 7)), sb = SyncSession(config: .init(batchOps: 7))
        var toA: [[UInt8]] = [], toB: [[UInt8]] = []
        var closed: String?
        var compressedBatches = 0
        var sentOrigins: [NodeID] = []   // origins of the batches a sent, in order
        var maxBatch = 0
        var haves = 0

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
                    if case .have = message { haves += 1 }
                    self[keyPath: outbox].append(message.encode())
                case .sendOps(let origin, let from, let count):
                    let ops = try node.store.ops(of: origin, from: from, limit: count)
                    #expect(ops.count == count)
                    if node === a { sentOrigins.append(origin) }
                    maxBatch = max(maxBatch, ops.count)
                    let bytes = SyncMessage.batch(ops).encode()
                    if case .compressedBatch = try WireEnvelope(serializedBytes: bytes).message { compressedBatches += 1 }
                    self[keyPath: outbox].append(bytes)
                case .apply(let ops):
                    do {
                        try node.store.apply(batch: ops)
                        let last = try ops[ops.count - 1].decode()
                        self[keyPath: session].applied(origin: last.origin, through: last.seq, local: try node.store.versionVector())
                    } catch let rejection as BatchRejection {
                        var gap = false
                        if case .gap = rejection { gap = true }
                        try perform(self[keyPath: session].rejected(gap: gap, reason: "\(rejection)", local: node.store.versionVector()),
                                    at: node, session: session, to: outbox)
                    }
                case .learnPeers:
                    break  // the adapter's business; these tests send no Peers
                case .close(let reason):
                    closed = reason
                }
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
        let actions = session.rejected(gap: true, reason: "gap", local: try b2.store.versionVector())
        #expect(actions == [.send(.have(try b2.store.versionVector()))])
        #expect(session.phase == .syncing)
    }

    @Test func protocolViolationsCloseWithAReason() {
        var session = SyncSession()
        _ = session.start(local: VersionVector(), department: "a", listenPort: 0, nowMillis: 0)
        #expect(session.receive(.have(VersionVector()), nowMillis: 0).contains(.close(reason: "expected Hello first")))
        var other = SyncSession()
        _ = other.start(local: VersionVector(), department: "a", listenPort: 0, nowMillis: 0)
        let actions = other.receive(.hello(version: 99, department: "z", listenPort: 0, vector: VersionVector()), nowMillis: 0)
        #expect(actions.first == .send(.goodbye(reason: "unsupported protocol version 99 (this node speaks 1)")))
        #expect(other.phase == .closed)
        #expect(other.nextBatch() == nil)
    }

    @Test func helloSaysWhereEachSideListens() {
        var session = SyncSession()
        let hello = session.start(local: VersionVector(), department: "a", listenPort: 7400, nowMillis: 0)
        #expect(hello == [.send(.hello(version: SyncMessage.protocolVersion, department: "a", listenPort: 7400, vector: VersionVector()))])
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

    @Test func anInSyncHaveRoundCostsAtMost64BytesPerOrigin() throws {
        var vector = VersionVector()
        var rng = SplitMix64(seed: 9)
        for _ in 0..<50 {
            let origin = NodeID(bytes: (0..<32).map { _ in UInt8(truncatingIfNeeded: rng.next()) })!
            vector[origin] = OriginHead(seq: 1_000_000_000 + UInt64(rng.below(1000)), hash: (0..<32).map { _ in 1 })
        }
        let message = SyncMessage.have(vector).encode()
        // On the wire: message length prefix (4), frame length prefix (2), AEAD tag (16).
        let perOrigin = Double(message.count + 4 + 2 + 16) / 50
        #expect(perOrigin <= 64)
        #expect(try SyncMessage.decode(message) == .have(VersionVector(vector.heads.mapValues { OriginHead(seq: $0.seq, hash: []) })))
        // And it does not grow with history: seq is the only number in it.
    }

    @Test func periodicHave() {
        var session = SyncSession(config: .init(haveIntervalMillis: 1000))
        _ = session.start(local: VersionVector(), department: "a", listenPort: 0, nowMillis: 0)
        _ = session.receive(.hello(version: 1, department: "b", listenPort: 0, vector: VersionVector()), nowMillis: 0)
        #expect(session.tick(nowMillis: 999).isEmpty)
        #expect(session.tick(nowMillis: 1000) == [.send(.have(VersionVector()))])
        #expect(session.tick(nowMillis: 1500).isEmpty)
    }

    @Test func malformedMessagesAreErrors() {
        #expect(throws: SyncDecodingError.self) { try SyncMessage.decode([0xFF, 0xFF]) }
        #expect(throws: SyncDecodingError.unknownMessage) { try SyncMessage.decode([]) }
    }
}
