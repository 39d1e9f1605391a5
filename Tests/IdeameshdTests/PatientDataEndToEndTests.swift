import Foundation
import MeshClient
import MeshControl
import MeshLoopback
import Testing

/// The patient-data warning through real daemons (CONTROL.md §5.8): every control method that
/// stores text staff type refuses text that looks like patient data, changing nothing, until
/// the request says `patient_data_ok`; ops from another node are never screened.
@Suite(.timeLimit(.minutes(3)))
struct PatientDataEndToEndTests {
    /// One screened request: its method, params with text that looks like patient data (without
    /// `patient_data_ok`), and what the refusal must name.
    struct Case {
        let method: String
        let params: [String: Any]
        let param: String
        let kind: String
        let excerpt: String
        var row: Int?
    }

    @Test func everyScreenedWriteIsRefusedChangingNothingUntilConfirmed() async throws {
        let (cluster, a) = try await DaemonCluster.single("pii")
        defer { cluster.shutdown() }
        // Ordinary text is taken without a word.
        let idea = try #require(try a.call("idea.submit", [
            "title": "Falls at night", "problem": "Falls fell from 12 to 4 per week on 03/02/2025; Dr on call agreed",
            "solution": "Order 4500123456: bed rails",
        ])["id"] as? String)
        let comment = try #require(try a.call("idea.comment", ["id": idea, "text": "Seen on MS Teams"])["id"] as? String)
        let cycle = try #require(try a.call("pdsa.start", ["idea": idea, "plan": "Rails on bay 3", "prediction": "Fewer falls"])["id"] as? String)
        let measure = try #require(try a.call("measure.define", ["idea": idea, "name": "Falls", "unit": "per week", "better": "lower"])["id"] as? String)
        let observation = try #require(try a.call("measure.record", ["measure": measure, "value": 4, "note": "quiet week"])["id"] as? String)

        // Comments and cycles are retracted and closed last: in the order below.
        let cases = [
            Case(method: "idea.submit", params: ["title": "Mrs O'Neill's falls", "problem": "p", "solution": "s"],
                 param: "title", kind: "name_with_title", excerpt: "Mrs O'Neill"),
            Case(method: "idea.edit", params: ["id": idea, "problem": "NHS no 943 476 5919 fell twice"],
                 param: "problem", kind: "nhs_number", excerpt: "943 476 5919"),
            Case(method: "idea.comment", params: ["id": idea, "text": "DOB 12/03/1954, fell at 2am"],
                 param: "text", kind: "date_of_birth", excerpt: "12/03/1954"),
            Case(method: "comment.edit", params: ["id": comment, "text": "Seen on MS Teams with Mr Smith"],
                 param: "text", kind: "name_with_title", excerpt: "Mr Smith"),
            Case(method: "idea.status", params: ["id": idea, "status": "testing", "reason": "after Mx Taylor's fall"],
                 param: "reason", kind: "name_with_title", excerpt: "Mx Taylor"),
            Case(method: "pdsa.start", params: ["idea": idea, "plan": "Ask Miss Jones", "prediction": "p"],
                 param: "plan", kind: "name_with_title", excerpt: "Miss Jones"),
            Case(method: "pdsa.do", params: ["cycle": cycle, "notes": "patient born on 1954-03-12"],
                 param: "notes", kind: "date_of_birth", excerpt: "1954-03-12"),
            Case(method: "pdsa.study", params: ["cycle": cycle, "notes": "4010232137 fell again"],
                 param: "notes", kind: "nhs_number", excerpt: "4010232137"),
            Case(method: "pdsa.act", params: ["cycle": cycle, "decision": "adapt", "notes": "Mr Patel agreed"],
                 param: "notes", kind: "name_with_title", excerpt: "Mr Patel"),
            Case(method: "measure.record", params: ["measure": measure, "value": 2, "note": "Mrs Khan, D.O.B. 1/3/54"],
                 param: "note", kind: "name_with_title", excerpt: "Mrs Khan"),
            Case(method: "measure.retract", params: ["observation": observation, "reason": "wrong patient: 401-023-2137"],
                 param: "reason", kind: "nhs_number", excerpt: "401-023-2137"),
            Case(method: "comment.retract", params: ["id": comment, "reason": "named Mrs Smith"],
                 param: "reason", kind: "name_with_title", excerpt: "Mrs Smith"),
            Case(method: "import", params: ["rows": [
                ["title": "Clean row", "problem": "p", "solution": "s"],
                ["title": "Second row", "problem": "date of birth: 12 March 1954", "solution": "s"],
            ]], param: "problem", kind: "date_of_birth", excerpt: "12 March 1954", row: 2),
        ]
        for test in cases {
            let before = try a.digest()
            let reply = try a.request(test.method, test.params)
            #expect(!reply.ok && reply.errorCode == "patient_data", "\(test.method): \(reply)")
            #expect(reply.errorMessage?.contains(test.excerpt) == true, "the message names what was seen: \(reply)")
            let findings = reply.errorFindings
            #expect(findings.first?.param == test.param && findings.first?.kind == test.kind && findings.first?.excerpt == test.excerpt,
                    "\(test.method): \(findings)")
            #expect(findings.first?.row == test.row, "\(test.method): \(findings)")
            #expect(try a.digest() == before, "\(test.method): a refusal changes nothing")

            var unchecked = test.params
            unchecked["patient_data_ok"] = false
            #expect(try a.request(test.method, unchecked).errorCode == "patient_data", "\(test.method): false is not true")
            #expect(try a.digest() == before)

            var checked = test.params
            checked["patient_data_ok"] = true
            let stored = try a.request(test.method, checked)
            #expect(stored.ok, "\(test.method) with patient_data_ok: \(stored)")
            #expect(try a.digest().ops == before.ops + (test.method == "import" ? 2 : 1), "\(test.method): stored")
        }

        // Stored as typed.
        let shown = try a.show(idea)
        #expect(shown["problem"] as? String == "NHS no 943 476 5919 fell twice")
        #expect((try a.ideaTitles()).contains("Mrs O'Neill's falls"))
        // The screen comes before every other check of the request: nothing is learned of it.
        #expect(try a.request("idea.comment", ["id": "nope", "text": "Mr Smith"]).errorCode == "patient_data")
        // Neither the text nor what was found reaches the daemon's log.
        let log = cluster.logs()
        for excerpt in cases.map(\.excerpt) {
            #expect(!log.contains(excerpt), "the log holds \(excerpt)")
        }
    }

    /// The warning belongs to the node where the text is typed: another node applies the op as
    /// it applies any other.
    @Test func opsFromAnotherNodeAreNotScreened() async throws {
        let cluster = try DaemonCluster("piisync")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a")
        let b = try cluster.addNode("b")
        try a.configure(seeds: [b], trust: [b])
        try b.configure(seeds: [a], trust: [a])
        try await cluster.start(a, b)

        let refused = try a.request("idea.submit", ["title": "Mr Smith's bed", "problem": "p", "solution": "s"])
        #expect(refused.errorCode == "patient_data", "\(refused)")
        let id = try #require(try a.call(
            "idea.submit", ["title": "Mr Smith's bed", "problem": "p", "solution": "s", "patient_data_ok": true])["id"] as? String)
        try await cluster.eventually("b holds the idea") { try b.ideaTitles() == ["Mr Smith's bed"] }
        #expect(try b.show(id)["title"] as? String == "Mr Smith's bed")
        try await cluster.waitConverged([a, b], ops: try a.digest().ops)
    }
}
