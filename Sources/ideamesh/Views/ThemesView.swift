import MeshClient

/// `ideamesh themes` for people.
enum ThemesView {
    static func render(_ list: ThemeList, context: RenderContext) -> String {
        guard !list.themes.isEmpty else {
            return "No themes yet. A department leader adds one with `ideamesh theme add CODE NAME`.\n"
        }
        let showArchived = list.themes.contains { $0.archived == true }
        var columns: [Table.Column] = [.fixed("CODE"), .flexible("NAME", min: 12), .flexible("DESCRIPTION", min: 12)]
        if showArchived { columns.append(.fixed("ARCHIVED")) }
        var table = Table(columns)
        for theme in list.themes {
            var row = [Table.Cell(theme.code), Table.Cell(theme.name), Table.Cell(theme.description ?? "")]
            if showArchived { row.append(theme.archived == true ? Table.Cell("yes", .dim) : Table.Cell("")) }
            table.append(row)
        }
        return table.render(width: context.width, style: context.style)
    }
}
