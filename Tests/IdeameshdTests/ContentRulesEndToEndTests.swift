import Foundation
import MeshClient
import MeshCRDT
import MeshLoopback
import MeshModel
import MeshWire
import Testing

/// Ops signed with an origin's key but made outside the CLI, relayed to a real `ideameshd` by a
/// peer it trusts (AttackEndToEndTests' test peer): the daemon holds them in the log and gives
/// them the effect the content rules allow (Protocol/README.md, "Content rules").
@Suite(.timeLimit(.minutes(3)))
struct ContentRulesEndToEndTests {
    typealias Setup = AttackEndToEndTests.Setup

    /// An idea with an empty title, problem and solution: held and chained (the origin's next op
    /// applies), not listed, counted by `admin.status` and the metrics, logged with its origin,
    /// seq and the rule it breaks.
    @Test func anEmptyIdeaMadeOutsideTheCLIIsHeldWithoutEffect() async throws {
        let setup = try await Setup("rules")
        defer { setup.cluster.shutdown() }
        let relayed = setup.relayed
        let good = setup.chain(relayed, count: 1)
        let empty = SignedOp.make(
            identity: relayed, seq: 2, prev: good[0].hash, hlc: HLC(millis: 1_750_000_001_000, counter: 0), author: "ann",
            body: .ideaCreate(IdeaContent(title: "", problem: " ", solution: "", theme: "")))
        let support = SignedOp.make(
            identity: relayed, seq: 3, prev: empty.hash, hlc: HLC(millis: 1_750_000_002_000, counter: 0), author: "bob",
            body: .support(idea: OpID(origin: relayed.nodeID, seq: 1)))
        let link = try setup.connect()
        try link.send(.batch(good + [empty, support]))
        try await setup.cluster.eventually("the relayed ops are held") {
            try setup.daemon.digest().heads[relayed.nodeID.base32] == 3
        }
        let titles = try setup.daemon.ideaTitles()
        #expect(titles.sorted() == ["Attack: the daemon's own idea", "Relayed idea \(relayed.nodeID.short)"], "\(titles)")
        let ideas = try setup.daemon.call("idea.list")["ideas"] as? [[String: Any]] ?? []
        let relayedIdea = ideas.first { $0["title"] as? String == "Relayed idea \(relayed.nodeID.short)" }
        #expect(jsonInt(relayedIdea?["supporters"]) == 1, "the op after it applies: \(ideas)")

        let status = try setup.daemon.call("admin.status")
        #expect(jsonInt(status["ops_breaking_rules"]) == 1, "\(status)")
        #expect(jsonInt(status["ops_unknown"]) == 0)
        #expect(jsonInt(status["ops"]) == setup.daemonOps + 3, "the op is held")
        let metrics = try setup.daemon.call("admin.metrics")["text"] as? String ?? ""
        #expect(metrics.contains("ideamesh_ops_without_effect{reason=\"content\"} 1\n"), "\(metrics)")
        #expect(!setup.logLines(
            "op held without effect", "origin=\(relayed.nodeID.short)", "seq=2", "title: must not be empty").isEmpty,
            "logged\n\(setup.daemon.logTail())")
    }

    /// Another department's retitle and status move of the daemon's own idea, signed by that
    /// department's key outside its CLI (Protocol/README.md, "Rights"): held and chained (its
    /// support after them applies), no effect, counted and logged as breaking a rule.
    @Test func anotherDepartmentsRetitleMadeOutsideTheCLIHasNoEffect() async throws {
        let setup = try await Setup("rights")
        defer { setup.cluster.shutdown() }
        let relayed = setup.relayed
        let own = try #require(try setup.daemon.call("idea.list")["ideas"] as? [[String: Any]]).first?["id"] as? String
        let target = OpID(origin: try #require(NodeID(base32: setup.daemon.nodeID)), seq: 1)
        #expect(own == "\(setup.daemon.nodeID)-1")
        var ops = [SignedOp]()
        for body: OpBody in [
            .ideaEdit(idea: target, edits: [FieldEdit(field: .title, value: "Renamed by another department", seen: [])]),
            .statusSet(idea: target, status: .declined, reason: "not for us", seen: []),
            .support(idea: target),
        ] {
            ops.append(SignedOp.make(
                identity: relayed, seq: UInt64(ops.count + 1), prev: ops.last?.hash ?? Data(),
                hlc: HLC(millis: 1_750_000_000_000 + UInt64(ops.count), counter: 0), author: "eve", body: body))
        }
        let link = try setup.connect()
        try link.send(.batch(ops))
        try await setup.cluster.eventually("the relayed ops are held") {
            try setup.daemon.digest().heads[relayed.nodeID.base32] == 3
        }
        let idea = try setup.daemon.show(own!)
        #expect(idea["title"] as? String == "Attack: the daemon's own idea" && idea["status"] as? String == "proposed", "\(idea)")
        #expect(jsonInt(idea["supporters"]) == 1, "the support after them applies: \(idea)")
        #expect(jsonInt(try setup.daemon.call("admin.status")["ops_breaking_rules"]) == 2)
        #expect(setup.logLines("op held without effect", "origin=\(relayed.nodeID.short)", "rights: idea").count == 2,
                "logged\n\(setup.daemon.logTail())")
    }

    /// An op of a body kind added by a later version (the test kind, made outside the CLI): the
    /// daemon holds it without effect and counts it as unknown; restarted as a version that reads
    /// the kind (`IDEAMESH_TEST_BODY_KINDS=1`), it gives the op its effect at start.
    @Test func anOpOfAKindAddedLaterTakesEffectAfterAnUpgrade() async throws {
        let setup = try await Setup("kinds")
        defer { setup.cluster.shutdown() }
        let relayed = setup.relayed
        let idea = setup.chain(relayed, count: 1)
        let bytes = TestBodyKind.encode(
            origin: relayed.nodeID, seq: 2, prev: idea[0].hash, hlc: HLC(millis: 1_750_000_001_000, counter: 0), author: "ann",
            commentOn: OpID(origin: relayed.nodeID, seq: 1), text: "A comment of a kind added later")
        let later = SignedOp(bytes: bytes, signature: relayed.sign(bytes))
        let link = try setup.connect()
        try link.send(.batch(idea + [later]))
        try await setup.cluster.eventually("the relayed ops are held") {
            try setup.daemon.digest().heads[relayed.nodeID.base32] == 2
        }
        let ideas = try setup.daemon.call("idea.list")["ideas"] as? [[String: Any]] ?? []
        let ideaID = try #require(ideas.first { $0["title"] as? String == "Relayed idea \(relayed.nodeID.short)" }?["id"] as? String)
        func comments() throws -> [String] {
            (try setup.daemon.show(ideaID)["comments"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        }
        #expect(try comments().isEmpty)
        #expect(jsonInt(try setup.daemon.call("admin.status")["ops_unknown"]) == 1)
        #expect(!setup.logLines("op held without effect", "origin=\(relayed.nodeID.short)", "seq=2").isEmpty)
        link.close()

        _ = try await setup.daemon.terminate()
        try await setup.daemon.start(environment: [TestBodyKind.environmentVariable: "1"])
        #expect(try comments() == ["A comment of a kind added later"])
        let status = try setup.daemon.call("admin.status")
        #expect(jsonInt(status["ops_unknown"]) == 0, "\(status)")
        #expect(jsonInt(status["ops_breaking_rules"]) == 0)
        #expect(!setup.logLines("ops an earlier version could not read take effect now").isEmpty, "\(setup.daemon.logTail())")
    }
}
