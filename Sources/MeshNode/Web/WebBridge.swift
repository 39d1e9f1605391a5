import Foundation
import MeshControl
import MeshNet
import MeshWeb

/// The web pages' one way in (`WebBackend`): a control method answered by the daemon's
/// `ControlHandler` on its loop, exactly as a line from the control socket is, with the person
/// signed in as the caller (`LocalUser(web:)`). Params are decoded by the same code as a request
/// line's; the result comes back typed, without a trip through JSON.
final class WebBridge: WebBackend, @unchecked Sendable {
    private let loop: EventLoop
    /// Loop thread only.
    private let handler: ControlHandler

    init(loop: EventLoop, handler: ControlHandler) {
        self.loop = loop
        self.handler = handler
    }

    func call<M: ControlMethod>(_ method: M.Type, _ params: M.Params, as caller: WebCaller) async throws(WebCallError) -> M.Result {
        let request: ControlRequest
        do {
            let value = try JSONDecoder().decode(JSONValue.self, from: ControlCoding.encoder().encode(params))
            guard case .object(let object) = value else { throw WebCallError(code: .badRequest, message: "\(M.name): params are not an object") }
            request = ControlRequest(id: .null, method: M.name, params: object)
        } catch {
            throw WebCallError(code: .badRequest, message: "\(M.name): cannot encode the params: \(error)")
        }
        let user = LocalUser(web: caller)
        let handler = handler
        let outcome: Result<M.Result, WebCallError> = await withCheckedContinuation { continuation in
            let accepted = loop.execute {
                handler.handle(request, user: user) { reply in
                    continuation.resume(returning: Self.result(of: reply, M.self))
                }
            }
            if !accepted { continuation.resume(returning: .failure(WebCallError(code: .unavailable, message: "the daemon is stopping"))) }
        }
        return try outcome.get()
    }

    private static func result<M: ControlMethod>(of reply: ControlReply, _: M.Type) -> Result<M.Result, WebCallError> {
        switch reply.outcome {
        case .success(let value):
            guard let typed = value as? M.Result else {
                return .failure(WebCallError(code: .unavailable, message: "\(M.name) answered with \(type(of: value)), not \(M.Result.self)"))
            }
            return .success(typed)
        case .failure(let error):
            return .failure(WebCallError(code: error.code, message: error.message, findings: error.findings ?? []))
        }
    }
}
