import Foundation
import Hummingbird
import MeshCharts
import MeshControl
import MeshModel

/// Leaders' pages: the status board of their department's ideas, themes, and a measure's run and
/// XmR charts (the CLI's chart code) with the compare view across adopting departments.
extension WebServer {
    func boardPage(_ visit: Visit) async throws -> Response {
        let caller = visit.session.caller
        let ping = try await backend.call(API.Ping.self, as: caller)
        let list = try await backend.call(API.IdeaList.self, .init(origin: ping.nodeId, sort: "new", limit: 500), as: caller)
        let columns = IdeaStatus.allCases.map { status -> HTML in
            let ideas = list.ideas.filter { $0.status == status.rawValue }
            let cards = ideas.map { idea -> HTML in
                "<li>\(Pages.ideaLink(idea.id, idea.title))<div class=\"meta\">\(idea.supporters ?? 0) supporting · \(Pages.ago(idea.createdMs))</div></li>"
            }
            return "<section aria-label=\"\(Pages.statusWords(status.rawValue))\"><h2>\(Pages.statusWords(status.rawValue)) (\(ideas.count))</h2><ul class=\"ideas\">\(cards)</ul></section>"
        }
        let body: HTML = """
            <p>The ideas of \(ping.department), by status. Open one to move it on; the reason you give is what its author sees.</p>
            <div class="board">\(columns)</div>
            """
        return Self.html(Pages.layout(visit, title: "\(ping.department): status board", active: "/board", body: body, live: true))
    }

    func themesPage(_ visit: Visit, error: WebCallError?, form: Form = Form(pairs: []), status: HTTPResponse.Status = .ok) async throws -> Response {
        let themes = try await backend.call(API.ThemesList.self, .init(), as: visit.session.caller)
        let rows = themes.themes.map { theme -> HTML in
            "<tr><td>\(theme.code)</td><td><a href=\"/ideas?theme=\(Pages.path(theme.code))\">\(theme.name)</a></td><td>\(theme.description ?? "")</td><td>\(theme.ideas ?? 0)</td></tr>"
        }
        let body: HTML = """
            \(Pages.error(error?.message))
            <div class="scroll"><table><thead><tr><th>Code</th><th>Theme</th><th>Description</th><th>Ideas</th></tr></thead><tbody>\(rows)</tbody></table></div>
            <form method="post" action="/themes" class="card">\(Pages.csrf(visit))<h2>Define a theme</h2>
            \(Pages.field("code", label: "Code", value: form["code"], hint: "Short, lower case, such as “falls”.", required: true))
            \(Pages.field("name", label: "Name", value: form["name"], required: true))
            \(Pages.field("description", label: "Description", value: form["description"], multiline: true))
            <button type="submit">Define the theme</button></form>
            """
        return Self.html(Pages.layout(visit, title: "Themes", active: "/themes", body: body), status: status)
    }

    func defineTheme(_ visit: Visit, _ form: Form) async throws -> Response {
        do {
            _ = try await backend.call(API.ThemeDefine.self, .init(code: form["code"] ?? "", name: form["name"] ?? "", description: form["description"]), as: visit.session.caller)
        } catch {
            return try await themesPage(visit, error: error, form: form, status: error.code == .forbidden ? .forbidden : .badRequest)
        }
        return Self.redirect("/themes")
    }

    func measurePage(_ visit: Visit, id: String) async throws -> Response {
        let caller = visit.session.caller
        let query = visit.request.uri.queryParameters
        let run = query.get("chart") == "run"
        let chart = try await backend.call(API.MeasureChart.self, .init(measure: id, rules: run ? "ihi" : nil), as: caller)
        let measure = chart.measure
        let kind: ChartKind = run ? .run : .xmr
        let compare = query.get("compare") == "1"
        let figure: HTML
        if compare {
            let comparison = try await backend.call(API.MeasureCompare.self, .init(measure: id, rules: run ? "ihi" : nil), as: caller)
            figure = HTML(trusted: ChartSVG.compare(comparison, kind: kind))
        } else {
            figure = HTML(trusted: ChartSVG.render(chart, kind: kind))
        }
        let base = "/measures/\(Pages.path(id))"
        func link(_ label: String, _ query: String, current: Bool) -> HTML {
            current ? "<b aria-current=\"page\">\(label)</b>" : "<a href=\"\(base)\(query)\">\(label)</a>"
        }
        let body: HTML = """
            <p class="meta">For \(Pages.ideaLink(measure.idea, measure.ideaTitle ?? "the idea")) · \(measure.department ?? "") · \(measure.observations) points</p>
            <p class="actions">\(link("XmR chart", compare ? "?compare=1" : "", current: !run))
            \(link("Run chart", compare ? "?chart=run&compare=1" : "?chart=run", current: run))
            \(link(compare ? "This department only" : "Compare the departments that adopted it", run ? (compare ? "?chart=run" : "?chart=run&compare=1") : (compare ? "" : "?compare=1"), current: false))</p>
            <figure class="chart">\(figure)</figure>
            """
        return Self.html(Pages.layout(visit, title: measure.name, body: body))
    }
}
