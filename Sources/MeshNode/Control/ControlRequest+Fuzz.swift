import MeshControl

/// The control request parser as its fuzz target (Tests/Fuzz) and the regression tests that
/// replay the fuzz corpus (IdeameshdTests) see it: one request line in, what the daemon would
/// answer before dispatching it out, with no daemon. `package`: not part of the module's API.
package enum ControlRequestProbe {
    package struct Outcome: Sendable {
        /// The request's method, when the line parsed as a request.
        package var method: String?
        /// The error code when it was refused (CONTROL.md §3): by the parser, or because its
        /// params are not those of a method that takes none.
        package var errorCode: String?
        /// The reply line the daemon would send (newline included): the refusal, or for a parsed
        /// request a success that echoes its params (so the encoder sees every value parsed).
        package var reply: [UInt8]
    }

    package static func parse(_ line: [UInt8]) -> Outcome {
        switch ControlRequest.parse(line) {
        case .failure(let failure):
            return Outcome(method: nil, errorCode: failure.error.code.rawValue, reply: ControlReply.failure(id: failure.id, failure.error).line())
        case .success(let request):
            do throws(ControlError) {
                _ = try request.decode(NoParams.self)
                return Outcome(
                    method: request.method, errorCode: nil,
                    reply: ControlReply(id: request.id, outcome: .success(JSONValue.object(request.params))).line())
            } catch {
                return Outcome(method: request.method, errorCode: error.code.rawValue, reply: ControlReply.failure(id: request.id, error).line())
            }
        }
    }
}
