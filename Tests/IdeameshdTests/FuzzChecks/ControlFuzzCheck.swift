import Foundation
import MeshNode

/// The control request parser (`ControlRequest.parse`, through `ControlRequestProbe`) on
/// arbitrary bytes, split into lines as the control server splits them (blank lines skipped).
///
/// Invariants: every line gets a verdict; a refusal carries a code of CONTROL.md §3; the reply
/// is exactly one line (one trailing newline) of a JSON object with a boolean `ok` that says
/// whether the line was refused, and an `id`.
package enum ControlFuzzCheck {
    static let codes: Set<String> = ["bad_request", "unknown_method", "invalid", "not_found", "forbidden", "too_large", "unavailable"]

    package static func run(_ data: [UInt8]) throws(FuzzViolation) -> FuzzVerdict {
        var refusals = [String]()
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) { continue }
            let outcome = ControlRequestProbe.parse(Array(line))
            try fuzzRequire(outcome.method != nil || outcome.errorCode != nil, "neither parsed nor refused")
            if let code = outcome.errorCode {
                try fuzzRequire(codes.contains(code), "unknown error code \(code)")
                refusals.append(code)
            }
            let reply = outcome.reply
            try fuzzRequire(reply.last == UInt8(ascii: "\n") && reply.firstIndex(of: UInt8(ascii: "\n")) == reply.count - 1, "the reply is not one line")
            let object: [String: Any]?
            do { object = try JSONSerialization.jsonObject(with: Data(reply.dropLast())) as? [String: Any] } catch {
                throw FuzzViolation("the reply is not JSON: \(error): \(String(decoding: reply, as: UTF8.self))")
            }
            guard let object else { throw FuzzViolation("the reply is not a JSON object") }
            try fuzzRequire(object["id"] != nil, "the reply has no id")
            try fuzzRequire((object["ok"] as? Bool) == (outcome.errorCode == nil), "the reply's ok does not match the outcome")
        }
        return refusals.isEmpty ? .accepted : .refused(refusals.joined(separator: ", "))
    }
}
