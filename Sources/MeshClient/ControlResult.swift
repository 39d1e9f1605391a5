import Foundation
import MeshControl

/// Reading control replies as `MeshControl`'s result types (Protocol/CONTROL.md).
///
/// A reply's `result` arrives as a JSON object; `decode` reads it as a `Decodable` type. Keys are
/// snake_case on the wire and camelCase in Swift (`ControlCoding`, as the daemon encodes them).
/// Fields the contract says may be absent are optional; fields a client does not know are
/// ignored, as CONTROL.md §7 asks.
public enum ControlResult {
    /// Decodes `result` (as `ControlConnection.call` returns it) as `T`; a reply of another shape
    /// is a `.protocolError` naming the field.
    public static func decode<T: Decodable>(_ type: T.Type, from result: [String: Any], method: String) throws(ControlClientError) -> T {
        let data: Data
        do { data = try JSONSerialization.data(withJSONObject: result) } catch {
            throw .protocolError("\(method): the result cannot be re-encoded: \(error)")
        }
        let decoder = ControlCoding.decoder()
        do { return try decoder.decode(T.self, from: data) } catch {
            throw .protocolError("\(method): \(describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let text = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "the result" : "\"\(text)\""
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            let parent = path(context)
            return "the reply lacks \"\(key.stringValue)\"\(parent == "the result" ? "" : " in \(parent)")"
        case .typeMismatch(let type, let context)?: return "\(path(context)) is not \(type)"
        case .valueNotFound(let type, let context)?: return "\(path(context)) is null, expected \(type)"
        case .dataCorrupted(let context)?: return "\(path(context)): \(context.debugDescription)"
        default: return "\(error)"
        }
    }
}
