import CLibUV

/// A libuv failure with its context: what was being done, the libuv error name and its message.
/// `description` reads like "connect 127.0.0.1:7420: ECONNREFUSED (connection refused)".
public struct NetError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The negative libuv error code (e.g. `UV_ECONNREFUSED`).
    public let code: Int32
    /// The libuv error name, e.g. "ECONNREFUSED".
    public let name: String
    /// The libuv error message, e.g. "connection refused".
    public let message: String
    /// What was being done, e.g. "connect 127.0.0.1:7420".
    public let operation: String

    init(code: Int32, operation: String) {
        self.code = code
        self.name = String(cString: uv_err_name(code))
        self.message = String(cString: uv_strerror(code))
        self.operation = operation
    }

    public var description: String { "\(operation): \(name) (\(message))" }

    /// Throws a `NetError` when `result` is a negative libuv code; returns it otherwise.
    @discardableResult
    static func check(_ result: Int32, _ operation: @autoclosure () -> String) throws(NetError) -> Int32 {
        if result < 0 { throw NetError(code: result, operation: operation()) }
        return result
    }
}
