import Foundation
import MeshControl

/// A reply line: `{"id": …, "ok": true, "result": …}` or `{"id": …, "ok": false, "error": {…}}`.
struct ControlReply: Sendable {
    let id: JSONValue
    let outcome: Result<any Encodable & Sendable, ControlError>

    static func failure(id: JSONValue, _ error: ControlError) -> ControlReply {
        ControlReply(id: id, outcome: .failure(error))
    }

    /// The reply as one line of JSON, newline included.
    func line() -> [UInt8] {
        // Results are typed with camelCase names; the encoder writes them snake_case, sorted.
        let encoder = ControlCoding.encoder()
        var data: Data
        do {
            switch outcome {
            case .success(let result): data = try encoder.encode(Success(id: id, result: AnyEncodable(result)))
            case .failure(let error): data = try encoder.encode(Failure(id: id, error: error))
            }
        } catch {
            data = (try? encoder.encode(Failure(id: id, error: ControlError(.unavailable, "cannot encode the reply: \(error)")))) ?? Data("{}".utf8)
        }
        return Array(data) + [UInt8(ascii: "\n")]
    }

    private struct Success: Encodable {
        let id: JSONValue
        let ok = true
        let result: AnyEncodable
    }

    private struct Failure: Encodable {
        let id: JSONValue
        let ok = false
        let error: ControlError
    }

    private struct AnyEncodable: Encodable {
        let value: any Encodable
        init(_ value: any Encodable) { self.value = value }
        func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    }
}
