import Dispatch
import Foundation
import Hummingbird
import HummingbirdAuth
import HTTPTypes
import Logging
import MeshControl
import NIOCore
import Synchronization

/// What a signed-in browser holds, server side (the cookie carries only a random id).
public struct WebSession: Codable, Sendable, Equatable {
    /// The login the department's roles and authorship name.
    public var user: String
    /// The name people see (`people.list`), or the login.
    public var name: String
    public var proof: WebCaller.Proof
    /// The role at sign-in, for the menu only: the daemon checks the role on every call.
    public var role: String
    /// The token every form of this session carries (CSRF).
    public var csrf: String
    /// When the expiry was last pushed back (idle timeout), seconds since 1970.
    public var refreshed: Double

    var caller: WebCaller { WebCaller(user: user, proof: proof) }
    var isLeader: Bool { role == "leader" || role == "admin" }
    var isAdmin: Bool { role == "admin" }
}

/// A request's context: Hummingbird's, the session, and the remote address (rate limits).
public struct WebContext: SessionRequestContext {
    public typealias Session = WebSession
    public var coreContext: CoreRequestContextStorage
    public let sessions: SessionContext<WebSession>
    public let remote: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        sessions = .init()
        remote = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}

/// Why the pages could not start.
public struct WebStartError: Error, CustomStringConvertible {
    public let description: String
}

/// The department's web pages (README "Web pages"), served by `ideameshd` on `[web] listen`
/// with Hummingbird. Every page reads and writes through `WebBackend` (the control methods);
/// the server adds sign-in, sessions, CSRF tokens, rate limits and the HTML.
public final class WebServer: Sendable {
    let settings: WebSettings
    let backend: any WebBackend
    let logger: Logger
    let limiter: SignInLimiter
    /// bcrypt, off the server's threads and at most two at once.
    let verifier = PasswordVerifier(concurrent: 2)
    private let task = Mutex<Task<Void, any Error>?>(nil)
    private let boundPort = Mutex<Int?>(nil)
    /// The ideas page's department filter (`departments`).
    let departmentsSeen = Mutex<(at: Date, list: [(String, String)])?>(nil)

    public init(settings: WebSettings, backend: any WebBackend, logger: Logger) {
        self.settings = settings
        self.backend = backend
        self.logger = logger
        self.limiter = SignInLimiter(attempts: settings.signInAttempts, windowSeconds: settings.signInWindowSeconds)
    }

    /// The port the pages are served on, once started (`[web] listen` may ask for port 0).
    public var port: Int? { boundPort.withLock { $0 } }

    /// Binds and starts serving; returns once the socket is bound, or throws why it could not be.
    public func start() throws(WebStartError) {
        if settings.tls != nil {
            throw WebStartError(description: "[web] tls_certificate and tls_key: this build serves the pages over plain HTTP only; bind [web] listen to 127.0.0.1 and put a TLS-terminating proxy in front for the LAN")
        }
        guard WebSettings.isLoopback(settings.host) else {
            throw WebStartError(description: "[web] listen \(settings.host):\(settings.port) is reachable from other machines, and this build cannot serve the pages over TLS: passwords and sessions would cross the network in clear. Bind it to 127.0.0.1 (the default) and put a TLS-terminating proxy (nginx, Caddy) in front")
        }
        let persist = MemoryPersistDriver()
        let router = makeRouter(persist: persist)
        let started = DispatchSemaphore(value: 0)
        let failure = Mutex<String?>(nil)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
            services: [persist],
            onServerRunning: { [self] channel in
                self.boundPort.withLock { $0 = channel.localAddress?.port }
                started.signal()
            },
            logger: logger)
        let logger = logger
        let running = Task {
            do {
                try await app.runService(gracefulShutdownSignals: [])
            } catch {
                failure.withLock { $0 = "\(error)" }
                logger.error("web pages stopped", metadata: ["error": "\(error)"])
                started.signal()
                throw error
            }
            started.signal()
        }
        task.withLock { $0 = running }
        guard started.wait(timeout: .now() + .seconds(30)) == .success else {
            running.cancel()
            throw WebStartError(description: "the web pages did not start within 30 s")
        }
        if port == nil {
            let reason = failure.withLock { $0 } ?? "unknown"
            throw WebStartError(description: "cannot serve the web pages on \(settings.host):\(settings.port): \(reason)")
        }
    }

    /// Stops serving (requests in flight are cut).
    public func stop() {
        guard let running = task.withLock({ $0 }) else { return }
        running.cancel()
        let done = DispatchSemaphore(value: 0)
        Task {
            _ = await running.result
            done.signal()
        }
        _ = done.wait(timeout: .now() + .seconds(5))
    }

    private func makeRouter(persist: MemoryPersistDriver<ContinuousClock>) -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        router.add(middleware: SecurityHeaders())
        router.add(middleware: SessionMiddleware(
            storage: persist,
            configuration: .init(
                // Lax: a link from an email opens the page signed in; every form carries a CSRF token.
                sessionCookieParameters: .init(name: "ideamesh_session", path: "/", secure: settings.tls != nil, sameSite: .lax),
                keyPrefix: "s.",
                defaultSessionExpiration: .seconds(settings.sessionTimeoutSeconds))))
        addRoutes(to: router)
        return router
    }
}

/// Headers on every response: no framing, no sniffing, no referrer, scripts and styles from this
/// server only, pages not cached (they show what changes).
struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    static var policy: String {
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

    static var referrerPolicy: HTTPField.Name { HTTPField.Name("Referrer-Policy")! }
    static var frameOptions: HTTPField.Name { HTTPField.Name("X-Frame-Options")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "no-referrer"
        response.headers[Self.frameOptions] = "DENY"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
