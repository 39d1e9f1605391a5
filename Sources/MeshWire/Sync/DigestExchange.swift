import MeshCRDT

/// The bookkeeping of one link's state-digest requests (`admin.verify`, PROTOCOL.md §3): the
/// tokens of our requests and who waits for each answer, and whether this node is computing an
/// answer to one of the peer's (one at a time; more are dropped). Pure: the adapter computes the
/// digest (it needs the store) and sends what this returns. `Waiter` is whatever the adapter
/// calls back with the answer.
public struct DigestExchange<Waiter> {
    private var waiters: [UInt64: Waiter] = [:]
    private var nextToken: UInt64 = 1
    /// Whether an answer to the peer's request is being computed.
    public private(set) var answering = false

    public init() {}

    /// What a message from the peer asks of the adapter.
    public enum Event {
        /// Compute the digest and vector, then call `answered` (or `answerFailed`).
        case answer(token: UInt64)
        /// The answer to our request `token`: hand it to the waiter.
        case reply(Waiter, digest: [UInt8], vector: VersionVector)
        /// A request while another is being answered (dropped), or a reply nobody waits for.
        case dropped
    }

    /// A request of ours: the token, and the message to send. `waiter` waits for the reply until
    /// it comes, `forget` or `close`.
    public mutating func request(_ waiter: Waiter) -> (token: UInt64, message: SyncMessage) {
        let token = nextToken
        nextToken += 1
        waiters[token] = waiter
        return (token, .digestRequest(token: token))
    }

    /// A token that will never be answered (the request could not be sent).
    public mutating func refuse() -> UInt64 {
        defer { nextToken += 1 }
        return nextToken
    }

    /// Stops waiting for a reply (the asker gave up).
    public mutating func forget(_ token: UInt64) {
        waiters[token] = nil
    }

    /// A digest message from the peer; nil for any other message.
    public mutating func receive(_ message: SyncMessage) -> Event? {
        switch message {
        case .digestRequest(let token):
            guard !answering else { return .dropped }
            answering = true
            return .answer(token: token)
        case .digestReply(let token, let digest, let vector):
            guard let waiter = waiters.removeValue(forKey: token) else { return .dropped }
            return .reply(waiter, digest: digest, vector: vector)
        default:
            return nil
        }
    }

    /// The answer to the peer's request `token` is ready: the reply to send.
    public mutating func answered(token: UInt64, digest: [UInt8], vector: VersionVector) -> SyncMessage {
        answering = false
        return .digestReply(token: token, digest: digest, vector: vector)
    }

    /// The answer could not be computed; the next request will be answered.
    public mutating func answerFailed() {
        answering = false
    }

    /// The link closed: every waiter, to be told so.
    public mutating func close() -> [Waiter] {
        defer { waiters = [:] }
        return Array(waiters.values)
    }
}

extension DigestExchange: Sendable where Waiter: Sendable {}
