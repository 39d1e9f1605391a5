import Foundation
import MeshControl
import MeshWeb
import MeshCRDT
import MeshModel
import MeshStore

/// Roles and the status workflow (CONTROL.md §5; Protocol/README.md, "Roles and the status
/// workflow"). Who may ask this daemon to set them is its access check (`.departmentAdmin`: the
/// department's admins and the node's); what the ops then allow is the store's rule, applied to
/// every op on every node.
extension ControlHandler {
    func registerGovernance() {
        methods.register(API.RoleSet.self) { [unowned self] p, user, reply throws(ControlError) in
            guard let role = Role(rawValue: p.role.lowercased()) else {
                throw ControlError(.invalid, "unknown role \"\(p.role)\"; one of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            // Roles go to the logins staff use here, on this machine or on its web pages: a typo
            // would give a role to nobody.
            if !p.login.isEmpty, !p.login.contains(where: \.isWhitespace), getpwnam(p.login) == nil, !hasWebPassword(p.login) {
                throw ControlError(
                    .invalid,
                    "no user \"\(p.login)\" on this machine nor on its web pages: a role goes to the login a person uses here "
                        + "(`id \(p.login)` checks one; `ideameshd web-password --user \(p.login)` gives a web login its own password)")
            }
            write(.roleSet(login: p.login, role: role), author: user.name, reply)
        }
        methods.register(API.WorkflowSet.self) { [unowned self] p, user, reply throws(ControlError) in
            let workflow: Workflow
            switch (p.moves, p.standard) {
            case (nil, true?):
                workflow = .standard
            case (let texts?, nil), (let texts?, false?):
                var moves = [StatusMove]()
                for text in texts {
                    guard let move = StatusMove(text) else {
                        throw ControlError(
                            .invalid,
                            "\"\(text)\" is not a move: write FROM>TO with statuses among \(IdeaStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    moves.append(move)
                }
                workflow = Workflow(moves: moves)
            default:
                throw ControlError(.invalid, "give either moves or standard: true")
            }
            write(.workflowSet(workflow), author: user.name, reply)
        }
        methods.register(API.RolesList.self) { [unowned self] p, _, reply throws(ControlError) in
            let origin = try p.origin.map { text throws(ControlError) in
                let found = try resolveOrigins(text)
                guard found.count == 1, let one = found.first else {
                    throw ControlError(.invalid, "\"\(text)\" names \(found.count) departments; give a node id")
                }
                return one
            } ?? mesh.selfID
            let departments = departments(), home = mesh.selfID
            read(reply) { store throws(ControlError) in
                try Self.store {
                    let names = try store.displayNames()
                    let (workflow, isSet) = try store.workflow(of: origin)
                    let roles = try store.roles()
                    // By department name (this one first), then login.
                    let sorted = roles.sorted { a, b in
                        let keyA = (a.origin == home ? 0 : 1, departments[a.origin] ?? a.origin.base32, a.login)
                        let keyB = (b.origin == home ? 0 : 1, departments[b.origin] ?? b.origin.base32, b.login)
                        return keyA < keyB
                    }
                    return RolesReport(
                        roles: sorted.map {
                            RolesReport.Assignment(
                                origin: $0.origin.base32, department: departments[$0.origin], login: $0.login,
                                name: names.name(origin: $0.origin, login: $0.login), role: $0.role.rawValue, setMs: Int($0.hlc.millis))
                        },
                        workflow: RolesReport.WorkflowReport(
                            origin: origin.base32, department: departments[origin], own: origin == home,
                            moves: workflow.moves.map(\.description), set: isSet && Set(workflow.moves) != Set(Workflow.standard.moves),
                            rolesGiven: roles.contains { $0.origin == origin }))
                }
            }
        }
    }
}

extension ControlHandler {
    /// Whether `login` has its own password for the web pages (`ideameshd web-password`).
    func hasWebPassword(_ login: String) -> Bool {
        guard let path = webCredentialsPath else { return false }
        return (try? WebCredentials.load(path: path))?.users[login] != nil
    }
}
