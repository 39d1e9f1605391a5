import Foundation
import MeshClient
import MeshModel
import MeshNode
import MeshStore
import Testing
import MeshLoopback
#if canImport(Glibc)
import Glibc
#endif

/// The control API of the CLI issue (Protocol/CONTROL.md §5 and §6) through real daemons: every
/// staff and admin method at least once, with its refusals (bad parameters, `not_found`,
/// `forbidden`), and refusals change nothing.
@Suite(.timeLimit(.minutes(2)))
struct ControlApiTests {
    /// A request that must fail with `code`; its message.
    @discardableResult
    func refused(_ node: DaemonNode, _ method: String, _ params: [String: Any]? = nil, _ code: String,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let reply = try node.request(method, params)
        #expect(!reply.ok && reply.errorCode == code, "\(method) \(params ?? [:]): \(reply)", sourceLocation: sourceLocation)
        return reply.errorMessage ?? ""
    }

    func list(_ node: DaemonNode, _ params: [String: Any] = [:]) throws -> (total: Int, ideas: [[String: Any]]) {
        let result = try node.call("idea.list", params)
        return (jsonInt(result["total"]) ?? -1, result["ideas"] as? [[String: Any]] ?? [])
    }

    func titles(_ node: DaemonNode, _ params: [String: Any] = [:]) throws -> [String] {
        try list(node, params).ideas.compactMap { $0["title"] as? String }
    }

    // MARK: Staff

    @Test func staffMethodsOnOneNode() async throws {
        let cluster = try DaemonCluster("staff")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a")
        try a.configure(trust: [])
        try await cluster.start(a)

        _ = try a.call("theme.define", ["code": "safety", "name": "Safety"])
        let falls = try #require(try a.call("idea.submit", ["title": "Falls", "problem": "p", "solution": "s", "theme": "safety"])["id"] as? String)
        let flow = try a.submit("Flow")
        let quiet = try a.submit("Quiet one")
        _ = try a.call("idea.support", ["id": falls])
        let comment = try #require(try a.call("idea.comment", ["id": falls, "text": "first"])["id"] as? String)
        let gone = try #require(try a.call("idea.comment", ["id": falls, "text": "second"])["id"] as? String)

        // idea.list: filters, sorts, counts, department.
        let all = try list(a)
        #expect(all.total == 3 && all.ideas.map { $0["title"] as? String } == ["Quiet one", "Flow", "Falls"])
        #expect(jsonInt(all.ideas.last?["comment_count"]) == 2 && all.ideas.last?["department"] as? String == a.department)
        #expect(all.ideas.allSatisfy { $0["problem"] == nil && $0["comments"] == nil }, "summaries only")
        #expect(try titles(a, ["theme": "safety"]) == ["Falls"])
        #expect(try titles(a, ["status": "proposed", "limit": 1]) == ["Quiet one"])
        #expect(try list(a, ["limit": 1]).total == 3)
        #expect(try titles(a, ["sort": "support"]).first == "Falls")
        #expect(try titles(a, ["sort": "quiet"]).last == "Falls")
        #expect(try titles(a, ["mine": true]).count == 3)
        #expect(try titles(a, ["origin": a.department.lowercased()]).count == 3)
        #expect(try titles(a, ["origin": a.short]).count == 3)
        #expect(try titles(a, ["since_ms": 4_102_444_800_000]).isEmpty)
        try refused(a, "idea.list", ["status": "done"], "invalid")
        try refused(a, "idea.list", ["sort": "loud"], "invalid")
        try refused(a, "idea.list", ["origin": "zzzz"], "not_found")
        try refused(a, "idea.list", ["colour": "red"], "bad_request")
        try refused(a, "idea.list", ["mine": "yes"], "bad_request")

        // idea.edit, comment.edit and comment.retract.
        let before = try a.digest()
        try refused(a, "idea.edit", ["id": falls], "invalid")
        try refused(a, "idea.edit", ["id": falls, "title": ""], "invalid")
        try refused(a, "idea.edit", ["id": "\(a.nodeID)-99", "title": "x"], "not_found")
        try refused(a, "comment.edit", ["id": "\(a.nodeID)-99", "text": "x"], "not_found")
        try refused(a, "comment.edit", ["id": comment], "bad_request")
        try refused(a, "idea.link", ["from": falls, "to": flow, "kind": "likes"], "invalid")
        try refused(a, "idea.link", ["from": falls, "to": falls, "kind": "affects"], "invalid")
        try refused(a, "idea.adopt", ["id": falls], "not_allowed")
        // A theme no leader defined is refused, naming the ones there are.
        #expect(try refused(a, "idea.submit", ["title": "t", "problem": "p", "solution": "s", "theme": "saftey"], "invalid")
            == "theme: no theme \"saftey\" is defined; the themes are: safety")
        #expect(try a.digest() == before, "refusals wrote nothing")
        let edit = try a.call("idea.edit", ["id": falls, "title": "Falls at night", "tags": ["Night", "falls"]])
        #expect((edit["id"] as? String)?.hasPrefix(a.nodeID) == true && edit["short_id"] != nil)
        _ = try a.call("comment.edit", ["id": comment, "text": "first, edited"])
        _ = try a.call("comment.retract", ["id": gone, "reason": "wrong idea"])
        try refused(a, "comment.retract", ["id": gone, "reason": "again"], "not_allowed")
        _ = try a.call("idea.link", ["from": flow, "to": falls, "kind": "builds-on"])

        // idea.show: the additions.
        try refused(a, "idea.show", ["id": "\(a.nodeID)-99"], "not_found")
        let shown = try a.call("idea.show", ["id": falls])
        #expect(shown["title"] as? String == "Falls at night" && shown["tags"] as? [String] == ["falls", "night"])
        let comments = try #require(shown["comments"] as? [[String: Any]])
        #expect(comments.map { $0["text"] as? String } == ["first, edited", ""])
        #expect(comments.map { $0["retracted"] as? Bool } == [false, true])
        let history = try #require(shown["history"] as? [[String: Any]])
        #expect(history.map { $0["kind"] as? String } == [
            "idea-create", "support", "comment-add", "comment-add", "idea-edit", "comment-edit", "comment-retract", "link",
        ])
        #expect(history.allSatisfy { $0["id"] is String && $0["author"] is String && $0["created_ms"] != nil && $0["summary"] is String })
        #expect(!history.contains { ($0["summary"] as? String)?.contains("second") == true }, "retracted text stays hidden")
        let links = try #require(shown["links"] as? [[String: Any]])
        #expect(links.count == 1 && links[0]["kind"] as? String == "builds-on" && links[0]["from"] as? String == flow)
        #expect(links[0]["to"] as? String == falls && links[0]["title"] as? String == "Flow")
        #expect((shown["adoptions"] as? [Any])?.isEmpty == true)
        #expect(shown["department"] as? String == a.department && jsonInt(shown["comment_count"]) == 1)

        // Themes (root is an admin, so a leader).
        let themesBefore = try #require(try a.call("themes.list")["themes"] as? [[String: Any]])
        #expect(themesBefore.map { $0["code"] as? String } == ["safety"] && themesBefore.map { jsonInt($0["ideas"]) } == [1], "\(themesBefore)")
        _ = try a.call("theme.define", ["code": "safety", "name": "Patient safety", "description": "falls, errors"])
        _ = try a.call("theme.define", ["code": "flow", "name": "Flow"])
        try refused(a, "theme.define", ["code": "bad code", "name": "x"], "invalid")
        try refused(a, "theme.define", ["code": "x"], "bad_request")
        _ = try a.call("theme.archive", ["code": "flow"])
        try refused(a, "theme.archive", ["code": "flow"], "not_allowed")
        try refused(a, "theme.archive", ["code": "nope"], "not_found")
        let themes = try #require(try a.call("themes.list")["themes"] as? [[String: Any]])
        #expect(themes.map { $0["code"] as? String } == ["safety"])
        #expect(themes[0]["name"] as? String == "Patient safety" && themes[0]["description"] as? String == "falls, errors" && themes[0]["archived"] as? Bool == false)
        let everything = try #require(try a.call("themes.list", ["archived": true])["themes"] as? [[String: Any]])
        #expect(everything.map { $0["code"] as? String } == ["flow", "safety"] && everything[0]["archived"] as? Bool == true)

        // digest.
        let start = try #require(jsonInt(history.last?["created_ms"]))
        try await Task.sleep(for: .milliseconds(5))
        _ = try a.call("idea.status", ["id": quiet, "status": "testing", "reason": "PDSA"])
        let digest = try a.call("digest", ["since_ms": start + 1])
        #expect((digest["new_ideas"] as? [Any])?.isEmpty == true)
        #expect((digest["moved"] as? [[String: Any]])?.map { $0["title"] as? String } == ["Quiet one"])
        #expect((digest["moved"] as? [[String: Any]])?.first?["status"] as? String == "testing")
        #expect((digest["adopted_elsewhere"] as? [Any])?.isEmpty == true)
        #expect(try (a.call("digest", ["since_ms": 0])["new_ideas"] as? [Any])?.count == 3)
        try refused(a, "digest", nil, "bad_request")
        try refused(a, "digest", ["since_ms": -5], "bad_request")

        // export.
        let exported = try #require(try a.call("export")["ideas"] as? [[String: Any]])
        #expect(exported.map { $0["title"] as? String } == ["Falls at night", "Flow", "Quiet one"])
        #expect(exported[0]["problem"] as? String == "p" && (exported[0]["comments"] as? [Any])?.count == 2)
        #expect((exported[0]["links"] as? [Any])?.count == 1 && exported[0]["history"] == nil)
        try refused(a, "export", ["all": true], "bad_request")

        // import: all or nothing.
        let beforeImport = try a.digest()
        let message = try refused(a, "import", ["rows": [
            ["title": "Imported 1", "problem": "p", "solution": "s"],
            ["title": " ", "problem": "p", "solution": "s"],
        ]], "invalid")
        #expect(message.hasPrefix("row 2:"), "\(message)")
        #expect(try refused(a, "import", ["rows": [["title": "t", "problem": "p", "solution": "s", "owner": "x"]]], "invalid").hasPrefix("row 1:"))
        #expect(try refused(a, "import", ["rows": [["title": "t", "problem": "p"]]], "invalid").contains("solution"))
        try refused(a, "import", ["rows": [] as [Any]], "invalid")
        try refused(a, "import", ["rows": [["title": "t", "problem": "p", "solution": "s", "tags": "a,b"]]], "invalid")
        #expect(try a.digest() == beforeImport, "a refused import writes nothing")
        let imported = try a.call("import", ["rows": [
            ["title": "Imported 1", "problem": "p", "solution": "s", "theme": "safety", "tags": ["x"]],
            ["title": "Imported 2", "problem": "p", "solution": "s"],
        ], "anonymous": true])
        let ids = try #require(imported["ids"] as? [String])
        #expect(ids.count == 2)
        #expect(try a.digest().ops == beforeImport.ops + 2)
        #expect(try a.call("idea.show", ["id": ids[0]])["author"] as? String == "")
        #expect(try titles(a, ["theme": "safety"]) == ["Imported 1", "Falls at night"])
    }

    /// Leaders' and admins' methods refuse user nobody; staff methods serve it.
    @Test(.enabled(if: Harness.canRunAsNobody, "needs root, setpriv and a system python3 to run a client as user nobody"))
    func aUserWhoIsNotAnAdminIsRefusedLeadersAndAdminsMethods() async throws {
        let cluster = try DaemonCluster("forbid")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a")
        try a.configure(trust: [])
        try await cluster.start(a)
        _ = try a.call("theme.define", ["code": "safety", "name": "Safety"])
        let before = try a.digest()
        let forbidden: [(String, [String: Any]?)] = [
            ("theme.define", ["code": "flow", "name": "Flow"]), ("theme.archive", ["code": "safety"]),
            ("admin.replication", nil), ("admin.where", ["id": "\(a.nodeID)-1"]), ("admin.conflicts", nil),
            ("admin.forks", nil), ("admin.fork.resolve", ["origin": a.nodeID]), ("admin.trust.list", nil),
            ("admin.trust.add", ["node_id": a.nodeID]), ("admin.trust.remove", ["node_id": a.nodeID]),
            ("admin.metrics", nil), ("admin.backup", ["path": cluster.root + "/nobody.sqlite"]),
        ]
        let lines = try forbidden.map { try ControlSocketClient.encode($0.0, $0.1) } + [
            try ControlSocketClient.encode("themes.list"), try ControlSocketClient.encode("idea.list", ["mine": true]),
        ]
        let replies = try Harness.controlAsNobody(socket: a.controlSocket, lines: lines)
        for (reply, request) in zip(replies, forbidden) {
            #expect(!reply.ok && reply.errorCode == "forbidden", "\(request.0): \(reply)")
        }
        #expect(replies[forbidden.count].ok && (replies[forbidden.count].result["themes"] as? [Any])?.count == 1)
        #expect(replies[forbidden.count + 1].ok && jsonInt(replies[forbidden.count + 1].result["total"]) == 0)
        #expect(try a.digest() == before)
        #expect(!FileManager.default.fileExists(atPath: cluster.root + "/nobody.sqlite"))
    }

    // MARK: Two departments

    /// B trusts nobody at first; an admin adds A at B (persisted, effective at once), they sync,
    /// then A is removed, both change the same idea's status, A is added again: a conflict.
    /// Along the way: adoption across departments, department names, replication, where.
    @Test func trustAdoptionReplicationWhereAndConflicts() async throws {
        let cluster = try DaemonCluster("trust")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a", department: "Renal Ward"), b = try cluster.addNode("b", department: "Cardiology")
        try a.configure(seeds: [b], trust: [b])
        try b.configure(seeds: [a], trust: [])
        try await cluster.start(a, b)
        let idea = try a.submit("Shared idea")

        // admin.trust.*: add A at B.
        #expect(try (b.call("admin.trust.list")["nodes"] as? [Any])?.isEmpty == true)
        try refused(b, "admin.trust.add", ["node_id": "not-a-node"], "invalid")
        try refused(b, "admin.trust.add", ["node_id": b.nodeID], "not_allowed")
        try refused(b, "admin.trust.remove", ["node_id": a.nodeID], "not_found")
        let added = try b.call("admin.trust.add", ["node_id": a.nodeID])
        #expect(added["source"] as? String == "admin" && added["changed"] as? Bool == true)
        #expect(try b.call("admin.trust.add", ["node_id": a.nodeID])["changed"] as? Bool == false)
        let file = try String(contentsOfFile: b.dataDir + "/trusted-nodes", encoding: .utf8)
        #expect(file.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty } == [Substring(a.nodeID)])
        let trusted = try #require(try b.call("admin.trust.list")["nodes"] as? [[String: Any]])
        #expect(trusted.count == 1 && trusted[0]["node_id"] as? String == a.nodeID && trusted[0]["source"] as? String == "admin")
        try await cluster.waitConverged([a, b], ops: 1)
        #expect(try a.call("admin.trust.list")["nodes"].map { ($0 as? [[String: Any]])?.first?["source"] as? String } == "config")
        try refused(a, "admin.trust.remove", ["node_id": b.short], "not_allowed")

        // Department names and idea.list's origin filter; replication; where.
        try await cluster.eventually("B knows A's department") { try b.call("idea.show", ["id": idea])["department"] as? String == "Renal Ward" }
        #expect(try titles(b, ["origin": "renal ward"]) == ["Shared idea"])
        #expect(try titles(b, ["origin": "Cardiology"]).isEmpty)
        let replication = try b.call("admin.replication")
        let origins = try #require(replication["origins"] as? [[String: Any]])
        #expect(origins.count == 1 && origins[0]["origin"] as? String == a.nodeID && jsonInt(origins[0]["seq"]) == 1)
        #expect(origins[0]["department"] as? String == "Renal Ward")
        let replicationPeers = try #require(replication["peers"] as? [[String: Any]])
        #expect(replicationPeers.map { $0["node_id"] as? String } == [a.nodeID])
        #expect((replicationPeers[0]["behind"] as? [String: Any]).map { $0.mapValues { jsonInt($0) } } == [a.nodeID: 0])
        let whereIs = try b.call("admin.where", ["id": idea])
        #expect(whereIs["idea"] as? String == idea && whereIs["latest"] as? String == idea)
        let wherePeers = try #require(whereIs["peers"] as? [[String: Any]])
        #expect(wherePeers.count == 1 && wherePeers[0]["node_id"] as? String == a.nodeID)
        #expect(wherePeers[0]["has_idea"] as? Bool == true && wherePeers[0]["has_latest"] as? Bool == true && wherePeers[0]["connected"] as? Bool == true)
        try refused(b, "admin.where", ["id": "\(a.nodeID)-77"], "not_found")
        try refused(b, "admin.where", nil, "bad_request")

        // Adoption across departments, and A's digest of it.
        let adoption = try #require(try b.call("idea.adopt", ["id": idea])["id"] as? String)
        #expect(adoption.hasPrefix(b.nodeID))
        try refused(b, "idea.adopt", ["id": idea], "not_allowed")
        try refused(b, "idea.adopt", ["id": "\(a.nodeID)-50"], "not_found")
        try await cluster.waitConverged([a, b], ops: 2)
        let adoptions = try #require(try a.call("idea.show", ["id": idea])["adoptions"] as? [[String: Any]])
        #expect(adoptions.count == 1 && adoptions[0]["id"] as? String == adoption && adoptions[0]["department"] as? String == "Cardiology")
        #expect(adoptions[0]["status"] as? String == "proposed" && adoptions[0]["origin"] as? String == b.nodeID)
        #expect(try a.call("idea.show", ["id": adoption])["adopted_from"] as? String == idea)
        let elsewhere = try #require(try a.call("digest", ["since_ms": 0])["adopted_elsewhere"] as? [[String: Any]])
        #expect(elsewhere.count == 1 && elsewhere[0]["source"] as? String == idea && elsewhere[0]["adoption"] as? String == adoption)
        #expect(elsewhere[0]["source_title"] as? String == "Shared idea" && elsewhere[0]["department"] as? String == "Cardiology")

        // Remove A at B (the link drops), write apart, add A again. B may not move A's idea
        // (Protocol/README.md, "Rights"), only its own copy: no conflict.
        let removed = try b.call("admin.trust.remove", ["node_id": String(a.nodeID.prefix(8))])
        #expect(removed["changed"] as? Bool == true)
        try await cluster.eventually("B drops A") { try b.syncingPeers().isEmpty }
        _ = try a.call("idea.status", ["id": idea, "status": "testing", "reason": "A tries it"])
        let refusal = try refused(b, "idea.status", ["id": idea, "status": "declined", "reason": "B does not"], "not_allowed")
        #expect(refusal.contains("is Renal Ward's idea: only Renal Ward changes its"), "\(refusal)")
        _ = try b.call("idea.status", ["id": adoption, "status": "declined", "reason": "B does not"])
        _ = try b.call("idea.comment", ["id": idea, "text": "B does not think it would work here"])
        // While apart, B remembers what A held: it has the idea but not A's latest change.
        let apart = try #require(try b.call("admin.where", ["id": idea])["peers"] as? [[String: Any]])
        #expect(apart.first?["connected"] as? Bool == false && apart.first?["has_idea"] as? Bool == true)
        #expect(apart.first?["has_latest"] as? Bool == false, "B's comment is the latest here")
        _ = try b.call("admin.trust.add", ["node_id": a.nodeID])
        try await cluster.waitConverged([a, b], ops: 5, timeout: .seconds(60))
        for node in [a, b] {
            #expect((try node.call("admin.conflicts")["ideas"] as? [[String: Any]] ?? []).isEmpty, "\(node.name)")
            #expect(try node.call("idea.show", ["id": idea])["status"] as? String == "testing")
            #expect(try node.call("idea.show", ["id": adoption])["status"] as? String == "declined")
        }

        // SIGHUP merges the file with the config again: A stays trusted at B.
        try b.send(signal: SIGHUP)
        try await cluster.eventually("B reloads") { b.currentLog.contains("trust list reloaded") }
        #expect(try (b.call("admin.trust.list")["nodes"] as? [[String: Any]])?.map { $0["source"] as? String } == ["admin"])
        try await cluster.holds("A and B stay connected", for: .seconds(1)) { try b.syncingPeers() == [a.nodeID] }

        // admin.verify: the peer's digest against this node's.
        let verified = try b.call("admin.verify", ["peer": a.short])
        #expect(verified["peer"] as? String == a.nodeID && verified["equal"] as? Bool == true, "\(verified)")
        #expect(verified["first_differing_origin"] == nil && verified["digest"] as? String == verified["peer_digest"] as? String)
        #expect(verified["digest"] as? String == (try a.digest().digest))
        try refused(b, "admin.verify", ["peer": "zzzz"], "not_found")
        #expect(try refused(b, "admin.verify", ["peer": b.nodeID], "invalid").contains("is this node"))
        try refused(b, "admin.verify", nil, "bad_request")

        // Metrics: per-peer counters, forks, conflicts (none: only A changes A's idea).
        let text = try #require(try b.call("admin.metrics")["text"] as? String)
        for family in ["ideamesh_ops_total", "ideamesh_origins", "ideamesh_peers_connected", "ideamesh_forks", "ideamesh_db_bytes",
                       "ideamesh_uptime_seconds", "ideamesh_peer_bytes_in_total", "ideamesh_peer_ops_out_total"] {
            #expect(text.contains("# HELP \(family) ") && text.contains("# TYPE \(family) "), "\(family) in\n\(text)")
        }
        #expect(text.contains("\nideamesh_ops_total 5\n") && text.contains("\nideamesh_conflicts 0\n") && text.contains("\nideamesh_forks 0\n"), "\(text)")
        #expect(text.contains("ideamesh_peer_ops_in_total{node_id=\"\(a.nodeID)\"} "), "\(text)")
        #expect(text.split(separator: "\n").allSatisfy { $0.hasPrefix("#") || $0.split(separator: " ").count == 2 }, "\(text)")
    }

    // MARK: Backup and forks

    /// An online backup of A, restored and written to: what a node restored from an old backup
    /// does. Its divergent op is put into B's store while B is stopped (deterministic: over the
    /// network it reaches B only when B has not got A's original op yet). B reports the fork and
    /// holds back A's further ops until an admin resolves it; then B catches up.
    @Test func anAdminResolvesAForkOfARestoredBackup() async throws {
        let cluster = try DaemonCluster("fork")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a"), b = try cluster.addNode("b")
        try a.configure(seeds: [b], trust: [b])
        try b.configure(trust: [a])
        try await cluster.start(a, b)
        try a.submit("Fork: before the backup")
        try await cluster.waitConverged([a, b], ops: 1)

        let path = cluster.root + "/a-backup.sqlite"
        try refused(a, "admin.backup", ["path": "relative.sqlite"], "invalid")
        try refused(a, "admin.backup", ["path": cluster.root + "/no/such/dir.sqlite"], "invalid")
        try refused(a, "admin.backup", nil, "bad_request")
        let backup = try a.call("admin.backup", ["path": path])
        #expect(backup["path"] as? String == path && (jsonInt(backup["bytes"]) ?? 0) > 0)
        try refused(a, "admin.backup", ["path": path], "invalid")
        try a.submit("Fork: after the backup")
        try await cluster.waitConverged([a, b], ops: 2)
        #expect(try (b.call("admin.forks")["forks"] as? [Any])?.isEmpty == true)
        try refused(b, "admin.fork.resolve", ["origin": a.nodeID], "not_found")

        _ = try await b.terminate()
        do {
            let identity = try DataDirectory(path: a.dataDir).loadIdentity()
            let restoredPath = cluster.root + "/a-restored.sqlite"
            try FileManager.default.copyItem(atPath: path, toPath: restoredPath)
            let restored = try IdeaStore(path: restoredPath, identity: identity)
            #expect(try restored.versionVector()[identity.nodeID].seq == 1, "the backup holds what was written before it")
            try restored.write(.ideaCreate(IdeaContent(title: "Fork: written by the restored node", problem: "p", solution: "s")), author: "root")
            let divergent = try restored.ops(of: identity.nodeID, from: 1, limit: 10)
            let atB = try IdeaStore(path: b.storePath, identity: nil)
            #expect(try atB.apply(batch: divergent).fork?.seq == 2)
        }
        try await cluster.start(b)

        let forks = try #require(try b.call("admin.forks")["forks"] as? [[String: Any]])
        #expect(forks.count == 1 && forks[0]["origin"] as? String == a.nodeID && jsonInt(forks[0]["seq"]) == 2)
        #expect(forks[0]["reason"] is String && forks[0]["detected_ms"] != nil)
        #expect(((try b.call("admin.metrics")["text"]) as? String)?.contains("\nideamesh_forks 1\n") == true)
        try a.submit("Fork: A goes on")
        try await cluster.eventually("B and A connected again") { try b.syncingPeers() == [a.nodeID] }
        try await cluster.holds("B holds back A's ops while the fork is open", for: .seconds(1)) { try b.digest().heads[a.nodeID] == 2 }
        let verified = try b.call("admin.verify", ["peer": a.nodeID])
        #expect(verified["equal"] as? Bool == false && verified["first_differing_origin"] as? String == a.nodeID, "\(verified)")
        try refused(b, "admin.fork.resolve", ["origin": b.nodeID], "not_found")
        try refused(b, "admin.fork.resolve", ["origin": "ab"], "not_found")  // nor a department called "ab"
        try refused(b, "admin.fork.resolve", nil, "bad_request")

        let resolved = try b.call("admin.fork.resolve", ["origin": a.short])
        #expect(resolved["origin"] as? String == a.nodeID && jsonInt(resolved["dropped"]) == 1)
        #expect(try (b.call("admin.forks")["forks"] as? [Any])?.isEmpty == true)
        try await cluster.waitConverged([a, b], ops: 3)
        #expect(try !b.ideaTitles().contains("Fork: written by the restored node"), "B kept the chain it held")
    }
}
