import MeshCharts
import MeshControl

/// `ideamesh people`.
enum PeopleView {
    static func render(_ list: PeopleList, context: RenderContext) -> String {
        guard !list.people.isEmpty else {
            return "Nobody has given their name yet. Give yours with `ideamesh name \"Your Name\"`.\n"
        }
        var table = Table([.flexible("DEPARTMENT", min: 10), .flexible("NAME", min: 12), .fixed("LOGIN"), .fixed("SINCE")])
        for person in list.people {
            table.append([
                Table.Cell(person.department ?? String(person.origin.prefix(10)), person.department == nil ? .dim : nil),
                Table.Cell(person.name), Table.Cell(person.login, .dim), Table.Cell(context.relative(person.setMs)),
            ])
        }
        return context.render(table)
    }
}
