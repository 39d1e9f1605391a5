import MeshControl

/// A request line refused before it could be dispatched, with the `id` it echoes (`null` when
/// none could be read).
struct ControlFailure: Error, Sendable {
    let id: JSONValue
    let error: ControlError
}
