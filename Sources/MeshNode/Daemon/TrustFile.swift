import Foundation
import MeshCRDT

/// The admin-managed part of the trust list: `DATA/trusted-nodes`, one node id (52 base32
/// characters) per line; `#` starts a comment, blank lines are ignored. `admin.trust.add` and
/// `admin.trust.remove` rewrite it atomically (a temporary file, synced, renamed over it); the
/// daemon merges it with the config's `[trust] nodes` at start and on SIGHUP.
struct TrustFile: Sendable {
    let path: String

    init(dataDirectory: String) {
        path = URL(fileURLWithPath: dataDirectory).appendingPathComponent("trusted-nodes").path
    }

    /// The node ids in the file; none when it does not exist. Throws on a line that is not a
    /// node id, naming it.
    func load() throws(ConfigError) -> [NodeID] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigError(file: path, key: nil, problem: "cannot read it: \(error.localizedDescription)")
        }
        var nodes = [NodeID]()
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = line.prefix { $0 != "#" }.trimmingCharacters(in: .whitespaces)
            guard !content.isEmpty else { continue }
            guard let node = NodeID(base32: content) else {
                throw ConfigError(file: path, key: nil, problem: "line \(number + 1): \"\(content)\" is not a node id (52 base32 characters)")
            }
            nodes.append(node)
        }
        return nodes
    }

    /// Writes `nodes` (sorted, with a header comment), replacing the file atomically.
    func save(_ nodes: Set<NodeID>) throws(DaemonError) {
        var text = """
            # Nodes trusted by `ideamesh admin trust add` (one node id per line). The daemon merges
            # these with the config's [trust] nodes; edit with the CLI, or by hand and send SIGHUP.

            """
        for node in nodes.sorted() { text += node.base32 + "\n" }
        let temporary = path + ".tmp"
        let bytes = Array(text.utf8)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: temporary, reason: String(cString: strerror(errno))) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced else {
            unlink(temporary)
            throw .io(path: temporary, reason: "cannot write it")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .io(path: path, reason: reason)
        }
        // The rename is durable once the directory is synced.
        let directory = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }
}
