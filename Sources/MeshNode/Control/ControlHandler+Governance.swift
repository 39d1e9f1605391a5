import MeshControl
import MeshCRDT
import MeshModel
import MeshStore

/// Roles and the status workflow (CONTROL.md §5, §6; Protocol/README.md, "Roles and the status
/// workflow"). Who may set them is the store's rule, applied to the op on every node; the admin
/// policy only decides who may ask this daemon to write one.
extension ControlHandler {
    func registerGovernance() {
        methods.register(API.AdminRole.self) { [unowned self] p, user, reply throws(ControlError) in
            guard let role = Role(rawValue: p.role) else {
                throw ControlError(.invalid, "unknown role \"\(p.role)\"; one of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            write(.roleSet(login: p.login, role: role), author: user.name, reply)
        }
        methods.register(API.AdminWorkflow.self) { [unowned self] p, user, reply throws(ControlError) in
            var moves = [StatusMove]()
            for text in p.moves {
                guard let move = StatusMove(text) else {
                    throw ControlError(
                        .invalid,
                        "\"\(text)\" is not a move: write FROM>TO with statuses among \(IdeaStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                moves.append(move)
            }
            write(.workflowSet(Workflow(moves: moves)), author: user.name, reply)
        }
        methods.register(API.RolesList.self) { [unowned self] p, _, reply throws(ControlError) in
            let origin = try p.origin.map { text throws(ControlError) in
                let found = try resolveOrigins(text)
                guard found.count == 1, let one = found.first else {
                    throw ControlError(.invalid, "\"\(text)\" names \(found.count) departments; give a node id")
                }
                return one
            } ?? mesh.selfID
            let departments = departments()
            read(reply) { store throws(ControlError) in
                try Self.store {
                    let names = try store.displayNames()
                    let (workflow, isSet) = try store.workflow(of: origin)
                    return RolesReport(
                        roles: try store.roles().map {
                            RolesReport.Assignment(
                                origin: $0.origin.base32, department: departments[$0.origin], login: $0.login,
                                name: names.name(origin: $0.origin, login: $0.login), role: $0.role.rawValue, setMs: Int($0.hlc.millis))
                        },
                        origin: origin.base32, department: departments[origin], workflow: workflow.moves.map(\.description),
                        workflowSet: isSet)
                }
            }
        }
    }
}
