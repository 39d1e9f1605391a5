import Foundation
import Hummingbird
import MeshControl
import MeshModel

/// Staff pages: ideas from every department (search as you type, filters), sharing an idea,
/// an idea with its support, comments and adoption, and "My ideas".
extension WebServer {
    func ideasPage(_ visit: Visit) async throws -> Response {
        let query = visit.request.uri.queryParameters
        // Forms send spaces as "+", which the query parser leaves as they are.
        let text = query.get("q")?.replacingOccurrences(of: "+", with: " ").trimmingCharacters(in: .whitespaces) ?? ""
        let theme = query.get("theme").flatMap { $0.isEmpty ? nil : $0 }
        let status = query.get("status").flatMap { $0.isEmpty ? nil : $0 }
        let origin = query.get("department").flatMap { $0.isEmpty ? nil : $0 }
        let caller = visit.session.caller
        var results: HTML
        var searchError: String?
        if !text.isEmpty {
            switch await backend.result(API.IdeaSearch.self, .init(text: text, limit: 50), as: caller) {
            case .success(let found): results = Self.searchResults(found, text: text)
            // Words it cannot search for, or a search index not built yet (a node taking in a large history).
            case .failure(let error) where error.code == .invalid || error.code == .unavailable:
                searchError = error.message
                results = .empty
            case .failure(let error): throw error
            }
        } else {
            let list = try await backend.call(API.IdeaList.self, .init(theme: theme, status: status, origin: origin, sort: "new", limit: 100), as: caller)
            results = Self.ideaList(list.ideas, total: list.total, visit: visit)
        }
        if query.get("partial") == "1" { return Self.html(results) }
        let themes = try await backend.call(API.ThemesList.self, .init(), as: caller)
        let departments = try await departments(caller)
        let body: HTML = """
            <form method="get" action="/ideas" class="card filters" role="search">
            <p class="field"><label for="q">Search</label><input id="q" name="q" type="search" value="\(text)" data-search></p>
            <p class="field"><label for="theme">Theme</label><select id="theme" name="theme">\(Pages.options(themes.themes.map { ($0.code, $0.name) }, selected: theme, any: "All themes"))</select></p>
            <p class="field"><label for="status">Status</label><select id="status" name="status">\(Pages.options(IdeaStatus.allCases.map { ($0.rawValue, Pages.statusWords($0.rawValue)) }, selected: status, any: "Any status"))</select></p>
            <p class="field"><label for="department">Department</label><select id="department" name="department">\(Pages.options(departments, selected: origin, any: "Every department"))</select></p>
            <p class="field"><button type="submit">Show</button></p>
            </form>
            \(Pages.error(searchError))
            <div id="results" aria-live="polite">\(results)</div>
            """
        return Self.html(Pages.layout(visit, title: "Ideas from every department", active: "/ideas", body: body, live: text.isEmpty))
    }

    /// Departments seen in the newest ideas held here (origin, name), for the filter; looked up
    /// again after half a minute, not for every page.
    func departments(_ caller: WebCaller) async throws -> [(String, String)] {
        let now = Date()
        if let cached = departmentsSeen.withLock({ $0 }), now.timeIntervalSince(cached.at) < 30 { return cached.list }
        let list = try await backend.call(API.IdeaList.self, .init(sort: "new", limit: 500), as: caller)
        var seen: [String: String] = [:]
        for idea in list.ideas { if let origin = idea.origin { seen[origin] = idea.department ?? String(origin.prefix(8)) } }
        let sorted = seen.sorted { $0.value < $1.value }.map { ($0.key, $0.value) }
        departmentsSeen.withLock { $0 = (now, sorted) }
        return sorted
    }

    static func ideaList(_ ideas: [IdeaSummary], total: Int, visit: Visit) -> HTML {
        guard !ideas.isEmpty else { return "<p>No ideas match. <a href=\"/ideas/new\">Share one</a>.</p>" }
        let items = ideas.map { idea -> HTML in
            let author = idea.authorName ?? idea.author ?? "anonymous"
            let reason: HTML = idea.statusReason.map { "<div class=\"meta\">Why: \($0)</div>" } ?? .empty
            return """
                <li><div class="title">\(Pages.ideaLink(idea.id, idea.title))</div>
                <div class="meta">\(Pages.status(idea.status)) · \(idea.department ?? "") · \(author) · \(Pages.ago(idea.createdMs))
                · \(idea.supporters ?? 0) supporting · \(idea.commentCount ?? 0) comments\(idea.adoptedFrom == nil ? "" : " · adopted from another department")</div>\(reason)</li>
                """
        }
        let shown = ideas.count < total ? "<p class=\"meta\">Showing the newest \(ideas.count) of \(total).</p>" as HTML : .empty
        return "\(shown)<ul class=\"ideas\">\(items)</ul>"
    }

    static func searchResults(_ found: SearchResults, text: String) -> HTML {
        guard !found.hits.isEmpty else { return "<p>Nothing found for “\(text)”.</p>" }
        let items = found.hits.map { hit -> HTML in
            // The store marks the words found with [ and ]: escaped first, then marked.
            let snippet = HTML(trusted: HTML.escape(hit.snippet).replacingOccurrences(of: "[", with: "<mark>").replacingOccurrences(of: "]", with: "</mark>"))
            return "<li><div class=\"title\">\(Pages.ideaLink(hit.idea, hit.title))</div><div class=\"meta\">\(hit.kind == "comment" ? "in a comment: " : "")\(snippet)</div></li>"
        }
        return "<p class=\"meta\">\(found.hits.count) found for “\(text)”.</p><ul class=\"ideas\">\(items)</ul>"
    }

    // MARK: Share an idea

    func newIdeaPage(_ visit: Visit, form: Form, error: WebCallError?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let themes = try await backend.call(API.ThemesList.self, .init(), as: visit.session.caller)
        let body: HTML = """
            <p>Spotted a problem and have a fix in mind? Share it: every department can see, support and adopt it.</p>
            \(Pages.error(error?.code == .patientData ? nil : error?.message))
            <form method="post" action="/ideas" class="card">\(Pages.csrf(visit))
            \(Pages.patientDataWarning(error?.findings ?? []))
            \(Pages.field("title", label: "Title", value: form["title"], hint: "A few words, such as “Night-time drug round interruptions”.", required: true))
            \(Pages.field("problem", label: "The problem", value: form["problem"], hint: "What goes wrong, how often, for whom. No patient names or numbers.", required: true, multiline: true))
            \(Pages.field("solution", label: "Your proposed solution", value: form["solution"], required: true, multiline: true))
            <p class="field"><label for="theme">Theme</label><select id="theme" name="theme">\(Pages.options(themes.themes.map { ($0.code, $0.name) }, selected: form["theme"], any: "No theme"))</select></p>
            <p class="field"><label><input type="checkbox" name="anonymous" value="1"\(form.has("anonymous") ? " checked" : "" as HTML)> Share without my name</label></p>
            <p><button type="submit">Share the idea</button></p>
            </form>
            """
        return Self.html(Pages.layout(visit, title: "Share an idea", active: "/ideas/new", body: body), status: status)
    }

    func shareIdea(_ visit: Visit, _ form: Form) async throws -> Response {
        let params = API.IdeaSubmit.Params(
            title: form["title"] ?? "", problem: form["problem"] ?? "", solution: form["solution"] ?? "", theme: form["theme"],
            anonymous: form.has("anonymous") ? true : nil, patientDataOk: form.has("patient_data_ok") ? true : nil)
        do {
            let written = try await backend.call(API.IdeaSubmit.self, params, as: visit.session.caller)
            return Self.redirect("/ideas/\(Pages.path(written.id))?done=shared")
        } catch {
            return try await newIdeaPage(visit, form: form, error: error, status: error.code == .forbidden ? .forbidden : .badRequest)
        }
    }

    // MARK: One idea

    static let doneMessages: [String: String] = [
        "shared": "Your idea is shared. Other departments will see it as soon as their nodes are in touch.",
        "supported": "You support this idea.", "unsupported": "You no longer support this idea.",
        "commented": "Your comment is added.", "adopted": "Adopted: your department has its own copy to test, linked to this one.",
        "status": "The status is changed.", "edited": "The idea is changed.", "cycle": "The PDSA cycle is updated.",
        "measure": "The measure is updated.",
    ]

    func ideaPage(_ visit: Visit, id: String, error: WebCallError? = nil, form: Form = Form(pairs: []), status: HTTPResponse.Status = .ok) async throws -> Response {
        let caller = visit.session.caller
        let idea = try await backend.call(API.IdeaShow.self, .init(id: id), as: caller)
        let spread = try? await backend.call(API.IdeaSpread.self, .init(id: idea.id), as: caller)
        let done = visit.request.uri.queryParameters.get("done").flatMap { Self.doneMessages[$0] }
        let body = Pages.idea(idea, spread: spread, visit: visit, done: done, error: error, form: form)
        return Self.html(Pages.layout(visit, title: idea.title, body: body), status: status)
    }

    func ideaAction(_ visit: Visit, id: String, action: String, form: Form) async throws -> Response {
        let outcome: Result<String, WebCallError>
        do { outcome = .success(try await perform(action, on: id, form: form, as: visit.session.caller)) } catch { outcome = .failure(error) }
        switch outcome {
        case .success(let path): return Self.redirect(path)
        case .failure(let error) where error.code == .patientData:
            return Self.html(Pages.confirmPatientData(
                visit, postTo: "/ideas/\(Pages.path(id))/\(action)", form: form, findings: error.findings, back: "/ideas/\(Pages.path(id))"), status: .badRequest)
        case .failure(let error) where error.code != .notFound || action == "adopt":
            return try await ideaPage(visit, id: id, error: error, form: form, status: error.code == .forbidden ? .forbidden : .badRequest)
        case .failure(let error):
            throw error
        }
    }

    /// Does `action` to idea `id`; returns the page to go to.
    private func perform(_ action: String, on id: String, form: Form, as caller: WebCaller) async throws(WebCallError) -> String {
        let ok = form.has("patient_data_ok") ? true : nil
        let done: String
        do {
            switch action {
            case "support": _ = try await backend.call(API.IdeaSupport.self, .init(id: id), as: caller); done = "supported"
            case "unsupport": _ = try await backend.call(API.IdeaUnsupport.self, .init(id: id), as: caller); done = "unsupported"
            case "comment":
                _ = try await backend.call(API.IdeaComment.self, .init(id: id, text: form["text"] ?? "", patientDataOk: ok), as: caller); done = "commented"
            case "adopt":
                let written = try await backend.call(API.IdeaAdopt.self, .init(id: id), as: caller)
                return "/ideas/\(Pages.path(written.id))?done=adopted"
            case "status":
                _ = try await backend.call(API.IdeaSetStatus.self, .init(id: id, status: form["status"] ?? "", reason: form["reason"] ?? "", patientDataOk: ok), as: caller)
                done = "status"
            case "edit":
                _ = try await backend.call(API.IdeaEdit.self, .init(
                    id: id, title: form["title"], problem: form["problem"], solution: form["solution"], patientDataOk: ok), as: caller)
                done = "edited"
            case "pdsa-start":
                _ = try await backend.call(API.PDSAStart.self, .init(idea: id, plan: form["plan"] ?? "", prediction: form["prediction"] ?? "", patientDataOk: ok), as: caller)
                done = "cycle"
            case "pdsa-do":
                _ = try await backend.call(API.PDSADo.self, .init(cycle: form["cycle"] ?? "", notes: form["notes"], patientDataOk: ok), as: caller); done = "cycle"
            case "pdsa-study":
                _ = try await backend.call(API.PDSAStudy.self, .init(cycle: form["cycle"] ?? "", notes: form["notes"], patientDataOk: ok), as: caller); done = "cycle"
            case "pdsa-act":
                _ = try await backend.call(API.PDSAAct.self, .init(cycle: form["cycle"] ?? "", decision: form["decision"] ?? "", notes: form["notes"], patientDataOk: ok), as: caller)
                done = "cycle"
            case "measure-define":
                guard let target = Self.number(form["target"], optional: true) else {
                    throw WebCallError(code: .invalid, message: "The target must be a number, such as 12 or 4.5 (or empty).")
                }
                _ = try await backend.call(API.MeasureDefine.self, .init(
                    idea: id, name: form["name"] ?? "", unit: form["unit"] ?? "", better: form["better"] ?? "", target: target, kind: form["kind"]), as: caller)
                done = "measure"
            case "measure-record":
                guard let value = Self.number(form["value"], optional: false) ?? nil else {
                    throw WebCallError(code: .invalid, message: "The value must be a number, such as 12 or 4.5.")
                }
                _ = try await backend.call(API.MeasureRecord.self, .init(measure: form["measure"] ?? "", value: value, date: form["date"], note: form["note"], patientDataOk: ok), as: caller)
                done = "measure"
            default:
                throw WebCallError(code: .notFound, message: "There is no action “\(action)”.")
            }
        }
        return "/ideas/\(Pages.path(id))?done=\(done)"
    }

    /// A number typed in a form: nil when it is not one; `.some(nil)` when empty and optional.
    static func number(_ text: String?, optional: Bool) -> Double?? {
        guard let text, !text.isEmpty else { return optional ? .some(nil) : nil }
        guard let value = Double(text.replacingOccurrences(of: ",", with: ".")), value.isFinite else { return nil }
        return .some(value)
    }

    // MARK: My ideas

    func minePage(_ visit: Visit) async throws -> Response {
        let caller = visit.session.caller
        let list = try await backend.call(API.IdeaList.self, .init(mine: true, sort: "new", limit: 50), as: caller)
        var sections: [HTML] = []
        for summary in list.ideas {
            let idea = try await backend.call(API.IdeaShow.self, .init(id: summary.id), as: caller)
            let changes = (idea.history ?? []).filter { $0.kind == "status-set" }
            let steps: [HTML] = changes.map { change in
                let reason: HTML = change.reason.map { " — “\($0)”" } ?? .empty
                return "<li>\(Pages.status(change.status ?? "")) by \(change.authorName ?? change.author ?? "someone") (\(change.department ?? "")), \(Pages.date(change.createdMs))\(reason)</li>"
            }
            let history: HTML = steps.isEmpty ? "<p class=\"meta\">No response yet: shared \(Pages.ago(idea.createdMs)).</p>" : "<ol>\(steps)</ol>"
            sections.append("""
                <section class="card"><h2>\(Pages.ideaLink(idea.id, idea.title))</h2>
                <p class="meta">\(Pages.status(idea.status)) · \(idea.supporters ?? 0) supporting · \(idea.commentCount ?? 0) comments · adopted by \((idea.adoptions ?? []).count) departments</p>
                \(history)</section>
                """)
        }
        let body: HTML = sections.isEmpty ? "<p>You have not shared an idea yet. <a href=\"/ideas/new\">Share one</a>.</p>" : HTML.join(sections)
        return Self.html(Pages.layout(visit, title: "My ideas", active: "/mine", body: "<p>Every idea you shared, with each status change and its reason.</p>\(body)"))
    }
}
