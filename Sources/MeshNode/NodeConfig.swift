import Foundation
import MeshControl
import MeshCRDT
import MeshModel
import MeshWeb
import MeshWire
import TOMLKit

/// A node's configuration (`ideameshd.toml`), validated. Every key is documented in
/// Config/ideameshd.example.toml; unknown keys are errors, so a typo is caught, not ignored.
public struct NodeConfig: Equatable, Sendable {
    /// The department this node serves (a label for people).
    public var department: String
    /// The node's data dir: identity, store, lock (absolute once loaded; default: the config
    /// file's directory, which is where `ideameshd init` puts the config).
    public var dataDirectory: String
    /// Where to accept peers; nil: accept none (this node only dials out).
    public var listen: PeerAddress?
    /// The organisation's network key file (absolute once loaded).
    public var networkKeyFile: String
    /// Peers to dial at start.
    public var seeds: [PeerAddress]
    /// The most peer connections kept open at once.
    public var maxConnections: Int
    /// How often (on average, jittered) the node trims links beyond `maxConnections` and swaps
    /// one link for a new one at random (PROTOCOL.md §7); 0: never.
    public var rotateIntervalSeconds: Int
    /// Node ids allowed to connect (and to be connected to).
    public var trustedNodes: [NodeID]
    /// The control socket's path (absolute once loaded; default `ControlDefaults.socketPath`,
    /// where the CLI looks).
    public var controlSocket: String
    /// The OS group whose members may use the control socket (staff); nil: every local user.
    public var staffGroup: String?
    /// OS users and groups whose control requests may use admin commands.
    public var adminUsers: [String]
    public var adminGroups: [String]
    /// Remote ops stamped further ahead of this node's wall clock than this are held back until
    /// it catches up (Protocol/README.md, "Clocks").
    public var maxClockAheadSeconds: Int = defaultMaxClockAheadSeconds
    /// The op format this node writes (Protocol/README.md, "Op format 2"): 2 makes texts erasable; 1 while the
    /// mesh still has nodes of versions before format 2, which cannot take format-2 ops.
    public var opFormat: UInt32 = 2
    /// `[web]`: the department's web pages; nil when `enabled = false`.
    public var web: WebSettings? = nil

    public static let defaultPort = 7420
    public static let defaultRotateIntervalSeconds = 300
    public static let defaultMaxClockAheadSeconds = Int(HybridClock.defaultMaxDriftMillis / 1000)
    public static let maxClockAheadRange = 1...86_400

    /// Loads and validates `path`; relative paths in it are relative to its directory.
    public static func load(path: String) throws(ConfigError) -> NodeConfig {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigError(file: path, key: nil, problem: "cannot read it: \(error.localizedDescription)")
        }
        return try parse(text, file: path, directory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    public static func parse(_ text: String, file: String, directory: String) throws(ConfigError) -> NodeConfig {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw ConfigError(file: file, key: nil, problem: "line \(error.source.begin.line): \(error.description)")
        } catch {
            throw ConfigError(file: file, key: nil, problem: "\(error)")
        }
        let reader = Reader(table: table, file: file)
        try reader.only(["node", "network", "trust", "control", "clock", "ops", "web"], in: nil)
        let node = try reader.table("node", required: true)
        let network = try reader.table("network", required: false)
        let trust = try reader.table("trust", required: false)
        let control = try reader.table("control", required: false)
        let clock = try reader.table("clock", required: false)
        let ops = try reader.table("ops", required: false)
        let webTable = try reader.table("web", required: false)
        try reader.only(["department", "data_dir"], in: "node")
        try reader.only(["enabled", "listen", "session_timeout_seconds"], in: "web")
        try reader.only(["listen", "network_key_file", "seeds", "max_connections", "rotate_interval_seconds"], in: "network")
        try reader.only(["nodes"], in: "trust")
        try reader.only(["socket", "staff_group", "admin_users", "admin_groups"], in: "control")
        try reader.only(["max_ahead_seconds"], in: "clock")
        try reader.only(["format"], in: "ops")

        func absolute(_ path: String) -> String {
            path.hasPrefix("/") ? path : URL(fileURLWithPath: directory).appendingPathComponent(path).standardizedFileURL.path
        }
        let department = try reader.string("department", in: node, section: "node") ?? ""
        // 80 characters, and never more bytes than peers accept (PROTOCOL.md §2-3).
        guard !department.trimmingCharacters(in: .whitespaces).isEmpty, department.count <= 80,
              department.utf8.count <= PeerInfo.maxDepartmentBytes else {
            throw reader.error("node.department", "must be 1-80 characters and at most \(PeerInfo.maxDepartmentBytes) bytes")
        }
        let listen = try reader.string("listen", in: network, section: "network").map { text throws(ConfigError) in
            guard let address = PeerAddress(text) else { throw reader.error("network.listen", "\"\(text)\" is not host:port (e.g. \"0.0.0.0:7420\" or \"[::]:7420\")") }
            return address
        }
        let seeds = try reader.strings("seeds", in: network, section: "network").map { text throws(ConfigError) in
            guard let address = PeerAddress(text) else { throw reader.error("network.seeds", "\"\(text)\" is not host:port") }
            return address
        }
        let maxConnections = try reader.int("max_connections", in: network, section: "network") ?? 8
        guard (1...256).contains(maxConnections) else { throw reader.error("network.max_connections", "must be 1-256") }
        let rotateInterval = try reader.int("rotate_interval_seconds", in: network, section: "network") ?? defaultRotateIntervalSeconds
        guard (0...86_400).contains(rotateInterval) else {
            throw reader.error("network.rotate_interval_seconds", "must be 0-86400 (seconds; 0 turns rotation off)")
        }
        let trusted = try reader.strings("nodes", in: trust, section: "trust").map { text throws(ConfigError) in
            guard let id = NodeID(base32: text) else { throw reader.error("trust.nodes", "\"\(text)\" is not a node id (52 base32 characters, as `ideameshd init` prints)") }
            return id
        }
        let maxAhead = try reader.int("max_ahead_seconds", in: clock, section: "clock") ?? defaultMaxClockAheadSeconds
        guard maxClockAheadRange.contains(maxAhead) else {
            throw reader.error(
                "clock.max_ahead_seconds",
                "must be \(maxClockAheadRange.lowerBound)-\(maxClockAheadRange.upperBound) (seconds a peer's op may be stamped ahead of this node's clock; default \(defaultMaxClockAheadSeconds))")
        }
        let opFormat = try reader.int("format", in: ops, section: "ops") ?? 2
        guard SignedOp.formats.contains(UInt32(clamping: opFormat)), opFormat > 0 else {
            throw reader.error(
                "ops.format",
                "must be 1 or 2 (the op format this node writes: 2, the default, lets patient details be erased; 1 only while nodes of versions before op format 2 remain in the mesh)")
        }
        let staffGroup = try reader.string("staff_group", in: control, section: "control")
        if let staffGroup, staffGroup.isEmpty || staffGroup.contains(where: { $0.isWhitespace || $0 == ":" }) {
            throw reader.error("control.staff_group", "\"\(staffGroup)\" is not a group name")
        }
        let dataDirectory = absolute(try reader.string("data_dir", in: node, section: "node") ?? ".")
        var web: WebSettings?
        if try reader.bool("enabled", in: webTable, section: "web") ?? true {
            let text = try reader.string("listen", in: webTable, section: "web") ?? "\(WebSettings.defaultHost):\(WebSettings.defaultPort)"
            guard let address = PeerAddress(text) else {
                throw reader.error("web.listen", "\"\(text)\" is not host:port (e.g. \"127.0.0.1:8384\", the default)")
            }
            let timeout = try reader.int("session_timeout_seconds", in: webTable, section: "web") ?? WebSettings.defaultSessionTimeoutSeconds
            guard (30...86_400).contains(timeout) else {
                throw reader.error("web.session_timeout_seconds", "must be 30-86400 (seconds without a request before a web session ends; default \(WebSettings.defaultSessionTimeoutSeconds))")
            }
            // Plain HTTP only: beyond loopback, passwords and sessions would cross the LAN in clear.
            guard WebSettings.isLoopback(address.host) else {
                throw reader.error("web.listen", "\"\(text)\" is reachable from other machines, and this build serves the pages over plain HTTP: bind it to 127.0.0.1 (the default) and put a TLS-terminating proxy (nginx, Caddy) in front for the department's LAN")
            }
            web = WebSettings(
                host: address.host, port: address.port, sessionTimeoutSeconds: timeout,
                tls: nil,
                credentialsPath: URL(fileURLWithPath: dataDirectory).appendingPathComponent(WebCredentials.fileName).path)
        }
        return NodeConfig(
            department: department,
            dataDirectory: dataDirectory,
            listen: listen,
            networkKeyFile: absolute(try reader.string("network_key_file", in: network, section: "network") ?? "network.key"),
            seeds: seeds,
            maxConnections: maxConnections,
            rotateIntervalSeconds: rotateInterval,
            trustedNodes: trusted,
            controlSocket: absolute(try reader.string("socket", in: control, section: "control") ?? ControlDefaults.socketPath),
            staffGroup: staffGroup,
            adminUsers: try reader.strings("admin_users", in: control, section: "control"),
            adminGroups: try reader.strings("admin_groups", in: control, section: "control"),
            maxClockAheadSeconds: maxAhead, opFormat: UInt32(opFormat), web: web)
    }

    /// Typed access to the TOML table, with errors that name the file and key.
    private struct Reader {
        let table: TOMLTable
        let file: String

        func error(_ key: String, _ problem: String) -> ConfigError { ConfigError(file: file, key: key, problem: problem) }

        func table(_ name: String, required: Bool) throws(ConfigError) -> TOMLTable? {
            guard let value = table[name] else {
                if required { throw ConfigError(file: file, key: name, problem: "missing section [\(name)]") }
                return nil
            }
            guard let section = value.table else { throw error(name, "must be a section ([\(name)])") }
            return section
        }

        func only(_ keys: Set<String>, in section: String?) throws(ConfigError) {
            let scope: TOMLTable? = section.map { table[$0]?.table } ?? table
            guard let scope else { return }
            for key in scope.keys where !keys.contains(key) {
                let name = section.map { "\($0).\(key)" } ?? key
                throw error(name, "unknown key; known here: \(keys.sorted().joined(separator: ", "))")
            }
        }

        func string(_ key: String, in section: TOMLTable?, section name: String) throws(ConfigError) -> String? {
            guard let value = section?[key] else { return nil }
            guard let string = value.string else { throw error("\(name).\(key)", "must be a string") }
            return string
        }

        func bool(_ key: String, in section: TOMLTable?, section name: String) throws(ConfigError) -> Bool? {
            guard let value = section?[key] else { return nil }
            guard let bool = value.bool else { throw error("\(name).\(key)", "must be true or false") }
            return bool
        }

        func int(_ key: String, in section: TOMLTable?, section name: String) throws(ConfigError) -> Int? {
            guard let value = section?[key] else { return nil }
            guard let int = value.int else { throw error("\(name).\(key)", "must be a whole number") }
            return int
        }

        func strings(_ key: String, in section: TOMLTable?, section name: String) throws(ConfigError) -> [String] {
            guard let value = section?[key] else { return [] }
            guard let array = value.array else { throw error("\(name).\(key)", "must be a list of strings") }
            var out = [String]()
            for element in array {
                guard let string = element.string else { throw error("\(name).\(key)", "must be a list of strings") }
                out.append(string)
            }
            return out
        }
    }
}

/// host:port, with IPv6 hosts in brackets ("[::1]:7420").
public struct PeerAddress: Hashable, Sendable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init?(_ text: String) {
        let host: Substring, port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace }), let number = Int(port), (1...65535).contains(number) else { return nil }
        self.host = String(host)
        self.port = number
    }

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// What is wrong with a config file, and where.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let key: String?
    public let problem: String

    public var description: String { "\(file): \(key.map { "\($0): " } ?? "")\(problem)" }
}
