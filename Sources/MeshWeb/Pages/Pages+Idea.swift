import MeshControl
import MeshModel

extension Pages {
    /// One idea: what it is, support and adoption, comments, its history, its PDSA cycles and
    /// measures, and where it spread. Forms post to `/ideas/ID/ACTION`.
    static func idea(_ idea: IdeaDetail, spread: SpreadReport?, visit: Visit, done: String?, error: WebCallError?, form: Form) -> HTML {
        let action = "/ideas/\(path(idea.id))"
        func post(_ name: String, _ fields: HTML, button: String, secondary: Bool = false) -> HTML {
            "<form method=\"post\" action=\"\(action)/\(name)\" class=\"inline\">\(csrf(visit))\(fields)<button type=\"submit\"\(secondary ? " class=\"secondary\"" : "" as HTML)>\(button)</button></form>"
        }
        let author = idea.authorName ?? idea.author ?? "anonymous"
        let adopted: HTML = idea.adoptedFrom.map { "<p class=\"meta\">Adopted from \(ideaLink($0, "the original idea")).</p>" } ?? .empty
        let conflicts: HTML = (idea.conflicts ?? []).isEmpty ? .empty
            : "<p class=\"warning\">Two departments changed this idea at once; both versions are kept: \((idea.conflicts ?? []).joined(separator: ", "))</p>"
        let tags: HTML = (idea.tags ?? []).isEmpty ? .empty : " · tags: \((idea.tags ?? []).joined(separator: ", "))"
        return """
            \(notice(done))\(Pages.error(error?.message))
            <p class="meta">\(status(idea.status)) · \(idea.department ?? "") · shared by \(author) · \(date(idea.createdMs))\(tags)</p>
            \(adopted)\(conflicts)
            <div class="grid2">
            <section class="card"><h2>The problem</h2><p>\(idea.problem ?? "")</p></section>
            <section class="card"><h2>Proposed solution</h2><p>\(idea.solution ?? "")</p></section>
            </div>
            <div class="actions">
            \(post("support", .empty, button: "Support (\(idea.supporters ?? 0))"))
            \(post("unsupport", .empty, button: "Withdraw support", secondary: true))
            \(post("adopt", .empty, button: "Adopt in my department", secondary: true))
            </div>
            \(statusForm(idea, visit: visit, form: form))
            \(editForm(idea, visit: visit, action: action, form: form))
            <h2 id="comments">Comments (\((idea.comments ?? []).count))</h2>
            \(comments(idea))
            <form method="post" action="\(action)/comment" class="card">\(csrf(visit))
            \(field("comment-text", label: "Add a comment", value: form["text"], multiline: true).renamed("comment-text", to: "text"))
            <button type="submit">Comment</button></form>
            <h2>History</h2>\(history(idea))
            <h2>PDSA cycles</h2>\(cycles(idea, visit: visit, action: action, form: form))
            <h2>Measures</h2>\(measures(idea, visit: visit, action: action, form: form))
            \(spread.map { spreadTree($0) } ?? .empty)
            """
    }

    /// A step's text looked like patient data: what was seen, and the same form to send again,
    /// as typed, once the person says it is not patient data (or to go back and change it).
    static func confirmPatientData(_ visit: Visit, postTo action: String, form: Form, findings: [FlaggedText], back: String) -> HTML {
        let hidden = form.pairs.filter { $0.0 != "csrf" && $0.0 != "patient_data_ok" }.map { name, value -> HTML in
            "<input type=\"hidden\" name=\"\(name)\" value=\"\(value)\">"
        }
        let items = findings.map { finding -> HTML in "<li>\(finding.label) in <b>\(finding.param)</b>: “\(finding.excerpt)” (\(finding.explanation))</li>" }
        let typed = form.pairs.filter { !["csrf", "patient_data_ok", "cycle", "measure", "status", "decision", "better", "kind"].contains($0.0) && !$0.1.isEmpty }
            .map { name, value -> HTML in "<p><b>\(name):</b> \(value)</p>" }
        return layout(visit, title: "Is this patient data?", body: """
            <div class="warning" role="alert"><p><b>Nothing was saved: this looks like patient details.</b> Everything here is shared with
            every department: never write patients' names, NHS numbers or dates of birth.</p><ul>\(items)</ul></div>
            <section class="card"><h2>What you wrote</h2>\(typed)</section>
            <form method="post" action="\(action)" class="card">\(csrf(visit))\(hidden)
            <p><label><input type="checkbox" name="patient_data_ok" value="1" required> These are not patient details</label></p>
            <button type="submit">Send as written</button> <a href="\(back)">Go back and change it</a></form>
            """)
    }

    static func statusForm(_ idea: IdeaDetail, visit: Visit, form: Form) -> HTML {
        guard visit.session.isLeader else { return .empty }
        let choices = IdeaStatus.allCases.map { ($0.rawValue, statusWords($0.rawValue)) }
        return """
            <details class="card"\(open(form.has("reason")))><summary>Change the status (leaders)</summary>
            <form method="post" action="/ideas/\(path(idea.id))/status">\(csrf(visit))
            <p class="field"><label for="new-status">New status</label><select id="new-status" name="status">\(options(choices, selected: form["status"] ?? idea.status))</select></p>
            \(field("reason", label: "Reason (the person who shared it sees it)", value: form["reason"], required: true, multiline: true))
            <button type="submit">Change the status</button></form></details>
            """
    }

    static func editForm(_ idea: IdeaDetail, visit: Visit, action: String, form: Form) -> HTML {
        """
        <details class="card"\(open(form.has("title")))><summary>Edit this idea</summary>
        <p class="hint">Whoever shared it, and the leaders of its department, may edit it.</p>
        <form method="post" action="\(action)/edit">\(csrf(visit))
        \(field("edit-title", label: "Title", value: form["title"] ?? idea.title).renamed("edit-title", to: "title"))
        \(field("edit-problem", label: "The problem", value: form["problem"] ?? idea.problem, multiline: true).renamed("edit-problem", to: "problem"))
        \(field("edit-solution", label: "Proposed solution", value: form["solution"] ?? idea.solution, multiline: true).renamed("edit-solution", to: "solution"))
        <button type="submit">Save changes</button></form></details>
        """
    }

    static func comments(_ idea: IdeaDetail) -> HTML {
        let items = (idea.comments ?? []).filter { $0.retracted != true }.map { comment -> HTML in
            "<li><div>\(comment.text)</div><div class=\"meta\">\(comment.authorName ?? comment.author ?? "") · \(comment.department ?? "") · \(ago(comment.createdMs))\(comment.edited == true ? " · edited" : "")</div></li>"
        }
        return items.isEmpty ? "<p class=\"meta\">No comments yet.</p>" : "<ul class=\"ideas\">\(items)</ul>"
    }

    static func history(_ idea: IdeaDetail) -> HTML {
        let items = (idea.history ?? []).map { entry -> HTML in
            let reason: HTML = entry.reason.map { ": “\($0)”" } ?? .empty
            return "<li>\(date(entry.createdMs)) · \(entry.authorName ?? entry.author ?? "someone") (\(entry.department ?? "")) \(entry.summary ?? entry.kind)\(reason)</li>"
        }
        return items.isEmpty ? .empty : "<details class=\"card\"><summary>Every change (\(items.count))</summary><ul>\(items)</ul></details>"
    }

    static func cycles(_ idea: IdeaDetail, visit: Visit, action: String, form: Form) -> HTML {
        let list = (idea.cycles ?? []).map { cycle -> HTML in
            let steps = (cycle.steps ?? []).map { step -> HTML in
                "<li><b>\(step.phase.capitalized)</b>\(step.decision.map { " — \($0)" } ?? ""): \(step.notes ?? "") <span class=\"meta\">\(step.authorName ?? step.author ?? "") · \(date(step.createdMs))</span></li>"
            }
            let next: HTML
            switch cycle.phase {
            case "plan": next = stepForm("pdsa-do", cycle: cycle.id, label: "Record the Do step: what happened when you tried it", visit: visit, action: action)
            case "do": next = stepForm("pdsa-study", cycle: cycle.id, label: "Record the Study step: how the results compare with the prediction", visit: visit, action: action)
            case "study":
                next = """
                    <form method="post" action="\(action)/pdsa-act">\(csrf(visit))<input type="hidden" name="cycle" value="\(cycle.id)">
                    <p class="field"><label for="decision-\(cycle.id)">Act: decision</label><select id="decision-\(cycle.id)" name="decision">
                    \(options([("adopt", "Adopt"), ("adapt", "Adapt"), ("abandon", "Abandon")], selected: nil))</select></p>
                    <p class="field"><label for="act-notes-\(cycle.id)">Notes</label><textarea id="act-notes-\(cycle.id)" name="notes"></textarea></p>
                    <button type="submit">Record the decision</button></form>
                    """
            default: next = .empty
            }
            return """
                <section class="card"><h3>Cycle started \(date(cycle.createdMs)) · now: \(cycle.phase.capitalized)</h3>
                <p><b>Plan:</b> \(cycle.plan)</p>
                <p><b>Prediction</b> <span class="meta">(locked when the cycle began, before Do)</span>: \(cycle.prediction)</p>
                <ol>\(steps)</ol>\(next)</section>
                """
        }
        let start: HTML = """
            <details class="card"\(open(form.has("plan")))><summary>Start a PDSA cycle</summary>
            <form method="post" action="\(action)/pdsa-start">\(csrf(visit))
            \(field("plan", label: "Plan: what you will try, where, when", value: form["plan"], required: true, multiline: true))
            \(field("prediction", label: "Prediction: what you expect to happen", value: form["prediction"], hint: "It is locked once the cycle starts, so Study compares with what you really expected.", required: true, multiline: true))
            <button type="submit">Start the cycle</button></form></details>
            """
        return HTML.join(list) + start
    }

    static func stepForm(_ name: String, cycle: String, label: String, visit: Visit, action: String) -> HTML {
        """
        <form method="post" action="\(action)/\(name)">\(csrf(visit))<input type="hidden" name="cycle" value="\(cycle)">
        <p class="field"><label for="\(name)-\(cycle)">\(label)</label><textarea id="\(name)-\(cycle)" name="notes" required></textarea></p>
        <button type="submit">Save</button></form>
        """
    }

    static func measures(_ idea: IdeaDetail, visit: Visit, action: String, form: Form) -> HTML {
        let rows = (idea.measures ?? []).map { measure -> HTML in
            """
            <tr><td><a href="/measures/\(path(measure.id))">\(measure.name)</a></td><td>\(measure.unit)</td><td>\(measure.better) is better</td>
            <td>\(measure.target.map { format($0) } ?? "–")</td><td>\(measure.observations ?? 0)</td>
            <td>\(measure.latestValue.map { format($0) } ?? "–") \(measure.latestDate ?? "")</td>
            <td><form method="post" action="\(action)/measure-record" class="record">\(csrf(visit))<input type="hidden" name="measure" value="\(measure.id)">
            <label for="v-\(measure.id)">Value</label> <input id="v-\(measure.id)" name="value" type="text" inputmode="decimal" size="6" required>
            <label for="d-\(measure.id)">Date</label> <input id="d-\(measure.id)" name="date" type="date">
            <button type="submit">Record</button></form></td></tr>
            """
        }
        let table: HTML = rows.isEmpty ? "<p class=\"meta\">No measures yet.</p>"
            : "<div class=\"scroll\"><table><thead><tr><th>Measure</th><th>Unit</th><th>Direction</th><th>Target</th><th>Points</th><th>Latest</th><th>Record a value</th></tr></thead><tbody>\(rows)</tbody></table></div>"
        return table + """
            <details class="card"\(open(form.has("name")))><summary>Define a measure</summary>
            <form method="post" action="\(action)/measure-define">\(csrf(visit))
            \(field("name", label: "Name", value: form["name"], hint: "Such as “Interrupted drug rounds per week”.", required: true))
            \(field("unit", label: "Unit", value: form["unit"], hint: "Such as “rounds” or “%”.", required: true))
            <p class="field"><label for="better">Which way is better</label><select id="better" name="better">\(options([("lower", "Lower"), ("higher", "Higher")], selected: nil))</select></p>
            <p class="field"><label for="kind">Kind of values</label><select id="kind" name="kind">\(options([("count", "Counts"), ("proportion", "Percentages"), ("time", "Durations"), ("other", "Other")], selected: "other"))</select></p>
            \(field("target", label: "Target (optional)", value: form["target"]))
            <button type="submit">Define the measure</button></form></details>
            """
    }

    static func spreadTree(_ report: SpreadReport) -> HTML {
        guard !report.root.adoptions.isEmpty else { return .empty }
        func node(_ n: SpreadReport.Node) -> HTML {
            let children: HTML = n.adoptions.isEmpty ? .empty : "<ul>\(n.adoptions.map(node))</ul>"
            return "<li>\(ideaLink(n.id, n.department ?? n.title)) \(status(n.status)) · \(n.cycles) cycles\(n.latestDecision.map { " · last decision: \($0)" } ?? "")\(children)</li>"
        }
        return "<h2>Where it spread</h2><ul class=\"tree\">\(node(report.root))</ul>"
    }

    /// ` open` for the <details> whose form was sent back with an error.
    static func open(_ isOpen: Bool) -> HTML { isOpen ? " open" : .empty }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e12 ? String(Int(value)) : String(format: "%.2f", value)
    }
}

extension HTML {
    /// This field with its form name changed (ids stay unique on a page with several forms).
    func renamed(_ id: String, to name: String) -> HTML {
        HTML(trusted: text.replacingOccurrences(of: "name=\"\(id)\"", with: "name=\"\(name)\""))
    }
}
