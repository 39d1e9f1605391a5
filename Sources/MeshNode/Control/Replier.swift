import MeshControl

/// How a method's handler answers: its method's result, or a `ControlError`. Call it once.
struct Replier<R: Encodable & Sendable> {
    let send: ControlHandler.Reply

    func callAsFunction(_ outcome: Result<R, ControlError>) {
        send(outcome.map { $0 as any Encodable & Sendable })
    }
}
