/// Why the daemon could not start (or had to stop). Each says what to do.
public enum DaemonError: Error, Sendable, CustomStringConvertible {
    case config(ConfigError)
    case dataDirectory(DataDirectoryError)
    case networkKey(path: String, NetworkKeyError)
    case locked(directory: String, pid: Int32?)
    /// The store at `path` could not be opened or read; `underlying` is the store's own error
    /// (a `StoreError`, GRDB's `DatabaseError`), kept typed for whoever handles it.
    case store(path: String, underlying: any Error)
    /// A network part could not start: `what` (e.g. "control socket PATH"), and libuv's error.
    case network(what: String, underlying: any Error)
    case io(path: String, reason: String)
    /// The web pages (`[web]`) could not start.
    case web(String)
    /// A test-only environment variable (`TestSwitches`) with a value it does not take.
    case testSwitch(variable: String, value: String, expected: String)

    public var description: String {
        switch self {
        case .config(let error): "config: \(error)"
        case .dataDirectory(let error): "\(error)"
        case .networkKey(_, let error): "\(error)"
        case .locked(let directory, let pid):
            "another ideameshd\(pid.map { " (pid \($0))" } ?? "") is already running with data dir \(directory); stop it first, or use another data dir"
        case .store(let path, let underlying): "store \(path): \(underlying)"
        case .network(let what, let underlying): "\(what): \(underlying)"
        case .io(let path, let reason): "\(path): \(reason)"
        case .web(let reason): "web pages: \(reason) (or set [web] enabled = false)"
        case .testSwitch(let variable, let value, let expected): "\(variable)=\(value): expected \(expected) (a test-only switch; unset it)"
        }
    }
}
