import Foundation
import MeshControl

/// Typed views of control replies (Protocol/CONTROL.md and its additions).
///
/// A reply's `result` arrives as a JSON object; `decode` reads it as one of the `Decodable`
/// types of this folder or of `MeshControl`. Keys are snake_case on the wire and camelCase here
/// (`ControlCoding`, as the daemon encodes them). Fields the contract says may be absent are optional;
/// fields a client does not know are ignored, as CONTROL.md §7 asks.
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

/// A string field that some daemons may send as a number or a boolean (register values in
/// `admin.conflicts`): read as text either way.
public struct LenientText: Decodable, Sendable, Hashable, CustomStringConvertible {
    public let text: String

    public init(_ text: String) { self.text = text }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            text = string
        } else if let bool = try? container.decode(Bool.self) {
            text = bool ? "true" : "false"
        } else if let int = try? container.decode(Int.self) {
            text = String(int)
        } else if let double = try? container.decode(Double.self) {
            text = String(double)
        } else if container.decodeNil() {
            text = ""
        } else if let list = try? container.decode([LenientText].self) {
            text = list.map(\.text).joined(separator: ", ")
        } else {
            throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath, debugDescription: "expected text"))
        }
    }

    public var description: String { text }
}
