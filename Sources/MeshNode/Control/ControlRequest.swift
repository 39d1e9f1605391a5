import Foundation
import MeshControl

/// A control request line (Protocol/CONTROL.md): `{"id": …, "method": "…", "params": {…}}`.
struct ControlRequest: Sendable {
    var id: JSONValue
    var method: String
    var params: [String: JSONValue]

    /// Parses one line. A line that is not a JSON object with a string `method` is refused with
    /// the request's `id` when one could be read.
    static func parse(_ line: [UInt8]) -> Result<ControlRequest, ControlFailure> {
        guard String(validating: line, as: UTF8.self) != nil else {
            return .failure(ControlFailure(id: .null, error: ControlError(.badRequest, "the request is not UTF-8 text (requests are UTF-8 JSON)")))
        }
        let value: JSONValue
        do { value = try JSONDecoder().decode(JSONValue.self, from: Data(line)) } catch {
            return .failure(ControlFailure(id: .null, error: ControlError(.badRequest, "not valid JSON: \(Self.describe(error))")))
        }
        guard case .object(let object) = value else {
            return .failure(ControlFailure(id: .null, error: ControlError(.badRequest, "a request must be a JSON object")))
        }
        let id = object["id"] ?? .null
        switch id {
        case .null, .string, .number: break
        default: return .failure(ControlFailure(id: .null, error: ControlError(.badRequest, "\"id\" must be a string or a number")))
        }
        for key in object.keys where !["id", "method", "params"].contains(key) {
            return .failure(ControlFailure(id: id, error: ControlError(.badRequest, "unknown key \"\(key)\" (a request has id, method, params)")))
        }
        guard case .string(let method)? = object["method"] else {
            return .failure(ControlFailure(id: id, error: ControlError(.badRequest, "\"method\" must be a string")))
        }
        var params = [String: JSONValue]()
        switch object["params"] {
        case nil, .null?: break
        case .object(let given)?: params = given
        default: return .failure(ControlFailure(id: id, error: ControlError(.badRequest, "\"params\" must be an object")))
        }
        return .success(ControlRequest(id: id, method: method, params: params))
    }

    /// Decodes `params` as `P`, refusing keys `P` does not know.
    func decode<P: ControlParams>(_ type: P.Type) throws(ControlError) -> P {
        for key in params.keys where !P.keys.contains(key) {
            throw ControlError(.badRequest, "\(method): unknown parameter \"\(key)\"; known: \(P.keys.sorted().joined(separator: ", "))")
        }
        do {
            return try ControlCoding.decoder().decode(P.self, from: JSONEncoder().encode(JSONValue.object(params)))
        } catch {
            throw ControlError(.badRequest, "\(method): \(Self.describe(error))")
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: "missing parameter \"\(ControlCoding.wireKey(key.stringValue))\""
        case .typeMismatch(let type, let context)?: "\"\(path(context))\" must be \(name(of: type))"
        case .valueNotFound(let type, let context)?: "\"\(path(context))\" must be \(name(of: type)), not null"
        case .dataCorrupted(let context)?: context.codingPath.isEmpty ? "malformed JSON" : "\"\(path(context))\": \(context.debugDescription)"
        default: "\(error)"
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map(String.init) ?? ControlCoding.wireKey($0.stringValue) }.joined(separator: ".")
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Double.Type, is UInt64.Type: "a number"
        case is [String].Type: "a list of strings"
        default: "\(type)"
        }
    }
}
