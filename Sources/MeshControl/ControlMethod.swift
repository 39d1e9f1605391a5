/// One method of the control socket (Protocol/CONTROL.md), declared once for both sides: its
/// wire name, its parameters, its result, and who may call it. The daemon dispatches on it
/// (`MeshNode`'s method table), clients call it typed (`MeshClient.ControlConnection.call`).
///
/// Keys are snake_case on the wire and camelCase in Swift: `ControlCoding` converts them, the
/// same way on both sides.
public protocol ControlMethod: Sendable {
    associatedtype Params: ControlParams
    associatedtype Result: Codable & Sendable

    /// The `method` of a request, e.g. `idea.submit`.
    static var name: String { get }
    /// Who may call it; the daemon checks this before it looks at the parameters.
    static var access: ControlAccess { get }
}
