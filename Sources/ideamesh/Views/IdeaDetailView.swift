import MeshClient
import MeshCharts
import MeshControl

/// `ideamesh show ID` for people: the idea, then its problem and solution, comments, history,
/// links, adoptions, cycles and measures, each section only when it has something.
enum IdeaDetailView {
    static func render(_ idea: IdeaDetail, context: RenderContext) -> String {
        let style = context.style
        var out: [String] = []
        out.append(style.bold(TextWidth.singleLine(idea.title)))
        out.append(style.dim(idea.shortId))
        out.append("")

        var facts: [(label: String, value: String, color: ANSIStyle?)] = []
        if idea.conflicts?.contains("status") == true {
            facts.append(("Status", "\(idea.status)  (concurrent changes: see Conflicts)", .yellow))
        } else {
            facts.append(("Status", idea.status, TextStyle.color(ofStatus: idea.status)))
        }
        if let theme = idea.theme, !theme.isEmpty { facts.append(("Theme", theme, nil)) }
        if let tags = idea.tags, !tags.isEmpty { facts.append(("Tags", tags.joined(separator: ", "), nil)) }
        facts.append(("Author", RenderContext.author(idea.author, name: idea.authorName), (idea.author ?? "").isEmpty ? .dim : nil))
        facts.append(("Department", IdeaIDs.department(idea.department, node: idea.origin), nil))
        facts.append(("Created", "\(context.absolute(idea.createdMs)) (\(context.relative(idea.createdMs)))", nil))
        facts.append(("Supporters", String(idea.supporters ?? 0), nil))
        if let from = idea.adoptedFrom, !from.isEmpty { facts.append(("Adopted from", IdeaIDs.short(from), nil)) }
        let labelWidth = facts.map { TextWidth.of($0.label) }.max() ?? 0
        for fact in facts {
            let value = context.cut(TextWidth.singleLine(fact.value), to: max(8, context.width - labelWidth - 3))
            out.append(TextWidth.pad(fact.label + ":", to: labelWidth + 1) + "  " + (fact.color.map { style.paint(value, $0) } ?? value))
        }

        func section(_ title: String, _ body: [String]) {
            guard !body.isEmpty else { return }
            out.append("")
            out.append(context.heading(title))
            out += body
        }

        if let problem = idea.problem { section("Problem", TextWrap.lines(problem, width: context.width, indent: "  ")) }
        if let solution = idea.solution { section("Solution", TextWrap.lines(solution, width: context.width, indent: "  ")) }

        let comments = idea.comments ?? []
        section("Comments (\(comments.count))", comments.flatMap { comment -> [String] in
            var head = "  \(IdeaIDs.short(comment.id))  \(Self.who(comment.author, name: comment.authorName, id: comment.id, department: comment.department, idea: idea))"
                + "  \(context.absolute(comment.createdMs))"
            // A retraction is the comment's last change: it is "retracted", not "edited".
            if comment.retracted == true { return [style.dim(context.cut(head + "  (retracted)", to: context.width))] }
            if comment.edited == true { head += "  (edited)" }
            return [style.dim(context.cut(head, to: context.width))] + TextWrap.lines(comment.text, width: context.width, indent: "    ")
        })

        if let history = idea.history, !history.isEmpty {
            // What happened in words (the op's kind is in --json, for scripts).
            var table = Table([.fixed("WHEN"), .flexible("WHO", min: 5, priority: 2), .flexible("WHAT", min: 12, priority: 1)])
            for entry in history {
                table.append([
                    Table.Cell(context.absolute(entry.createdMs)),
                    Table.Cell(Self.who(entry.author, name: entry.authorName, id: entry.id, department: entry.department, idea: idea)),
                    Table.Cell(entry.summary ?? entry.kind),
                ])
            }
            section("History", indent(context.render(table, inset: 2)))
        }

        if let links = idea.links, !links.isEmpty {
            section("Links", links.map { link in
                let outgoing = link.from == idea.id
                let other = IdeaIDs.short(outgoing ? link.to : link.from)
                let title = link.title.map { " \"\(TextWidth.singleLine($0))\"" } ?? ""
                let line = outgoing ? "  this \(link.kind) \(other)\(title)" : "  \(other)\(title) \(link.kind) this"
                return context.cut(line, to: context.width)
            })
        }

        if let adoptions = idea.adoptions, !adoptions.isEmpty {
            var table = Table([.fixed("ADOPTED AS"), .flexible("DEPT", min: 8), .fixed("STATUS").droppable(2), .fixed("WHEN").droppable(1)])
            for adoption in adoptions {
                table.append([
                    Table.Cell(IdeaIDs.short(adoption.id)),
                    Table.Cell(IdeaIDs.departmentName(adoption.department, node: adoption.origin)),
                    context.status(adoption.status ?? "?"), Table.Cell(context.relative(adoption.createdMs)),
                ])
            }
            section("Adoptions (\(adoptions.count))", indent(context.render(table, inset: 2)))
        }

        if let cycles = idea.cycles, !cycles.isEmpty {
            section("PDSA cycles (\(cycles.count))", cycles.flatMap { timeline($0, context: context) })
        }
        if let measures = idea.measures, !measures.isEmpty {
            section("Measures (\(measures.count))", measures.map { measure in
                var line = "  \(IdeaIDs.short(measure.id))  \(measure.name) (\(measure.unit)), \(measure.better) is better"
                if let kind = measure.kind, kind != "other" { line += ", a \(kind)" }
                if let target = measure.target { line += ", target \(NumberText.format(target))" }
                let count = measure.observations ?? 0
                line += ", \(count) observation\(count == 1 ? "" : "s")"
                if let value = measure.latestValue { line += ", latest \(NumberText.format(value)) on \(measure.latestDate ?? "?")" }
                return context.cut(line, to: context.width)
            })
        }

        if let conflicts = idea.conflicts, !conflicts.isEmpty {
            section("Conflicts", TextWrap.lines(
                "Concurrent changes to: \(conflicts.joined(separator: ", ")). Every value is kept until someone sets the field again; `ideamesh admin conflicts` shows who wrote each.",
                width: context.width, indent: "  "))
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// A cycle as a timeline: the plan and prediction it started with, then each step.
    private static func timeline(_ cycle: IdeaDetail.Cycle, context: RenderContext) -> [String] {
        let style = context.style
        var head = "  \(IdeaIDs.short(cycle.id))  \(context.absolute(cycle.createdMs))  \(RenderContext.author(cycle.author, name: cycle.authorName))  now at \(cycle.phase)"
        if let decision = cycle.decision { head += " (\(decision): closed)" }
        var lines = [style.bold(context.cut(head, to: context.width))]
        lines += TextWrap.lines("Plan: \(cycle.plan)", width: context.width, indent: "    ")
        lines += TextWrap.lines("Prediction: \(cycle.prediction)", width: context.width, indent: "    ")
        for step in cycle.steps ?? [] {
            var label = step.phase.prefix(1).uppercased() + step.phase.dropFirst()
            if let decision = step.decision { label += " (\(decision))" }
            lines.append(style.dim(context.cut(
                "    \(label) · \(context.absolute(step.createdMs)) · \(RenderContext.author(step.author, name: step.authorName)) · \(IdeaIDs.short(step.id))",
                to: context.width)))
            if let notes = step.notes, !notes.isEmpty { lines += TextWrap.lines(notes, width: context.width, indent: "      ") }
        }
        return lines
    }

    private static func indent(_ table: String) -> [String] {
        table.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { "  " + $0 }
    }

    /// Who wrote a comment or an op on `idea`: a person of another department than the idea's
    /// is shown with their department, so that a name given there cannot pass for one given here.
    static func who(_ login: String?, name: String?, id: String?, department: String?, idea: IdeaDetail) -> String {
        let person = RenderContext.author(login, name: name)
        guard let login, !login.isEmpty, let id, let origin = id.split(separator: "-").first, origin != (idea.origin ?? "")[...] else {
            return person
        }
        return "\(person) (\(department ?? IdeaIDs.shortNode(String(origin))))"
    }
}
