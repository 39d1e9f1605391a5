import Foundation
import MeshControl

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A synchronous client of a daemon's control socket (Protocol/CONTROL.md): one Unix stream
/// connection, a JSON line out, a JSON line back. Used by the `ideamesh` CLI, the benchmarks and
/// the end-to-end tests. Every read and write has a timeout, so a daemon that stops answering
/// gives an error instead of a hang.
public final class ControlConnection {
    public let path: String
    private let fd: Int32
    private var buffer = [UInt8]()
    private var nextID = 1

    /// Connects to the socket at `path`.
    public init(path: String, timeoutSeconds: Int = 30) throws(ControlClientError) {
        self.path = path
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw .unreachable(path: path, reason: .pathTooLong(bytes: bytes.count))
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw .unreachable(path: path, reason: .other("socket: \(String(cString: strerror(errno)))")) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw .unreachable(path: path, reason: UnreachableReason(errno: code, path: path))
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Calls `method` by name with untyped params and returns its raw `result`; a refusal throws
    /// `.refused` with the daemon's code and message (and a `patient_data` refusal's findings). Clients call the typed `call(_:_:)` of a
    /// `MeshControl` method; this is for it, and for tests of the wire itself.
    public func call(_ method: String, _ params: [String: Any] = [:]) throws(ControlClientError) -> [String: Any] {
        let id = nextID
        nextID += 1
        var request: [String: Any] = ["id": id, "method": method]
        if !params.isEmpty { request["params"] = params }
        let line: Data
        do { line = try JSONSerialization.data(withJSONObject: request, options: [.sortedKeys]) } catch {
            throw .protocolError("cannot encode the request: \(error)")
        }
        let reply = try roundTrip(raw: String(decoding: line, as: UTF8.self))
        guard reply.ok else {
            let message = reply.errorMessage ?? reply.line
            // A code this client does not know (a newer daemon's) stays in the message.
            guard let text = reply.errorCode, let code = ControlErrorCode(rawValue: text) else {
                throw .refused(method: method, code: nil, message: "\(reply.errorCode ?? "unknown"): \(message)")
            }
            throw .refused(method: method, code: code, message: message, findings: reply.errorFindings)
        }
        return reply.result
    }

    /// Calls `method` with `params`: its result, typed, and as it came (what `--json` prints).
    /// A refusal throws `.refused`; a result of another shape `.protocolError`.
    public func call<M: ControlMethod>(_ method: M.Type, _ params: M.Params) throws(ControlClientError) -> (result: M.Result, raw: [String: Any]) {
        let object: [String: Any]
        do {
            let data = try ControlCoding.encoder().encode(params)
            object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        } catch {
            throw .protocolError("cannot encode the parameters of \(M.name): \(error)")
        }
        let raw = try call(M.name, object)
        return (try ControlResult.decode(M.Result.self, from: raw, method: M.name), raw)
    }

    /// Calls `method`, which takes no params.
    public func call<M: ControlMethod>(_ method: M.Type) throws(ControlClientError) -> (result: M.Result, raw: [String: Any]) where M.Params == NoParams {
        try call(method, NoParams())
    }

    /// Sends one raw line (no newline) and reads its reply.
    public func roundTrip(raw line: String) throws(ControlClientError) -> ControlReplyLine {
        try write(line + "\n")
        return try ControlReplyLine(line: try readLine())
    }

    /// Writes `text` as is (several requests may go in one write; the caller adds newlines).
    public func write(_ text: String) throws(ControlClientError) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw .connectionLost(path: path, reason: String(cString: strerror(errno))) }
            bytes = bytes.dropFirst(written)
        }
    }

    /// The next reply line, without its newline.
    public func readLine() throws(ControlClientError) -> String {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { throw .connectionLost(path: path, reason: "the daemon closed the connection") }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw .timedOut(path: path) }
                // The daemon closed with some of our request unread: a reset, after its replies.
                if errno == ECONNRESET { throw .connectionLost(path: path, reason: "the daemon closed the connection (reset)") }
                throw .connectionLost(path: path, reason: String(cString: strerror(errno)))
            }
            buffer += chunk[..<count]
        }
    }
}

/// One reply line, parsed.
public struct ControlReplyLine: CustomStringConvertible {
    public let line: String
    public let object: [String: Any]

    public init(line: String) throws(ControlClientError) {
        self.line = line
        guard let data = line.data(using: .utf8),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .protocolError("the reply is not a JSON object: \(line.prefix(200))")
        }
        self.object = object
    }

    public var ok: Bool { object["ok"] as? Bool == true }
    public var result: [String: Any] { object["result"] as? [String: Any] ?? [:] }
    public var error: [String: Any]? { object["error"] as? [String: Any] }
    public var errorCode: String? { error?["code"] as? String }
    public var errorMessage: String? { error?["message"] as? String }
    /// A `patient_data` refusal's `findings` (CONTROL.md §5.8); empty for any other reply, and
    /// for findings of a shape this client cannot read (the message names them too).
    public var errorFindings: [FlaggedText] {
        guard let findings = error?["findings"] as? [Any],
              let data = try? JSONSerialization.data(withJSONObject: findings) else { return [] }
        return (try? ControlCoding.decoder().decode([FlaggedText].self, from: data)) ?? []
    }
    /// The echoed id: nil for JSON null.
    public var id: Any? { object["id"] is NSNull ? nil : object["id"] }
    public var description: String { line }
}

/// What can go wrong talking to the daemon.
public enum ControlClientError: Error, CustomStringConvertible {
    /// The socket could not be connected to: nothing there, nobody listening, or not allowed.
    case unreachable(path: String, reason: UnreachableReason)
    case connectionLost(path: String, reason: String)
    case timedOut(path: String)
    /// The daemon answered `ok: false`, with one of CONTROL.md's codes (nil for a code this client
    /// does not know: the message then starts with it), and for `patient_data`, what it found.
    case refused(method: String, code: ControlErrorCode?, message: String, findings: [FlaggedText] = [])
    case protocolError(String)

    public var description: String {
        switch self {
        case .unreachable(let path, let reason): "cannot reach the daemon at \(path): \(reason)"
        case .connectionLost(let path, let reason): "lost the connection to the daemon at \(path): \(reason)"
        case .timedOut(let path): "the daemon at \(path) did not answer in time"
        case .refused(_, _, let message, _): message
        case .protocolError(let why): "unexpected reply from the daemon: \(why)"
        }
    }
}

/// JSON numbers arrive as NSNumber, Int or Double depending on the platform: read them as Int.
public func jsonInt(_ value: Any?) -> Int? {
    switch value {
    case let int as Int: int
    case let double as Double: Int(exactly: double)
    case let number as NSNumber: number.intValue
    default: nil
    }
}
