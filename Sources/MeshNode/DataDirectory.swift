import Foundation
import MeshCRDT
import MeshStore
import MeshWire

/// A node's data dir: identity key, config, and the SQLite store.
///
///     DIR/identity.key     Ed25519 private key seed, mode 0600
///     DIR/ideameshd.toml   the node's config (written commented by `ideameshd init`)
///     DIR/ideamesh.sqlite  the store (plus -wal and -shm while open)
public struct DataDirectory: Sendable {
    public let url: URL

    public init(path: String) {
        url = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    }

    public var identityPath: String { url.appendingPathComponent("identity.key").path }
    public var configPath: String { url.appendingPathComponent("ideameshd.toml").path }
    public var storePath: String { url.appendingPathComponent("ideamesh.sqlite").path }
    /// Where `init` puts the network key (the config's default `network_key_file`).
    public var networkKeyPath: String { url.appendingPathComponent("network.key").path }

    /// How `initialize` gets the organisation's network key.
    public enum NetworkKeySource: Sendable {
        /// Leave it for later (the daemon will not connect until the key is in place).
        case none
        /// Make a new one: this is the organisation's first node.
        case generate
        /// Copy the organisation's key from this file.
        case copy(from: String)
    }

    /// What `initialize` made.
    public struct Initialized: Sendable {
        public let nodeID: NodeID
        public let wroteConfig: Bool
        public let hasNetworkKey: Bool
    }

    /// Creates the data dir (mode 0700), a new identity (mode 0600), a commented default config
    /// and an empty store. Refuses, changing nothing, when the dir already has an identity.
    public func initialize(department: String, networkKey: NetworkKeySource = .none) throws(DataDirectoryError) -> Initialized {
        let department = department.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !department.isEmpty, department.count <= 80, department.utf8.count <= PeerInfo.maxDepartmentBytes,
              !department.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\"" || $0 == "\\" })
        else { throw .badDepartment(department) }
        if FileManager.default.fileExists(atPath: identityPath) {
            throw .identityExists(path: identityPath, nodeID: try? loadIdentity().nodeID)
        }
        // Read a key to copy before creating anything, so a bad one changes nothing.
        let key: NetworkKey?
        switch networkKey {
        case .none: key = nil
        case .generate: key = NetworkKey.generate()
        case .copy(let source):
            do { key = try NetworkKey.load(path: source) } catch { throw .networkKey(error) }
        }
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .io(path: url.path, reason: "\(error.localizedDescription)")
        }
        let identity = NodeIdentity()
        try writeExclusive(identityPath, mode: 0o600, contents: IdentityFile.encode(identity))
        var wroteConfig = false
        if !FileManager.default.fileExists(atPath: configPath) {
            try writeExclusive(configPath, mode: 0o644, contents: DefaultConfig.text(department: department))
            wroteConfig = true
        }
        if let key, !FileManager.default.fileExists(atPath: networkKeyPath) {
            do { try key.write(to: networkKeyPath) } catch { throw .networkKey(error) }
        }
        do {
            _ = try IdeaStore(path: storePath, identity: identity)
        } catch {
            throw .io(path: storePath, reason: "\(error)")
        }
        return Initialized(nodeID: identity.nodeID, wroteConfig: wroteConfig, hasNetworkKey: FileManager.default.fileExists(atPath: networkKeyPath))
    }

    /// Loads the identity, refusing a key file that others can read.
    public func loadIdentity() throws(DataDirectoryError) -> NodeIdentity {
        let text: String
        do { text = try PrivateFile.readOwnerOnly(identityPath) } catch {
            switch error {
            case .missing: throw .noIdentity(path: identityPath)
            case .permissions(let mode): throw .identityPermissions(path: identityPath, mode: mode)
            default: throw .io(path: identityPath, reason: "cannot read")
            }
        }
        guard let identity = IdentityFile.decode(text) else { throw .malformedIdentity(path: identityPath) }
        return identity
    }

    /// Opens the store with the node's identity.
    public func openStore() throws -> IdeaStore {
        try IdeaStore(path: storePath, identity: try loadIdentity())
    }

    private func writeExclusive(_ path: String, mode: mode_t, contents: String) throws(DataDirectoryError) {
        do { try PrivateFile.create(path, mode: mode, contents: contents) } catch {
            switch error {
            case .io(let reason): throw .io(path: path, reason: reason)
            default: throw .io(path: path, reason: "already exists")
            }
        }
    }
}

public enum DataDirectoryError: Error, Equatable, Sendable, CustomStringConvertible {
    case identityExists(path: String, nodeID: NodeID?)
    case noIdentity(path: String)
    case identityPermissions(path: String, mode: Int)
    case malformedIdentity(path: String)
    case badDepartment(String)
    case networkKey(NetworkKeyError)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .identityExists(let path, let node):
            "\(path) already exists\(node.map { " (node \($0.short))" } ?? ""); refusing to overwrite a node identity. "
                + "Use another --data dir, or remove the old identity only if this node is being retired."
        case .noIdentity(let path): "no identity at \(path): run `ideameshd init --data DIR --dept NAME` first"
        case .identityPermissions(let path, let mode):
            "\(path) has mode \(String(mode, radix: 8)); it must be readable by its owner only: chmod 600 \(path)"
        case .malformedIdentity(let path): "\(path) is not an ideamesh identity file"
        case .badDepartment(let name): "department name \"\(name)\" must be 1-80 characters, without quotes, backslashes or control characters"
        case .networkKey(let error): error.description
        case .io(let path, let reason): "\(path): \(reason)"
        }
    }
}

/// The identity file: a comment and one line `ed25519:<base32 seed>`.
enum IdentityFile {
    static func encode(_ identity: NodeIdentity) -> String {
        """
        # ideamesh node identity (Ed25519 private key seed). Keep secret: mode 0600, never share.
        # node id: \(identity.nodeID.base32)
        ed25519:\(Base32.encode(Array(identity.seed)))

        """
    }

    static func decode(_ text: String) -> NodeIdentity? {
        for line in text.split(separator: "\n") where line.hasPrefix("ed25519:") {
            guard let seed = Base32.decode(String(line.dropFirst("ed25519:".count))), seed.count == 32 else { return nil }
            return try? NodeIdentity(seed: seed)
        }
        return nil
    }
}
