import Foundation
import Hummingbird
import HummingbirdAuth
import HTTPTypes
import MeshControl
import NIOCore

/// What a page handler gets: the request, its context, and the signed-in session.
struct Visit {
    let request: Request
    let context: WebContext
    let session: WebSession
}

extension WebServer {
    /// Longest form body taken (a pasted report is far below it).
    static let maxFormBytes = 256 * 1024

    func addRoutes(to router: Router<WebContext>) {
        router.get("/static/site.css") { _, _ in Self.asset(Assets.css, type: "text/css; charset=utf-8") }
        router.get("/static/live.js") { _, _ in Self.asset(Assets.script, type: "text/javascript; charset=utf-8") }
        router.get("/healthz") { _, _ in Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n"))) }
        router.get("/signin") { [self] request, context in signInPage(request, context) }
        router.post("/signin") { [self] request, context in try await signIn(request, context) }
        router.post("/signout") { [self] request, context in try await page(request, context) { visit, _ in
            visit.context.sessions.clearSession()
            return Self.redirect("/signin?note=signed-out")
        } }
        router.get("/") { [self] request, context in try await page(request, context) { _, _ in Self.redirect("/ideas") } }
        router.get("/ideas") { [self] request, context in try await page(request, context) { visit, _ in try await ideasPage(visit) } }
        router.get("/ideas/new") { [self] request, context in try await page(request, context) { visit, _ in try await newIdeaPage(visit, form: Form(pairs: []), error: nil) } }
        router.post("/ideas") { [self] request, context in try await page(request, context) { visit, form in try await shareIdea(visit, form!) } }
        router.get("/ideas/:id") { [self] request, context in try await page(request, context) { visit, _ in try await ideaPage(visit, id: visit.context.parameters.get("id") ?? "") } }
        router.post("/ideas/:id/:action") { [self] request, context in try await page(request, context) { visit, form in
            try await ideaAction(visit, id: visit.context.parameters.get("id") ?? "", action: visit.context.parameters.get("action") ?? "", form: form!)
        } }
        router.get("/mine") { [self] request, context in try await page(request, context) { visit, _ in try await minePage(visit) } }
        router.get("/board") { [self] request, context in try await page(request, context) { visit, _ in try await boardPage(visit) } }
        router.get("/themes") { [self] request, context in try await page(request, context) { visit, _ in try await themesPage(visit, error: nil) } }
        router.post("/themes") { [self] request, context in try await page(request, context) { visit, form in try await defineTheme(visit, form!) } }
        router.get("/measures/:id") { [self] request, context in try await page(request, context) { visit, _ in try await measurePage(visit, id: visit.context.parameters.get("id") ?? "") } }
        router.get("/portfolio") { [self] request, context in try await page(request, context) { visit, _ in try await portfolioPage(visit) } }
        router.get("/admin") { [self] request, context in try await page(request, context) { visit, _ in try await adminPage(visit) } }
    }

    // MARK: Sessions and forms

    /// Runs `body` for a signed-in visitor; anyone else is sent to sign in and brought back. A
    /// POST must carry the session's CSRF token, else nothing is done. The session's expiry is
    /// pushed back on use (an idle timeout).
    func page(
        _ request: Request, _ context: WebContext, _ body: (Visit, Form?) async throws -> Response
    ) async throws -> Response {
        guard var session = context.sessions.session else {
            if request.method == .post { return Self.redirect("/signin?note=expired") }
            let path = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return Self.redirect("/signin?next=" + (path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
        }
        let now = Date().timeIntervalSince1970
        // Pushed back at most once a minute (or a third of a short timeout): each push is a write.
        // The pages' own refreshes (`X-Live`) do not count: a ward PC left on a live page must
        // still be signed out.
        if request.headers[Self.liveHeader] == nil, now - session.refreshed > min(60, Double(settings.sessionTimeoutSeconds) / 3) {
            session.refreshed = now
            _ = context.sessions.updateSession(session, expiresIn: .seconds(settings.sessionTimeoutSeconds))
        }
        let visit = Visit(request: request, context: context, session: session)
        var form: Form?
        if request.method == .post {
            let posted = try await Self.readForm(request)
            if case .tooLarge? = posted {
                return Self.html(Pages.problem(visit, title: "Too much text", message: "Nothing was saved: a form takes at most \(Self.maxFormBytes / 1024) KB."), status: .contentTooLarge)
            }
            guard case .form(let posted)? = posted, let token = posted["csrf"], Self.same(token, session.csrf) else {
                return Self.html(Pages.problem(
                    visit, title: "This form has expired",
                    message: "Nothing was changed. Go back, reload the page and try again."), status: .forbidden)
            }
            form = posted
        }
        do {
            return try await body(visit, form)
        } catch let error as WebCallError where error.code == .notFound {
            return Self.html(Pages.problem(visit, title: "Not found", message: error.message), status: .notFound)
        } catch let error as WebCallError {
            return Self.html(Pages.problem(visit, title: "That did not work", message: error.message), status: error.code == .forbidden ? .forbidden : .badRequest)
        }
    }

    enum Posted {
        case form(Form)
        case tooLarge
    }

    /// The posted form; nil when the body is not a form.
    static func readForm(_ request: Request) async throws -> Posted? {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("application/x-www-form-urlencoded") else { return nil }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: maxFormBytes) } catch { return .tooLarge }
        return .form(Form(String(buffer: buffer)))
    }

    /// Compares tokens in time independent of where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    // MARK: Sign-in

    static let signInCookie = "ideamesh_signin"

    func signInPage(_ request: Request, _ context: WebContext, error: String? = nil, user: String = "", status: HTTPResponse.Status = .ok) -> Response {
        if context.sessions.session != nil && error == nil { return Self.redirect(Self.localPath(request.uri.queryParameters.get("next"))) }
        let token = Self.token()
        let note: String? = switch request.uri.queryParameters.get("note") {
        case "expired"?: "Your session ended after \(settings.sessionTimeoutSeconds / 60) minutes without use. Sign in again."
        case "signed-out"?: "You are signed out."
        default: nil
        }
        var response = Self.html(Pages.signIn(
            token: token, next: Self.localPath(request.uri.queryParameters.get("next")), user: user, error: error, note: note), status: status)
        // Double-submit token: there is no session yet to hold one.
        response.setCookie(Cookie(name: Self.signInCookie, value: token, path: "/signin", secure: settings.tls != nil, sameSite: .strict))
        return response
    }

    func signIn(_ request: Request, _ context: WebContext) async throws -> Response {
        guard case .form(let form)? = try await Self.readForm(request), let token = form["csrf"], let cookie = request.cookies[Self.signInCookie]?.value,
              Self.same(token, cookie) else {
            return signInPage(request, context, error: "This form had expired. Nothing was sent; try again.", status: .forbidden)
        }
        let user = form["user"] ?? ""
        if let problem = WebCredentials.validUser(user) { return signInPage(request, context, error: problem, user: user, status: .badRequest) }
        let secret = form.pairs.first { $0.0 == "secret" }?.1 ?? ""
        let keys = ["user:" + user, "address:" + Self.clientAddress(request, context)]
        if let wait = await limiter.attempt(keys) {
            return signInPage(request, context, error: "Too many failed sign-ins. Try again in \(Self.minutes(wait)).", user: user, status: .tooManyRequests)
        }
        let credentials: WebCredentials
        do { credentials = try WebCredentials.load(path: settings.credentialsPath) } catch {
            logger.error("web: cannot read the sign-in file", metadata: ["error": "\(error)"])
            return signInPage(request, context, error: "Sign-in is not available: the department's sign-in file cannot be read. Tell your admin.", user: user, status: .serviceUnavailable)
        }
        let proof: WebCaller.Proof
        if let own = credentials.users[user] {
            guard let matches = await verifier.verify(secret, own) else { return busy(request, context, user: user) }
            guard matches else { return refused(request, context, user: user) }
            proof = .password
        } else if let passcode = credentials.passcode {
            guard let matches = await verifier.verify(secret, passcode) else { return busy(request, context, user: user) }
            guard matches else { return refused(request, context, user: user) }
            proof = .passcode
        } else {
            return signInPage(request, context, error: "No one can sign in yet: an admin must set the ward passcode first (ideameshd web-password --passcode).", user: user, status: .serviceUnavailable)
        }
        // Who this is here: the role decides the menu (the daemon decides each call).
        let caller = WebCaller(user: user, proof: proof)
        let role: String, name: String
        do throws(WebCallError) {
            let ping = try await backend.call(API.Ping.self, as: caller)
            let roles = try await backend.call(API.RolesList.self, .init(origin: ping.nodeId), as: caller)
            role = roles.roles.first { $0.login == user && $0.origin == ping.nodeId }?.role ?? "staff"
            let people = try await backend.call(API.PeopleList.self, as: caller)
            name = people.people.first { $0.login == user && $0.origin == ping.nodeId }?.name ?? user
        } catch {
            return signInPage(request, context, error: "Sign-in is not available just now: \(error.message)", user: user, status: .serviceUnavailable)
        }
        if proof == .passcode && role != "staff" {
            return signInPage(request, context, error: "\(user) is a \(role) here and signs in with their own password, not the ward passcode (an admin sets it with ideameshd web-password --user \(user)).", user: user, status: .forbidden)
        }
        await limiter.succeeded(keys)
        context.sessions.createSession(WebSession(
            user: user, name: name, proof: proof, role: role, csrf: Self.token(), refreshed: Date().timeIntervalSince1970),
            expiresIn: .seconds(settings.sessionTimeoutSeconds))
        logger.info("web: signed in", metadata: ["user": "\(user)", "with": "\(proof.rawValue)", "address": "\(context.remote)"])
        var response = Self.redirect(Self.localPath(form["next"]))
        response.setCookie(Cookie(name: Self.signInCookie, value: "", maxAge: 0, path: "/signin", secure: settings.tls != nil, sameSite: .strict))
        return response
    }

    /// Too many sign-ins being checked at once (bcrypt is slow on purpose): try again.
    private func busy(_ request: Request, _ context: WebContext, user: String) -> Response {
        var response = signInPage(request, context, error: "Too many people are signing in at once. Try again in a few seconds.", user: user, status: .serviceUnavailable)
        response.headers[.retryAfter] = "5"
        return response
    }

    /// The attempt was counted before the secret was checked (`SignInLimiter.attempt`).
    private func refused(_ request: Request, _ context: WebContext, user: String) -> Response {
        logger.notice("web: sign-in refused", metadata: ["user": "\(user)", "address": "\(context.remote)"])
        return signInPage(request, context, error: "That user name and passcode or password do not match.", user: user, status: .unauthorized)
    }

    /// Who is signing in, for the rate limit. The pages listen on loopback only, so a request
    /// comes from a browser on this machine or through a TLS proxy here, which names the real
    /// client in X-Forwarded-For (its last entry: the one the proxy added).
    static func clientAddress(_ request: Request, _ context: WebContext) -> String {
        guard let forwarded = request.headers[forwardedFor]?.split(separator: ",").last?.trimmingCharacters(in: .whitespaces),
              !forwarded.isEmpty else { return context.remote }
        return forwarded
    }

    static var forwardedFor: HTTPField.Name { HTTPField.Name("X-Forwarded-For")! }
    /// Sent by the pages' script with its background refreshes.
    static var liveHeader: HTTPField.Name { HTTPField.Name("X-Live")! }


    static func minutes(_ seconds: Int) -> String {
        seconds < 90 ? "\(seconds) seconds" : "\((seconds + 59) / 60) minutes"
    }

    /// A path on this site to go to after signing in; anything else (another site, a path a
    /// browser would read as one, such as "/\t/evil.example") is `/ideas`. Only the characters
    /// of this site's own paths and queries pass.
    static func localPath(_ text: String?) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_-.?=&%")
        guard let text, text.count <= 1000, text.hasPrefix("/"), !text.hasPrefix("//"), text.allSatisfy(allowed.contains),
              !text.hasPrefix("/signin") else { return "/ideas" }
        return text
    }

    // MARK: Responses

    static func html(_ page: HTML, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page.text)))
    }

    static func redirect(_ path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path])
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "max-age=3600"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
