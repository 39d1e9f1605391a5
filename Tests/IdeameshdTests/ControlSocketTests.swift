import Foundation
import MeshClient
import Testing
import MeshLoopback
#if canImport(Glibc)
import Glibc
#endif

/// The control socket (Protocol/CONTROL.md) of a real daemon, through a real Unix socket.
@Suite(.timeLimit(.minutes(3)))
struct ControlSocketTests {
    static func submitLine(_ params: [String: Any], id: Any? = nil) throws -> String {
        try ControlSocketClient.encode("idea.submit", params, id: id)
    }

    /// Malformed, unknown and incomplete requests get their error code, change nothing, and
    /// leave the connection usable; a good request after them works and is visible.
    @Test func badRequestsAreRefusedAndChangeNothing() async throws {
        let cluster = try DaemonCluster("control")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a")
        try a.configure(trust: [])
        try await cluster.start(a)
        let before = try a.digest()
        let client = try a.client()

        let garbage = try client.roundTrip(raw: "this is not json {")
        #expect(!garbage.ok && garbage.errorCode == "bad_request" && garbage.id == nil, "\(garbage)")
        let pong = try client.request("ping", id: 1)
        #expect(pong.ok && jsonInt(pong.id) == 1, "the connection still answers after a malformed line: \(pong)")
        #expect(pong.result["node_id"] as? String == a.nodeID)
        #expect(pong.result["user"] as? String == "root" || geteuid() != 0)

        let unknown = try client.request("idea.frobnicate", id: "x")
        #expect(!unknown.ok && unknown.errorCode == "unknown_method" && unknown.id as? String == "x", "\(unknown)")

        let missing = try client.roundTrip(raw: try Self.submitLine(["title": "Missing solution", "problem": "p"], id: 2))
        #expect(!missing.ok && missing.errorCode == "bad_request", "\(missing)")
        #expect(missing.errorMessage?.contains("solution") == true, "the message names the missing field: \(missing)")
        let typo = try client.roundTrip(raw: try Self.submitLine(["title": "Typo", "problem": "p", "solution": "s", "colour": "red"]))
        #expect(!typo.ok && typo.errorCode == "bad_request" && typo.errorMessage?.contains("colour") == true, "\(typo)")
        let mistyped = try client.roundTrip(raw: try Self.submitLine(["title": 5, "problem": "p", "solution": "s"]))
        #expect(!mistyped.ok && mistyped.errorCode == "bad_request", "\(mistyped)")
        let empty = try client.roundTrip(raw: try Self.submitLine(["title": "", "problem": "p", "solution": "s"]))
        #expect(!empty.ok && empty.errorCode == "invalid", "\(empty)")
        let unknownKey = try client.roundTrip(raw: #"{"method":"ping","extra":1}"#)
        #expect(!unknownKey.ok && unknownKey.errorCode == "bad_request", "\(unknownKey)")
        let notFound = try client.request("idea.show", ["id": "\(a.nodeID)-999"])
        #expect(!notFound.ok && notFound.errorCode == "not_found", "\(notFound)")
        #expect(try a.digest() == before, "refused requests wrote nothing")

        // Several requests in one write, a blank line among them: one reply each, in order.
        let pipelined = [
            try ControlSocketClient.encode("ping", id: 10),
            "",
            try Self.submitLine(["title": "Control: a good idea", "problem": "the problem", "solution": "the fix"], id: 11),
            try ControlSocketClient.encode("idea.list", id: 12),
        ]
        try client.write(pipelined.map { $0 + "\n" }.joined())
        let replies = try (0..<3).map { _ in try ControlResponse(line: try client.readLine()) }
        #expect(replies.map { jsonInt($0.id) } == [10, 11, 12], "\(replies)")
        #expect(replies.allSatisfy { $0.ok }, "\(replies)")
        let id = try #require(replies[1].result["id"] as? String)
        let shortID = try #require(replies[1].result["short_id"] as? String)
        #expect(id == "\(a.nodeID)-1" && shortID == "\(a.short)-1")
        #expect(jsonInt(replies[2].result["total"]) == 1, "a write is visible once acknowledged: \(replies[2])")

        let after = try a.digest()
        #expect(after.ops == before.ops + 1 && after.digest != before.digest)
        let shown = try client.request("idea.show", ["id": shortID]).get()
        #expect(shown["id"] as? String == id)
        #expect(shown["title"] as? String == "Control: a good idea")
        #expect(shown["problem"] as? String == "the problem" && shown["solution"] as? String == "the fix")
        #expect(shown["author"] as? String == "root" || geteuid() != 0)
    }

    /// CONTROL.md: "A request line MUST be at most 1 MiB; a longer one gets a `too_large` error
    /// and the connection is closed." Checked just over the limit (the line and its newline sent
    /// together) and far over it (no newline yet).
    @Test(arguments: [(1 << 20) + 1, 3 << 20])
    func aRequestLineOverOneMiBIsRefused(length: Int) async throws {
        let cluster = try DaemonCluster("large")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a")
        try a.configure(trust: [])
        try await cluster.start(a)
        let before = try a.digest()

        // A well-formed idea.submit of exactly `length` bytes (the title pads it).
        let skeleton = try Self.submitLine(["title": "", "problem": "p", "solution": "s"])
        let line = try Self.submitLine(["title": String(repeating: "x", count: length - skeleton.utf8.count), "problem": "p", "solution": "s"])
        #expect(line.utf8.count == length)
        let client = try ControlSocketClient(path: a.controlSocket, timeoutSeconds: 5)
        // The daemon may close before it has read everything: a failed write is expected then.
        try? client.write(line + "\n")
        let reply = try ControlResponse(line: try client.readLine())
        #expect(!reply.ok && reply.errorCode == "too_large", "a \(length)-byte line: \(reply.line.prefix(300))")
        do {
            let more = try client.readLine()
            Issue.record("the connection stays open after the reply; then: \(more.prefix(300))")
        } catch {
            #expect("\(error)".contains("closed the connection"), "the connection is closed after too_large: \(error)")
        }
        #expect(try a.digest() == before)
        #expect(try a.call("ping")["node_id"] as? String == a.nodeID, "the daemon serves other connections")
    }

    /// The caller's OS user comes from the socket: user nobody may write (and is the author) but
    /// is refused every admin request; root is an admin.
    @Test(.enabled(if: Harness.canRunAsNobody, "needs root, setpriv and a system python3 to run a client as user nobody"))
    func theCallersOSUserDecidesAuthorshipAndAdminRights() async throws {
        let cluster = try DaemonCluster("nobody")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a")
        try a.configure(trust: [])
        try await cluster.start(a)
        // The socket sits in the cluster root (0755): nobody can reach it, and it is mode 0666.
        let mode = try FileManager.default.attributesOfItem(atPath: a.controlSocket)[.posixPermissions] as? Int
        #expect(mode == 0o666)

        let lines = [
            try ControlSocketClient.encode("ping"),
            try ControlSocketClient.encode("admin.status"),
            try ControlSocketClient.encode("admin.peers"),
            try ControlSocketClient.encode("admin.digest"),
            try Self.submitLine(["title": "Nobody's idea", "problem": "p", "solution": "s"]),
            try Self.submitLine(["title": "Nobody's anonymous idea", "problem": "p", "solution": "s", "anonymous": true]),
        ]
        let replies = try Harness.controlAsNobody(socket: a.controlSocket, lines: lines)
        #expect(replies[0].ok && replies[0].result["user"] as? String == "nobody" && replies[0].result["admin"] as? Bool == false, "\(replies[0])")
        for reply in replies[1...3] {
            #expect(!reply.ok && reply.errorCode == "forbidden", "\(reply)")
        }
        let id = try #require(try replies[4].get()["id"] as? String)
        let anonymousID = try #require(try replies[5].get()["id"] as? String)

        let rootPing = try a.call("ping")
        #expect(rootPing["user"] as? String == "root" && rootPing["admin"] as? Bool == true)
        #expect(try a.call("idea.show", ["id": id])["author"] as? String == "nobody")
        #expect(try a.call("idea.show", ["id": anonymousID])["author"] as? String == "")
        #expect(try a.digest().ops == 2)
    }
}
