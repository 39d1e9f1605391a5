import MeshWire

/// One simulated connection: the dialler is side 0, the node it dialled side 1. Each side runs a
/// real `SyncSession`; messages travel in order per direction (TCP), each after its own delay.
struct SimLink {
    enum Phase { case handshaking, established, closed }

    let id: Int
    /// [dialler, acceptor]
    let ends: [Int]
    var sessions: [SyncSession]
    var phase = Phase.handshaking
    /// Whether each side finished its handshake (the initiator finishes one message earlier).
    var established = [false, false]
    let openedMillis: UInt64
    /// Each side's id for it in its node's `Membership` (the acceptor's once it accepted).
    var member: [Int?] = [nil, nil]
    /// When the last message towards each side arrives: a later one may not arrive before it.
    var lastArrivalMillis: [UInt64] = [0, 0]

    init(id: Int, dialler: Int, acceptor: Int, member: Int, now: UInt64, session: SyncSession.Config) {
        self.id = id
        ends = [dialler, acceptor]
        sessions = [SyncSession(config: session), SyncSession(config: session)]
        openedMillis = now
        self.member = [member, nil]
    }

    func side(of node: Int) -> Int { ends[0] == node ? 0 : 1 }
}
