import Foundation
import MeshCRDT
import MeshModel
import MeshStore
import MeshWire
import Testing

/// Roles and the status workflow at apply time (Protocol/README.md, "Roles and the status
/// workflow"): ops made outside the writer (`forge`) by people without the right have no effect
/// on the node that holds them nor on any node they reach; the writer refuses them first.
struct GovernanceTests: TwoStoreSuite {
    let stores: TwoStores

    init() throws { stores = try TwoStores() }

    @Test func rolesDecideWhoEditsAndMovesStatusOnEveryNode() throws {
        let idea = try a.write(.ideaCreate(content), author: "ann", wallMillis: 1_000).decode().id
        // No roles yet: anyone of the department moves the status (as before roles).
        try a.write(.statusSet(idea: idea, status: .underReview, reason: "", seen: []), author: "bob", wallMillis: 1_100)
        // Roles take effect whoever the author: the department's node decides who may give them.
        try a.write(.roleSet(login: "ann", role: .admin), author: "root", wallMillis: 1_200)
        try a.write(.roleSet(login: "bob", role: .staff), author: "ann", wallMillis: 1_300)
        #expect(throws: StoreError.governance(.notLeader(idea: idea, author: "bob", role: .staff))) {
            try a.write(.statusSet(idea: idea, status: .testing, reason: "", seen: []), author: "bob", wallMillis: 1_500)
        }
        #expect(throws: StoreError.governance(.notAuthorOrLeader(idea: idea, author: "bob", ideaAuthor: "ann"))) {
            try a.write(.ideaEdit(idea: idea, edits: [FieldEdit(field: .title, value: "bob's title", seen: [])]), author: "bob", wallMillis: 1_600)
        }
        // The same, signed outside the writer: held, no effect, here and at B.
        try forge(.support(idea: idea), at: a, identity: aID, author: "bob", wallMillis: 2_000)
        try forge(.statusSet(idea: idea, status: .testing, reason: "", seen: []), at: a, identity: aID, author: "bob", wallMillis: 2_001)
        try forge(.ideaEdit(idea: idea, edits: [FieldEdit(field: .title, value: "bob's title", seen: [])]), at: a, identity: aID, author: "bob", wallMillis: 2_002)
        // The author edits their own idea; a leader moves it.
        try a.write(.ideaEdit(idea: idea, edits: [FieldEdit(field: .title, value: "ann's title", seen: [])]), author: "ann", wallMillis: 3_000)
        try a.write(.roleSet(login: "cat", role: .leader), author: "ann", wallMillis: 3_100)
        try a.write(.statusSet(idea: idea, status: .testing, reason: "", seen: []), author: "cat", wallMillis: 3_200)
        // Revoked, the leader is refused again.
        try a.write(.roleSet(login: "cat", role: .staff), author: "ann", wallMillis: 3_300)
        try forge(.statusSet(idea: idea, status: .adopted, reason: "", seen: []), at: a, identity: aID, author: "cat", wallMillis: 3_400)
        try sync(from: a, to: b)
        for store in [a, b] {
            let view = try #require(try store.idea(idea))
            #expect(view.content.title == "ann's title" && view.status == .testing)
            #expect(try store.roles().map { "\($0.login) \($0.role.rawValue)" } == ["ann admin", "bob staff", "cat staff"])
            #expect(view.supporters == 1, "the support between them applies")
            #expect(try store.ineffectiveOps().map(\.id.seq) == [6, 7, 12])
            #expect(try store.ineffectiveOps().allSatisfy { $0.reason.hasPrefix("roles: ") })
        }
        #expect(try a.digest() == b.digest())
    }

    @Test func theWorkflowIsTheDepartmentsOwnOnEveryNode() throws {
        let idea = try a.write(.ideaCreate(content), author: "ann", wallMillis: 1_000).decode().id
        // The standard workflow: proposed does not go straight to adopted.
        let refusal = GovernanceViolation.notInWorkflow(
            idea: idea, from: .proposed, to: .adopted, allowed: [.underReview, .testing, .declined, .closed])
        #expect(throws: StoreError.governance(refusal)) {
            try a.write(.statusSet(idea: idea, status: .adopted, reason: "", seen: []), author: "ann", wallMillis: 1_100)
        }
        try forge(.statusSet(idea: idea, status: .adopted, reason: "", seen: []), at: a, identity: aID, author: "ann", wallMillis: 1_200)
        #expect(try a.idea(idea)?.status == .proposed)
        // The department's own: straight to testing, and only from there on.
        try a.write(.workflowSet(Workflow(moves: [StatusMove(from: .proposed, to: .adopted)])), author: "ann", wallMillis: 2_000)
        try a.write(.statusSet(idea: idea, status: .adopted, reason: "", seen: []), author: "ann", wallMillis: 2_100)
        try a.write(.statusSet(idea: idea, status: .adopted, reason: "said again", seen: []), author: "ann", wallMillis: 2_200)
        try forge(.statusSet(idea: idea, status: .closed, reason: "", seen: []), at: a, identity: aID, author: "ann", wallMillis: 2_300)
        // Another department's workflow is its own: B's standard one still refuses the move.
        let theirs = try b.write(.ideaCreate(content), author: "bob", wallMillis: 2_400).decode().id
        #expect(throws: StoreError.self) { try b.write(.statusSet(idea: theirs, status: .adopted, reason: "", seen: []), author: "bob") }
        try sync(from: a, to: b)
        try sync(from: b, to: a)
        for store in [a, b] {
            #expect(try store.idea(idea)?.status == .adopted)
            #expect(try store.ineffectiveOps().map(\.id) == [OpID(origin: aID.nodeID, seq: 2), OpID(origin: aID.nodeID, seq: 6)])
            #expect(try store.workflow(of: aID.nodeID).isSet && store.workflow(of: aID.nodeID).workflow.moves.count == 1)
            #expect(try !store.workflow(of: bID.nodeID).isSet)
        }
        #expect(try a.digest() == b.digest())
    }

    @Test func theOpsRoundTripAndBadOnesAreRefused() throws {
        let workflow = Workflow(moves: [StatusMove(from: .proposed, to: .testing), StatusMove(from: .testing, to: .adopted)])
        for body: OpBody in [.roleSet(login: "ann", role: .leader), .workflowSet(workflow)] {
            let op = Op(origin: aID.nodeID, seq: 1, prev: [], hlc: HLC(millis: 1, counter: 0), author: "root", body: body)
            #expect(try OpCodec.decode(OpCodec.encode(op)) == op)
        }
        for body: OpBody in [
            .roleSet(login: "", role: .staff),
            .workflowSet(Workflow(moves: [])),
            .workflowSet(Workflow(moves: [StatusMove(from: .testing, to: .testing)])),
            .workflowSet(Workflow(moves: [StatusMove(from: .proposed, to: .testing), StatusMove(from: .proposed, to: .testing)])),
        ] {
            #expect(throws: StoreError.self) { try a.write(body, author: "root") }
            #expect(body.contentViolation(author: "root") != nil, "\(body)")
        }
        #expect(try a.opCount() == 0)
    }
}
