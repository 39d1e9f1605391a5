/// Why the daemon could not start (or had to stop). Each says what to do.
public enum DaemonError: Error, Sendable, CustomStringConvertible {
    case config(ConfigError)
    case dataDirectory(DataDirectoryError)
    case networkKey(path: String, NetworkKeyError)
    case locked(directory: String, pid: Int32?)
    case store(String)
    case network(String)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .config(let error): "config: \(error)"
        case .dataDirectory(let error): "\(error)"
        case .networkKey(_, let error): "\(error)"
        case .locked(let directory, let pid):
            "another ideameshd\(pid.map { " (pid \($0))" } ?? "") is already running with data dir \(directory); stop it first, or use another data dir"
        case .store(let why): "store: \(why)"
        case .network(let why): "\(why)"
        case .io(let path, let reason): "\(path): \(reason)"
        }
    }
}
