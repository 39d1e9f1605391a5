import Foundation
import MeshControl
import MeshCRDT
import MeshModel
import MeshNode
import MeshWire
import Testing

struct NodeConfigTests {
    static func parse(_ text: String) throws(ConfigError) -> NodeConfig {
        try NodeConfig.parse(text, file: "/etc/ideamesh/ideameshd.toml", directory: "/etc/ideamesh")
    }

    static func problem(_ text: String) -> String? {
        do { _ = try parse(text); return nil } catch { return error.description }
    }

    @Test func theConfigInitWritesAndTheExampleParse() throws {
        let dir = NSTemporaryDirectory() + "ideamesh-config-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try DataDirectory(path: dir).initialize(department: "Renal Ward")
        let config = try NodeConfig.load(path: DataDirectory(path: dir).configPath)
        #expect(config.department == "Renal Ward")
        #expect(config.listen == nil && config.seeds.isEmpty && config.maxConnections == 8)
        #expect(config.rotateIntervalSeconds == NodeConfig.defaultRotateIntervalSeconds)
        #expect(config.maxClockAheadSeconds == 300, "5 minutes unless the config says otherwise")
        #expect(config.networkKeyFile == URL(fileURLWithPath: dir).appendingPathComponent("network.key").standardizedFileURL.path)
        #expect(config.controlSocket == ControlDefaults.socketPath && config.staffGroup == nil, "where the CLI looks by default")

        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Config/ideameshd.example.toml").path
        #expect(try NodeConfig.load(path: example).department == "Renal Ward")
    }

    /// Config/mesh: three departments that trust each other, each seeding the mesh.
    @Test func theThreeDepartmentExamplesParseAndTrustEachOther() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Config/mesh").standardizedFileURL
        let configs = try ["renal-ward", "cardiology", "emergency"].map {
            try NodeConfig.load(path: dir.appendingPathComponent("\($0).toml").path)
        }
        #expect(Set(configs.map(\.department)) == ["Renal Ward", "Cardiology", "Emergency Department"])
        let trusted = Set(configs.flatMap(\.trustedNodes))
        #expect(trusted.count == 3, "three distinct nodes, each trusted by the other two")
        for config in configs {
            #expect(config.trustedNodes.count == 2 && !config.seeds.isEmpty && config.listen?.port == 7420)
            #expect(config.dataDirectory == "/var/lib/ideamesh" && config.controlSocket == "/run/ideamesh/control.sock")
        }
    }

    @Test func everyKey() throws {
        let node = NodeIdentity.sampleID
        let config = try Self.parse("""
            [node]
            department = "Cardiology"
            data_dir = "data"
            [network]
            listen = "[::]:7421"
            network_key_file = "keys/org.key"
            seeds = ["10.1.2.3:7420", "ward-b.example.org:7420"]
            max_connections = 4
            rotate_interval_seconds = 120
            [trust]
            nodes = ["\(node.base32)"]
            [control]
            socket = "/run/ideamesh/control.sock"
            staff_group = "ward-staff"
            admin_users = ["alice"]
            admin_groups = ["ideamesh-admin"]
            [clock]
            max_ahead_seconds = 60
            """)
        #expect(config.listen == PeerAddress("[::]:7421") && config.listen?.port == 7421 && config.listen?.host == "::")
        #expect(config.networkKeyFile == "/etc/ideamesh/keys/org.key")
        #expect(config.dataDirectory == "/etc/ideamesh/data")
        #expect(config.seeds.map(\.description) == ["10.1.2.3:7420", "ward-b.example.org:7420"])
        #expect(config.maxConnections == 4 && config.rotateIntervalSeconds == 120 && config.trustedNodes == [node])
        #expect(config.controlSocket == "/run/ideamesh/control.sock" && config.staffGroup == "ward-staff")
        #expect(config.adminUsers == ["alice"] && config.adminGroups == ["ideamesh-admin"])
        #expect(config.maxClockAheadSeconds == 60)
    }

    @Test func mistakesAreNamedWithTheirKey() {
        let file = "/etc/ideamesh/ideameshd.toml"
        #expect(Self.problem("[node]\ndepartment = \"A\"\n[network]\nseed = [\"x:1\"]")?.hasPrefix("\(file): network.seed: unknown key") == true)
        #expect(Self.problem("[node]\ndepartment = 3") == "\(file): node.department: must be a string")
        #expect(Self.problem("[network]\nlisten = \"0.0.0.0:7420\"") == "\(file): node: missing section [node]")
        #expect(Self.problem("[node]\ndepartment = \"A\"\n[network]\nlisten = \"0.0.0.0\"")?.contains("network.listen") == true)
        #expect(Self.problem("[node]\ndepartment = \"A\"\n[network]\nmax_connections = 0") == "\(file): network.max_connections: must be 1-256")
        #expect(Self.problem("[node]\ndepartment = \"A\"\n[trust]\nnodes = [\"not-a-node\"]")?.contains("trust.nodes") == true)
        #expect(Self.problem("[node]\ndepartment = \"A\"\n[network]\nseeds = \"x:1\"") == "\(file): network.seeds: must be a list of strings")
        #expect(Self.problem("[node]\ndepartment = = \"A\"")?.hasPrefix("\(file): line 2") == true)
        #expect(Self.problem("[node]\ndepartment = \"  \"") == "\(file): node.department: must be 1-80 characters and at most 320 bytes")
        // One character (an e with 400 accents) of 801 bytes: more than a peer accepts.
        let heavy = "e" + String(repeating: "\u{301}", count: 400)
        #expect(Self.problem("[node]\ndepartment = \"\(heavy)\"") == "\(file): node.department: must be 1-80 characters and at most 320 bytes")
        #expect(Self.problem("[node]\ndepartment = \"\(String(repeating: "é", count: 80))\"") == nil)
        #expect(Self.problem("[node]\ndepartment = \"A\"\n[control]\nstaff_group = \"\"") == "\(file): control.staff_group: \"\" is not a group name")
    }

    /// `[network] rotate_interval_seconds`: 300 when left out, 0 (off) to 86400, nothing else.
    @Test func rotationInterval() throws {
        let file = "/etc/ideamesh/ideameshd.toml"
        func config(_ value: String) -> String { "[node]\ndepartment = \"A\"\n[network]\nrotate_interval_seconds = \(value)" }
        #expect(try Self.parse("[node]\ndepartment = \"A\"").rotateIntervalSeconds == 300)
        #expect(try Self.parse(config("0")).rotateIntervalSeconds == 0)
        #expect(try Self.parse(config("1")).rotateIntervalSeconds == 1)
        #expect(try Self.parse(config("86400")).rotateIntervalSeconds == 86_400)
        let refused = "\(file): network.rotate_interval_seconds: must be 0-86400 (seconds; 0 turns rotation off)"
        #expect(Self.problem(config("86401")) == refused)
        #expect(Self.problem(config("-1")) == refused)
        #expect(Self.problem(config("\"300\"")) == "\(file): network.rotate_interval_seconds: must be a whole number")
        #expect(Self.problem(config("2.5")) == "\(file): network.rotate_interval_seconds: must be a whole number")
    }

    /// `[clock] max_ahead_seconds`: 300 when left out, 1 to 86400, nothing else.
    @Test func maxClockAhead() throws {
        let file = "/etc/ideamesh/ideameshd.toml"
        func config(_ value: String) -> String { "[node]\ndepartment = \"A\"\n[clock]\nmax_ahead_seconds = \(value)" }
        #expect(try Self.parse("[node]\ndepartment = \"A\"").maxClockAheadSeconds == 300)
        #expect(try Self.parse(config("1")).maxClockAheadSeconds == 1)
        #expect(try Self.parse(config("86400")).maxClockAheadSeconds == 86_400)
        let refused = "\(file): clock.max_ahead_seconds: must be 1-86400 (seconds a peer's op may be stamped ahead of this node's clock; default 300)"
        #expect(Self.problem(config("0")) == refused)
        #expect(Self.problem(config("86401")) == refused)
        #expect(Self.problem(config("\"5m\"")) == "\(file): clock.max_ahead_seconds: must be a whole number")
        #expect(Self.problem("[node]\ndepartment = \"A\"\n[clock]\nmax_ahead = 300")?.hasPrefix("\(file): clock.max_ahead: unknown key") == true)
    }

    @Test func addresses() {
        #expect(PeerAddress("127.0.0.1:7420")?.description == "127.0.0.1:7420")
        #expect(PeerAddress("[::1]:7420")?.host == "::1")
        for bad in ["127.0.0.1", "::1:7420", "host:0", "host:70000", ":7420", "[::1]7420", "a b:1"] {
            #expect(PeerAddress(bad) == nil, "\(bad)")
        }
    }
}

extension NodeIdentity {
    static let sampleID = NodeID(bytes: [UInt8](repeating: 42, count: 32))!
}

/// `[web]`: the department's pages, on loopback only.
struct WebConfigTests {
    static let node = "[node]\ndepartment = \"Renal Ward\"\ndata_dir = \"/var/lib/ideamesh\"\n"

    @Test func thePagesAreOnByDefaultOnLoopback() throws {
        let web = try #require(try NodeConfigTests.parse(Self.node).web)
        #expect(web.host == "127.0.0.1" && web.port == 8384 && web.sessionTimeoutSeconds == 900)
        #expect(web.credentialsPath == "/var/lib/ideamesh/web-passwords", "in the data dir")
        #expect(web.url == "http://127.0.0.1:8384/")
    }

    @Test func theyCanBeMovedOrTurnedOff() throws {
        let moved = try NodeConfigTests.parse(Self.node + "[web]\nlisten = \"[::1]:9000\"\nsession_timeout_seconds = 60\n").web
        #expect(moved?.host == "::1" && moved?.port == 9000 && moved?.sessionTimeoutSeconds == 60)
        #expect(try NodeConfigTests.parse(Self.node + "[web]\nenabled = false\n").web == nil)
    }

    @Test func anAddressBeyondLoopbackAndBadValuesAreRefused() {
        let lan = NodeConfigTests.problem(Self.node + "[web]\nlisten = \"0.0.0.0:8384\"\n")
        #expect(lan?.contains("web.listen") == true && lan?.contains("TLS-terminating proxy") == true, "\(lan ?? "")")
        #expect(NodeConfigTests.problem(Self.node + "[web]\nlisten = \"8384\"\n")?.contains("web.listen") == true)
        #expect(NodeConfigTests.problem(Self.node + "[web]\nsession_timeout_seconds = 5\n")?.contains("30-86400") == true)
        #expect(NodeConfigTests.problem(Self.node + "[web]\nenabled = \"yes\"\n")?.contains("true or false") == true)
        #expect(NodeConfigTests.problem(Self.node + "[web]\ntls = true\n")?.contains("tls") == true, "unknown keys are errors")
    }
}
