import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small synchronous client of a daemon's control socket (Protocol/CONTROL.md): one request
/// line out, one reply line back.
final class ControlClient {
    let path: String
    private var fd: Int32
    private var buffer = [UInt8]()
    private var nextID = 1

    /// What the daemon answered with `ok: false`.
    struct Refusal: Error, CustomStringConvertible {
        let method: String
        let code: String
        let message: String
        var description: String { "\(method): \(code): \(message)" }
    }

    /// Connects once; throws when nobody listens at `path`.
    init(path: String, timeoutSeconds: Int = 120) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw BenchError("control socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw BenchError("cannot connect to \(path): \(reason)")
        }
        // A daemon that stops answering must fail the bench, not hang it.
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Connects, retrying every 10 ms until `timeout` seconds have passed (a daemon just started
    /// binds its socket after opening its store). `alive` is asked between tries: a daemon that
    /// exited will never answer.
    static func connect(path: String, timeout: Double, alive: () -> Bool = { true }) throws -> ControlClient {
        let watch = Stopwatch()
        while true {
            do { return try ControlClient(path: path) } catch {
                if watch.seconds >= timeout || !alive() { throw error }
            }
            usleep(10_000)
        }
    }

    deinit { close(fd) }

    /// Sends one request and returns its `result`; a refusal throws `Refusal`.
    func call(_ method: String, _ params: [String: Any]? = nil) throws -> [String: Any] {
        switch try request(method, params) {
        case .success(let result): return result
        case .failure(let refusal): throw refusal
        }
    }

    /// Sends one request: its result, or the daemon's refusal. Throws when the socket fails.
    func request(_ method: String, _ params: [String: Any]? = nil) throws -> Result<[String: Any], Refusal> {
        var object: [String: Any] = ["id": nextID, "method": method]
        nextID += 1
        if let params { object["params"] = params }
        var line = try JSONSerialization.data(withJSONObject: object)
        line.append(UInt8(ascii: "\n"))
        try line.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw BenchError("\(path): write: \(String(cString: strerror(errno)))") }
                offset += n
            }
        }
        let reply = try readLine()
        guard let json = try JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any] else {
            throw BenchError("\(path): \(method): the reply is not a JSON object")
        }
        if json["ok"] as? Bool == true {
            return .success(json["result"] as? [String: Any] ?? [:])
        }
        let error = json["error"] as? [String: Any] ?? [:]
        return .failure(Refusal(method: method, code: error["code"] as? String ?? "?", message: error["message"] as? String ?? ""))
    }

    private func readLine() throws -> [UInt8] {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw BenchError("\(path): \(n == 0 ? "the daemon closed the control connection" : "read: \(String(cString: strerror(errno)))")")
            }
            buffer += chunk[..<n]
        }
    }
}
