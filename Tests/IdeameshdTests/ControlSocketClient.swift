import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small synchronous client of a daemon's control socket (Protocol/CONTROL.md): one Unix
/// stream connection, JSON lines out and in. Every read has a timeout, so a daemon that stops
/// answering fails the test instead of hanging it.
final class ControlSocketClient {
    let path: String
    private let fd: Int32
    private var buffer = [UInt8]()

    init(path: String, timeoutSeconds: Int = 10) throws {
        self.path = path
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw HarnessError("control socket path too long for sockaddr_un (\(bytes.count) bytes): \(path)")
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
        guard fd >= 0 else { throw HarnessError("socket(AF_UNIX): \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw HarnessError("connect \(path): \(reason)")
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Writes `text` as is (the caller adds the newlines: several requests may go in one write).
    func write(_ text: String) throws {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw HarnessError("write to \(path): \(String(cString: strerror(errno)))") }
            bytes = bytes.dropFirst(written)
        }
    }

    /// The next reply line (without its newline).
    func readLine() throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { throw HarnessError("\(path): the daemon closed the connection") }
            if count < 0 {
                if errno == EINTR { continue }
                // The daemon closed with some of our request unread: a reset, after its replies.
                if errno == ECONNRESET { throw HarnessError("\(path): the daemon closed the connection (reset)") }
                throw HarnessError("read from \(path): \(String(cString: strerror(errno))) (no reply line)")
            }
            buffer += chunk[..<count]
        }
    }

    /// Sends one raw line and reads its reply.
    func roundTrip(raw line: String) throws -> ControlResponse {
        try write(line + "\n")
        return try ControlResponse(line: try readLine())
    }

    /// Sends `{"id": id, "method": method, "params": params}` and reads the reply.
    func request(_ method: String, _ params: [String: Any]? = nil, id: Any? = nil) throws -> ControlResponse {
        try roundTrip(raw: try Self.encode(method, params, id: id))
    }

    static func encode(_ method: String, _ params: [String: Any]? = nil, id: Any? = nil) throws -> String {
        var object: [String: Any] = ["method": method]
        if let params { object["params"] = params }
        if let id { object["id"] = id }
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}

/// One reply line, parsed with JSONSerialization.
struct ControlResponse: CustomStringConvertible {
    let line: String
    let object: [String: Any]

    init(line: String) throws {
        self.line = line
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw HarnessError("reply is not a JSON object: \(line)")
        }
        self.object = object
    }

    var ok: Bool { object["ok"] as? Bool == true }
    var result: [String: Any] { object["result"] as? [String: Any] ?? [:] }
    var error: [String: Any]? { object["error"] as? [String: Any] }
    var errorCode: String? { error?["code"] as? String }
    var errorMessage: String? { error?["message"] as? String }
    /// The echoed id: nil for JSON null.
    var id: Any? { object["id"] is NSNull ? nil : object["id"] }
    var description: String { line }

    /// The result, or a thrown error naming the failure.
    func get() throws -> [String: Any] {
        guard ok else { throw HarnessError("control request failed: \(line)") }
        return result
    }
}

/// JSON numbers arrive as NSNumber (or Int/Double, depending on the Foundation): read them as Int.
func jsonInt(_ value: Any?) -> Int? {
    switch value {
    case let int as Int: int
    case let double as Double: Int(exactly: double)
    case let number as NSNumber: number.intValue
    default: nil
    }
}
