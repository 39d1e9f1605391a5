import Foundation
import MeshClient
import MeshLoopback
import Testing

/// Erasure (Protocol/README.md, "Erasure") with real daemons and the real CLI: patient details
/// stored by mistake in Renal Ward's idea, and in Cardiology's adoption of it, are removed by
/// `ideamesh redact` and leave every file of every node's data dir: a node that was offline when
/// it happened, and one that joins afterwards, included.
@Suite(.timeLimit(.minutes(3)))
struct ErasureEndToEndTests {
    static let nhsNumber = "943 476 5919"
    static let name = "Whitcombe"

    /// The files under `dir` whose bytes hold any of `needles`.
    static func filesHolding(_ needles: [String], under dir: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: dir) else { return [] }
        var found = [String]()
        while let relative = walker.nextObject() as? String {
            let path = dir + "/" + relative
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            for needle in needles where data.range(of: Data(needle.utf8)) != nil { found.append("\(relative): \(needle)") }
        }
        return found
    }

    @Test func aRedactionReachesANodeThatWasOfflineAndOneThatJoinsLater() async throws {
        let cluster = try DaemonCluster("erase")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a", department: "Renal Ward"), b = try cluster.addNode("b", department: "Cardiology")
        let c = try cluster.addNode("c", department: "Emergency"), late = try cluster.addNode("late", department: "Pharmacy")
        try a.configure(trust: [b, c, late])
        for node in [b, c, late] { try node.configure(seeds: [a], trust: [a], listens: false) }
        try await cluster.start(a, b, c)
        func cli(_ arguments: [String], at node: DaemonNode) async throws -> CLI.Run {
            try await CLI.run(arguments, socket: node.controlSocket)
        }

        let problem = "Mrs Eleanor \(Self.name) (NHS \(Self.nhsNumber)) fell twice from bed 4 at night"
        let refused = try await cli(["submit", "--title", "Falls at night", "--problem", problem, "--solution", "Hourly rounding"], at: a)
        #expect(refused.status == 1, "the patient-data warning comes first: \(refused)")
        let submitted = try await cli(
            ["submit", "--title", "Falls at night", "--problem", problem, "--solution", "Hourly rounding", "--not-patient-data", "--json"], at: a)
        let idea = try #require(try submitted.json()["id"] as? String, "\(submitted)")
        try await cluster.waitConverged([a, b, c], ops: 1)
        try await cli(["adopt", idea, "--no-copy-measures"], at: b).expectSuccess()
        try await cluster.waitConverged([a, b, c], ops: 2)
        let adoption = try #require(try (a.show(idea)["adoptions"] as? [[String: Any]])?.first?["id"] as? String)
        #expect(try b.show(adoption)["problem"] as? String == problem, "the adoption copied the problem")
        for node in [a, b, c] {
            #expect(!Self.filesHolding([Self.nhsNumber], under: node.dataDir).isEmpty, "\(node.name): the test looks for what is there")
        }
        _ = try await c.terminate()

        // Another department may not remove Renal Ward's text; its author may.
        let other = try await cli(["redact", idea, "--field", "problem", "--reason", "patient details"], at: b)
        #expect(other.status == 1 && other.stderr.contains("only the person who wrote it"), "\(other)")
        let redact = try await cli(["redact", idea, "--field", "problem", "--reason", "a patient's name and NHS number"], at: a)
        redact.expectSuccess()
        #expect(redact.stdout.contains("[removed: patient-identifiable]") && redact.stdout.contains("ideamesh edit"), "\(redact)")
        try await cli(["edit", idea, "--problem", "Two falls from bed 4 at night"], at: a).expectSuccess()

        try await cluster.waitConverged([a, b], ops: 4)
        try await cluster.start(c)
        try await cluster.start(late)
        try await cluster.waitConverged([a, b, c, late], ops: 4)
        for node in [a, b, c, late] {
            #expect(try node.show(idea)["problem"] as? String == "Two falls from bed 4 at night", "\(node.name)")
            #expect(try node.show(adoption)["problem"] as? String == "[removed: patient-identifiable]", "\(node.name)")
            let history = try await cli(["show", idea], at: node)
            #expect(history.stdout.contains("removed the problem everywhere") && !history.stdout.contains(Self.name), "\(node.name): \(history)")
            let search = try await cli(["search", Self.name, "--json"], at: node)
            #expect((try search.json()["hits"] as? [Any])?.isEmpty == true, "\(node.name): \(search)")
        }
        #expect(Set(try [a, b, c, late].map { try $0.digest().digest }).count == 1)
        // `admin verify` over the peer protocol: every node that dials A holds what A holds.
        for node in [b, c, late] {
            let verified = try await cli(["admin", "verify", node.nodeID, "--json"], at: a)
            #expect((try verified.json()["equal"] as? Bool) == true, "\(node.name): \(verified)")
        }
        // Every file of every data dir, store and WAL and all, while the daemons run.
        try await cluster.eventually("no file of any node holds the details") {
            [a, b, c, late].allSatisfy { Self.filesHolding([Self.nhsNumber, Self.name, "whitcomb"], under: $0.dataDir).isEmpty }
        }
        for node in [a, b, c, late] {
            #expect(Self.filesHolding([Self.nhsNumber, Self.name, "whitcomb"], under: node.dataDir) == [], "\(node.name)")
        }
        try cluster.checkAlive()
    }
}
