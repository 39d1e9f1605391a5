import MeshClient
import MeshCharts
import MeshControl

/// `ideamesh themes` for people.
enum ThemesView {
    static func render(_ list: ThemeList, context: RenderContext) -> String {
        var out = ""
        if list.themes.isEmpty {
            out = "No themes defined. A department leader adds one with `ideamesh theme add CODE NAME`.\n"
        } else {
            let showArchived = list.themes.contains { $0.archived == true }
            var columns: [Table.Column] = [
                .fixed("CODE"), .flexible("NAME", min: 12), .fixed("IDEAS", .right), .flexible("DESCRIPTION", min: 12),
            ]
            if showArchived { columns.append(.fixed("ARCHIVED")) }
            var table = Table(columns)
            for theme in list.themes {
                var row = [
                    Table.Cell(theme.code), Table.Cell(theme.name), Table.Cell(String(theme.ideas ?? 0)),
                    Table.Cell(theme.description ?? ""),
                ]
                if showArchived { row.append(theme.archived == true ? Table.Cell("yes", .dim) : Table.Cell("")) }
                table.append(row)
            }
            out = context.render(table)
        }
        let undefined = list.undefined ?? []
        if !undefined.isEmpty {
            let uses = undefined.map { "\($0.code) (\($0.ideas) \($0.ideas == 1 ? "idea" : "ideas"))" }.joined(separator: ", ")
            out += "\n" + context.note("Ideas also carry themes no leader has defined here: \(uses). "
                + "A leader can define them with `ideamesh theme add CODE NAME`; `ideamesh list --theme CODE` lists their ideas.")
        }
        return out
    }
}
