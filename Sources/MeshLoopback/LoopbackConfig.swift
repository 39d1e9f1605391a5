/// A node's `ideameshd.toml` for a daemon on loopback (every key is explained in
/// Config/ideameshd.example.toml): its department, where it listens (or that it only dials
/// out), its seeds, the nodes it trusts, its control socket, and anything else as extra lines.
public struct LoopbackConfig: Sendable {
    public var department: String
    /// `host:port` to listen on; nil: the node only dials out (no peer can learn its address).
    public var listen: String?
    public var seeds: [String] = []
    /// Node ids (52 base32 characters).
    public var trust: [String] = []
    public var controlSocket: String
    public var maxConnections: Int?
    /// Comment lines at the top (without "# ").
    public var comments: [String] = []
    /// A comment above the trusted nodes (e.g. their departments' names).
    public var trustComment: String?
    /// `host:port` of the web pages (`[web] listen`); nil: `[web] enabled = false`, so that
    /// daemons run side by side do not all ask for the default port.
    public var web: String?
    /// `[web] session_timeout_seconds`, when set.
    public var webSessionTimeoutSeconds: Int?
    /// Lines appended after `[control] socket` (e.g. `admin_users = […]`, or further sections).
    public var extra = ""

    public init(department: String, listen: String?, seeds: [String] = [], trust: [String] = [], controlSocket: String) {
        self.department = department
        self.listen = listen
        self.seeds = seeds
        self.trust = trust
        self.controlSocket = controlSocket
    }

    public var text: String {
        func list(_ items: [String]) -> String { "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
        var lines = comments.map { "# \($0)" }
        if !lines.isEmpty { lines.append("") }
        lines += ["[node]", "department = \"\(department)\"", "", "[network]"]
        lines.append(listen.map { "listen = \"\($0)\"" } ?? "# dials out only")
        lines.append("seeds = \(list(seeds))")
        if let maxConnections { lines.append("max_connections = \(maxConnections)") }
        lines += ["", "[trust]"]
        if let trustComment { lines.append("# \(trustComment)") }
        lines += ["nodes = \(list(trust))", "", "[web]"]
        lines.append(web.map { "listen = \"\($0)\"" } ?? "enabled = false")
        if let webSessionTimeoutSeconds { lines.append("session_timeout_seconds = \(webSessionTimeoutSeconds)") }
        lines += ["", "[control]", "socket = \"\(controlSocket)\""]
        if !extra.isEmpty { lines.append(extra) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the config to `path`.
    public func write(to path: String) throws(HarnessError) {
        do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw HarnessError("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
