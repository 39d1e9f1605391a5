import Dispatch
import Synchronization

/// Checks secrets against bcrypt hashes off the server's threads, at most `concurrent` at once:
/// bcrypt is slow on purpose (about a quarter of a second at cost 12), so unbounded sign-ins
/// would take every core. Beyond the bound, `verify` answers nil at once (the caller says "busy").
public final class PasswordVerifier: Sendable {
    private let running = Mutex(0)
    private let limit: Int

    public init(concurrent: Int) {
        limit = concurrent
    }

    /// Whether `secret` matches `hash`; nil when too many checks are running.
    public func verify(_ secret: String, _ hash: String) async -> Bool? {
        let admitted = running.withLock { count -> Bool in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard admitted else { return nil }
        let matches = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: WebCredentials.verify(secret, hash: hash)) }
        }
        running.withLock { $0 -= 1 }
        return matches
    }
}
