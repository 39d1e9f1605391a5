import Foundation
import MeshClient
import MeshCRDT
import MeshStore
import Synchronization
import MeshLoopback
#if canImport(Glibc)
import Glibc
#endif

/// Helpers for the crash and fault tests: bulk history, cheap progress reads, the store of a
/// stopped node opened aside, and a writer that keeps a list of acknowledged writes.
extension DaemonNode {
    /// Ops held (`admin.status`): cheaper than `digest()`, which hashes the whole store.
    func opCount() throws -> Int {
        let status = try call("admin.status")
        guard let ops = jsonInt(status["ops"]) else { throw HarnessError("\(name): malformed admin.status: \(status)") }
        return ops
    }

    /// Imports `count` ideas titled "`prefix` N" (N from 1), `perRequest` rows a request (each
    /// request one transaction: much faster than one submit per idea). `problemBytes`: pad each
    /// problem with that many random base32 characters, which compression cannot shrink.
    @discardableResult
    func importIdeas(prefix: String, count: Int, problemBytes: Int = 0, perRequest: Int = 400) throws -> [String] {
        var ids = [String]()
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        for start in stride(from: 1, through: count, by: perRequest) {
            let rows: [[String: Any]] = (start...min(count, start + perRequest - 1)).map { index in
                let padding = String((0..<problemBytes).map { _ in alphabet[Int(generator.next() % 32)] })
                return ["title": "\(prefix) \(index)", "problem": "problem \(index) \(padding)", "solution": "solution \(index)"]
            }
            let result = try call("import", ["rows": rows])
            guard let written = result["ids"] as? [String], written.count == rows.count else {
                throw HarnessError("\(name): import gave \(result)")
            }
            ids += written
        }
        return ids
    }

    /// The ids of every idea held (`idea.list`, up to 10,000).
    func ideaIDs() throws -> Set<String> {
        let result = try call("idea.list", ["limit": 10_000])
        guard let ideas = result["ideas"] as? [[String: Any]] else { throw HarnessError("\(name): malformed idea.list: \(result)") }
        return Set(ideas.compactMap { $0["id"] as? String })
    }

    /// What a stopped node's store holds, opened aside the way the daemon opens it at start
    /// (which recovers a WAL left by a crash): SQLite's integrity check, the version vector, ops.
    func inspectStore() throws -> (integrity: String, vector: VersionVector, ops: Int) {
        guard !isRunning else { throw HarnessError("\(name) is running: stop it before opening its store") }
        let store = try IdeaStore(path: storePath, identity: nil)
        return (try store.integrityCheck(), try store.versionVector(), try store.opCount())
    }

    /// The highest seq of this node's own chain in `vector`.
    func ownSeq(in vector: VersionVector) throws -> UInt64 {
        guard let id = NodeID(base32: nodeID) else { throw HarnessError("\(name): bad node id \(nodeID)") }
        return vector[id].seq
    }
}

/// The seq of an op id `<origin>-<seq>`.
func seqOf(_ id: String) -> UInt64? {
    id.split(separator: "-").last.flatMap { UInt64($0) }
}

/// Submits ideas to one node's control socket from a thread of its own, one at a time, until
/// `finish()` or the first failure (the daemon was killed). Every id the daemon returned is an
/// acknowledged write: durable by CONTROL.md §5, so it must survive any crash after it.
/// Every `cliEvery`-th write goes through the real `ideamesh submit --json` instead, when that
/// executable is built, so that "done" as the CLI reports it is covered too.
final class BackgroundWriter: Sendable {
    private struct State: Sendable {
        var stop = false
        var done = false
        var acknowledged: [String] = []
        var viaCLI = 0
        var ending: String?
    }
    private let state = Mutex(State())

    static var cli: String? {
        let path = Loopback.binaries.appendingPathComponent("ideamesh").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    init(socket: String, prefix: String, scratch: String, cliEvery: Int? = nil) {
        let thread = Thread { [self] in
            defer { state.withLock { $0.done = true } }
            do {
                let connection = try ControlConnection(path: socket, timeoutSeconds: 30)
                var index = 0
                while !state.withLock({ $0.stop }) {
                    index += 1
                    let title = "\(prefix) \(index)"
                    let id: String
                    if let every = cliEvery, let cli = Self.cli, index % every == 0 {
                        id = try Self.submitWithCLI(cli, socket: socket, title: title, scratch: scratch)
                        state.withLock { $0.viaCLI += 1 }
                    } else {
                        let reply = try connection.call("idea.submit", ["title": title, "problem": "p \(index)", "solution": "s \(index)"])
                        guard let written = reply["id"] as? String else { throw HarnessError("no id in \(reply)") }
                        id = written
                    }
                    state.withLock { $0.acknowledged.append(id) }
                }
                state.withLock { $0.ending = "stopped" }
            } catch {
                state.withLock { $0.ending = "\(error)" }
            }
        }
        thread.name = "background-writer"
        thread.start()
    }

    var acknowledgedCount: Int { state.withLock { $0.acknowledged.count } }

    /// Stops the writer (if the daemon has not already) and waits for its thread; every
    /// acknowledged id, how many went through the CLI, and why it ended.
    func finish(timeout: Duration = .seconds(60)) async throws -> (acknowledged: [String], viaCLI: Int, ending: String) {
        state.withLock { $0.stop = true }
        let deadline = ContinuousClock.now + timeout
        while !state.withLock({ $0.done }) {
            guard ContinuousClock.now < deadline else { throw HarnessError("the background writer did not end within \(timeout)") }
            try await Task.sleep(for: .milliseconds(10))
        }
        return state.withLock { ($0.acknowledged, $0.viaCLI, $0.ending ?? "?") }
    }

    /// `ideamesh --socket S submit --title T ... --json`; the id it printed, or a thrown error.
    private static func submitWithCLI(_ cli: String, socket: String, title: String, scratch: String) throws -> String {
        let out = "\(scratch)/cli-\(UUID().uuidString.prefix(8)).out"
        defer { unlink(out) }
        let process = try ChildProcess(
            executable: cli, arguments: ["submit", "--socket", socket, "--title", title, "--problem", "p", "--solution", "s", "--json"],
            stdout: out)
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                process.killAndReap()
                throw HarnessError("ideamesh submit hung")
            }
            usleep(5_000)
        }
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        guard process.exit?.clean == true else { throw HarnessError("ideamesh submit: \(process.exit.map { "\($0)" } ?? "?"): \(text)") }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let id = object["id"] as? String else {
            throw HarnessError("ideamesh submit --json printed no id: \(text)")
        }
        return id
    }
}
