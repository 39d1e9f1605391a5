/// A method's parameters, with the set of keys it accepts on the wire (snake_case). The daemon
/// refuses any other key as `bad_request`: a typo is reported, not ignored.
public protocol ControlParams: Codable, Sendable {
    static var keys: Set<String> { get }
}
