import MeshClient
import MeshCharts
import MeshControl

/// Measures for people: the list with latest values and signals, one measure's observations, and
/// the spread tree of an idea.
enum MeasureViews {
    static func list(_ measures: [MeasureSummary], context: RenderContext) -> String {
        guard !measures.isEmpty else {
            return "No measures yet. Define one with: ideamesh measure define IDEA --name … --unit … --better lower|higher --kind count|proportion|time|other\n"
        }
        var table = Table([
            .fixed("ID"), .flexible("MEASURE", min: 12, priority: 3), .fixed("KIND").droppable(1),
            .flexible("DEPT", min: 6, priority: 1).droppable(3), .fixed("N", .right).droppable(4), .fixed("LATEST", .right),
            .fixed("ON").droppable(2), .fixed("SIGNAL"), .fixed("TARGET").droppable(0),
        ])
        for measure in measures {
            table.append([
                Table.Cell(measure.shortId),
                Table.Cell("\(measure.name) (\(measure.unit))"),
                Table.Cell(measure.kind ?? "other"),
                Table.Cell(IdeaIDs.departmentName(measure.department, node: measure.origin)),
                Table.Cell(String(measure.observations)),
                Table.Cell(measure.latestValue.map(NumberText.format) ?? "—"),
                Table.Cell(measure.latestDate ?? ""),
                signalCell(measure.signal, side: measure.signalSide, assurance: nil),
                Table.Cell(measure.assurance.map(assuranceText) ?? ""),
            ])
        }
        return context.render(table)
    }

    /// One measure's observations, oldest first, with their ids (for `measure retract`) and signals.
    static func observations(_ chart: MeasureChart, context: RenderContext) -> String {
        let m = chart.measure
        var out = context.heading("\(m.name) (\(m.unit), \(m.better) is better)") + "\n"
        var facts = ["measure \(m.shortId)", "idea \(m.ideaTitle ?? IdeaIDs.short(m.idea))", IdeaIDs.departmentName(m.department, node: m.origin)]
        facts.append(kindText(m.kind))
        if let target = m.target { facts.append("target \(NumberText.format(target))") }
        out += context.style.dim(context.cut(facts.joined(separator: " · "), to: context.width)) + "\n\n"
        guard !chart.points.isEmpty else {
            return out + "No observations yet. Record one with: ideamesh measure record \(m.shortId) VALUE\n"
        }
        var table = Table([
            .fixed("DATE"), .fixed("VALUE", .right), .flexible("SIGNAL", min: 6, priority: 2), .flexible("NOTE", min: 6).droppable(2),
            .flexible("BY", min: 4).droppable(1), .fixed("ID"),
        ])
        for point in chart.points {
            var signal = signalCell(point.variation, side: point.side, assurance: nil)
            if let rule = point.rule { signal.text += " (\(ruleText(rule)))" }
            table.append([
                Table.Cell(point.date), Table.Cell(NumberText.format(point.value)), signal, Table.Cell(point.note ?? ""),
                Table.Cell(RenderContext.author(point.author, name: point.authorName)), Table.Cell(IdeaIDs.short(point.id)),
            ])
        }
        out += context.render(table)
        for warning in chart.allWarnings { out += context.note("Note: \(warning).") }
        return out
    }

    /// A measure's kind with the values it takes: "count (whole numbers 0 or more)".
    static func kindText(_ kind: String?) -> String {
        switch kind ?? "other" {
        case "count": "count (whole numbers 0 or more)"
        case "proportion": "proportion (a percentage, 0 to 100)"
        case "time": "time (0 or more)"
        case "other": "other (any number)"
        case let unknown: unknown
        }
    }

    /// The adoption tree, from the original idea.
    static func spread(_ report: SpreadReport, context: RenderContext) -> String {
        let style = context.style
        var out = [String]()
        func walk(_ node: SpreadReport.Node, prefix: String, childPrefix: String) {
            let department = IdeaIDs.departmentName(node.department, node: node.origin)
            var head = "\(prefix)\(style.bold(department))  \(IdeaIDs.short(node.id))  \(context.paintStatus(node.status))"
            if prefix.isEmpty { head += "  \"\(TextWidth.singleLine(node.title))\"" }
            head += style.dim("  \(prefix.isEmpty ? "created" : "adopted") \(context.relative(node.createdMs))")
            out.append(head)
            var facts = [String]()
            if node.cycles > 0 {
                var cycles = "\(node.cycles) PDSA cycle\(node.cycles == 1 ? "" : "s")"
                if let phase = node.latestPhase { cycles += ", latest at \(phase)\(node.latestDecision.map { " (\($0))" } ?? "")" }
                facts.append(cycles)
            }
            let detailPrefix = childPrefix + (node.adoptions.isEmpty ? "   " : "│  ")
            if !facts.isEmpty { out.append(detailPrefix + style.dim(facts.joined(separator: "; "))) }
            for measure in node.measures {
                var line = "\(measure.name): "
                line += measure.latestValue.map { "\(NumberText.format($0)) \(measure.unit) on \(measure.latestDate ?? "?")" } ?? "no observations"
                let signal = signalCell(measure.signal, side: measure.signalSide, assurance: measure.assurance)
                out.append(detailPrefix + line + (measure.signal == nil ? "" : "  " + (signal.color.map { style.paint(signal.text, $0) } ?? signal.text)))
            }
            for (i, child) in node.adoptions.enumerated() {
                let last = i == node.adoptions.count - 1
                walk(child, prefix: childPrefix + (last ? "└─ " : "├─ "), childPrefix: childPrefix + (last ? "   " : "│  "))
            }
        }
        walk(report.root, prefix: "", childPrefix: "")
        let adopters = count(report.root) - 1
        out.append("")
        out.append(style.dim(adopters == 0 ? "Not adopted by another department yet." : "Adopted \(adopters) time\(adopters == 1 ? "" : "s")."))
        return out.map { context.cut($0, to: context.width) }.joined(separator: "\n") + "\n"
    }

    private static func count(_ node: SpreadReport.Node) -> Int { 1 + node.adoptions.reduce(0) { $0 + count($1) } }

    /// A signal in words, coloured as Making Data Count colours it.
    static func signalCell(_ variation: String?, side: String?, assurance: String?) -> Table.Cell {
        guard let variation else { return Table.Cell("—") }
        var text: String
        let color: ANSIStyle?
        switch variation {
        case "special_cause_improvement": (text, color) = ("improvement", .blue)
        case "special_cause_concern": (text, color) = ("concern", .yellow)
        case "special_cause_neutral": (text, color) = ("special cause", .magenta)
        case "common_cause": (text, color) = ("common cause", nil)
        default: (text, color) = (variation, nil)
        }
        if variation != "common_cause", let side { text += side == "above" ? " ↑" : " ↓" }
        if let assurance { text += ", " + assuranceText(assurance) }
        return Table.Cell(text, color)
    }

    static func assuranceText(_ assurance: String) -> String {
        switch assurance {
        case "consistently_pass": "meets target"
        case "consistently_fail": "misses target"
        case "hit_and_miss": "hit and miss"
        default: assurance
        }
    }

    static func ruleText(_ rule: String) -> String {
        switch rule {
        case "outside_limits": "outside limits"
        case "trend": "trend"
        case "two_of_three": "2 of 3 beyond 2σ"
        case "run": "run of 7"
        default: rule
        }
    }
}

/// Numbers for people: no needless decimals, at most 4 significant decimals.
enum NumberText {
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return String(value) }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(format: "%.4f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
