import Foundation
import MeshClient
import MeshLoopback

/// The tests talk to daemons through MeshClient's `ControlConnection`, with a few conveniences
/// for requests with odd ids and raw lines.
typealias ControlSocketClient = ControlConnection
typealias ControlResponse = ControlReplyLine

extension ControlReplyLine {
    /// The result, or a thrown error naming the failure.
    func get() throws -> [String: Any] {
        guard ok else { throw HarnessError("control request failed: \(line)") }
        return result
    }
}
