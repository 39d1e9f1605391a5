import Foundation
import MeshClient

/// The tests talk to daemons through MeshClient's `ControlConnection`, with a few conveniences
/// for requests with odd ids and raw lines.
typealias ControlSocketClient = ControlConnection
typealias ControlResponse = ControlReplyLine

extension ControlConnection {
    /// Sends `{"id": id, "method": method, "params": params}` and reads the reply, whatever it is.
    func request(_ method: String, _ params: [String: Any]? = nil, id: Any? = nil) throws -> ControlReplyLine {
        try roundTrip(raw: try Self.encode(method, params, id: id))
    }

    static func encode(_ method: String, _ params: [String: Any]? = nil, id: Any? = nil) throws -> String {
        var object: [String: Any] = ["method": method]
        if let params { object["params"] = params }
        if let id { object["id"] = id }
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}

extension ControlReplyLine {
    /// The result, or a thrown error naming the failure.
    func get() throws -> [String: Any] {
        guard ok else { throw HarnessError("control request failed: \(line)") }
        return result
    }
}
