import MeshCharts
import MeshControl
import MeshModel

/// `ideamesh roles` and `ideamesh workflow`.
enum GovernanceViews {
    static func roles(_ report: RolesReport, context: RenderContext) -> String {
        var out: String
        if report.roles.isEmpty {
            out = "No department has given anyone a role: all their staff may edit their ideas and move their status.\n"
        } else {
            var table = Table([.flexible("DEPARTMENT", min: 10), .flexible("NAME", min: 8), .fixed("LOGIN"), .fixed("ROLE"), .fixed("SINCE")])
            for person in report.roles {
                table.append([
                    Table.Cell(person.department ?? IdeaIDs.shortNode(person.origin), person.department == nil ? .dim : nil),
                    Table.Cell(person.name ?? ""), Table.Cell(person.login), Table.Cell(person.role), Table.Cell(context.relative(person.setMs)),
                ])
            }
            out = context.render(table)
            if report.workflow.own == true, report.workflow.rolesGiven != true {
                out += context.note("This department has given no one a role: all its staff may edit its ideas and move their status.")
            }
        }
        if report.workflow.own == true {
            out += context.note(
                "The department's admins, and the node's (root and [control] admin_users), give roles with `ideamesh role LOGIN "
                    + "staff|leader|admin`. Once a department has given any role, whoever has none is staff there, node admins included. "
                    + "`ideamesh workflow` shows the status workflow.")
        }
        return out
    }

    static func workflow(_ workflow: RolesReport.WorkflowReport, context: RenderContext) -> String {
        let name = workflow.department ?? IdeaIDs.shortNode(workflow.origin)
        var out = "Status workflow of \(name)" + (workflow.set == true ? ":\n" : " (the standard one: its admins have not set another):\n")
        let moves = workflow.moves.compactMap(StatusMove.init)
        var table = Table([.fixed("FROM"), .flexible("MAY MOVE TO", min: 12)])
        var deadEnds = [String]()
        for from in IdeaStatus.allCases {
            let targets = moves.filter { $0.from == from }.map(\.to.rawValue)
            if targets.isEmpty { deadEnds.append(from.rawValue) }
            table.append([Table.Cell(from.rawValue), targets.isEmpty ? Table.Cell("nothing", .dim) : Table.Cell(targets.joined(separator: ", "))])
        }
        out += context.render(table)
        if !deadEnds.isEmpty, deadEnds.count < IdeaStatus.allCases.count {
            out += context.note("An idea that is \(deadEnds.joined(separator: ", ")) cannot move on.")
        }
        var note = "Setting the status an idea has, with a new reason, is always allowed."
        if workflow.own == true {
            note += " Its admins change it with `ideamesh workflow set 'FROM>TO' ...` (or `--standard`)."
        }
        return out + context.note(note)
    }
}
