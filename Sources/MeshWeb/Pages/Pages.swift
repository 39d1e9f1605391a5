import Foundation
import MeshControl

/// The pages' HTML: a shell with the menu, and the pieces every page uses. Everything a person
/// typed is escaped (`HTML`); pages work without JavaScript, which only refreshes parts of them
/// (`Assets.script`).
enum Pages {
    /// The menu: what each role finds. The daemon still checks every call.
    static func menu(_ session: WebSession, active: String) -> HTML {
        var items: [(String, String)] = [("/ideas", "Ideas"), ("/ideas/new", "Share an idea"), ("/mine", "My ideas")]
        if session.isLeader { items += [("/board", "Board"), ("/themes", "Themes"), ("/portfolio", "Portfolio")] }
        if session.isAdmin { items.append(("/admin", "Replication")) }
        let links = items.map { path, label -> HTML in
            path == active ? "<li><a href=\"\(path)\" aria-current=\"page\">\(label)</a></li>" : "<li><a href=\"\(path)\">\(label)</a></li>"
        }
        return "<ul>\(links)</ul>"
    }

    static func layout(_ visit: Visit?, title: String, active: String = "", body: HTML, live: Bool = false) -> HTML {
        let header: HTML
        if let visit {
            let session = visit.session
            let who: HTML = session.proof == .passcode ? "\(session.name) (ward passcode)" : "\(session.name) (\(session.role))"
            header = """
                <header><div class="bar"><a class="brand" href="/ideas">ideamesh</a>
                <span class="who">\(who)</span>
                <form method="post" action="/signout" class="inline">\(csrf(visit))<button type="submit" class="link">Sign out</button></form></div>
                <nav aria-label="Main">\(menu(session, active: active))</nav></header>
                """
        } else {
            header = "<header><div class=\"bar\"><span class=\"brand\">ideamesh</span></div></header>"
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · ideamesh</title>
            <link rel="stylesheet" href="/static/site.css">
            <script src="/static/live.js" defer></script>
            </head><body>
            <a class="skip" href="#main">Skip to content</a>
            \(header)
            <main id="main"\(live ? " data-live=\"10\"" : "" as HTML)>
            <h1>\(title)</h1>
            \(body)
            </main></body></html>
            """
    }

    static func csrf(_ visit: Visit) -> HTML {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(visit.session.csrf)\">"
    }

    static func problem(_ visit: Visit, title: String, message: String) -> HTML {
        layout(visit, title: title, body: "<p class=\"error\" role=\"alert\">\(message)</p><p><a href=\"/ideas\">Back to the ideas</a></p>")
    }

    static func error(_ message: String?) -> HTML {
        guard let message else { return .empty }
        return "<p class=\"error\" role=\"alert\">\(message)</p>"
    }

    static func notice(_ message: String?) -> HTML {
        guard let message else { return .empty }
        return "<p class=\"notice\" role=\"status\">\(message)</p>"
    }

    /// What a `patient_data` refusal found, and a box to say it is not patient data.
    static func patientDataWarning(_ findings: [FlaggedText]) -> HTML {
        guard !findings.isEmpty else { return .empty }
        let items = findings.map { finding -> HTML in
            "<li>\(finding.label) in <b>\(finding.param)</b>: “\(finding.excerpt)” (\(finding.explanation))</li>"
        }
        return """
            <div class="warning" role="alert"><p><b>This looks like patient details.</b> Ideas are shared with every department:
            never write names, NHS numbers or dates of birth of patients. Nothing was shared.</p><ul>\(items)</ul>
            <p><label><input type="checkbox" name="patient_data_ok" value="1"> These are not patient details; share as written</label></p></div>
            """
    }

    // MARK: Words

    static func status(_ raw: String) -> HTML {
        let words = raw.replacingOccurrences(of: "-", with: " ")
        return "<span class=\"status s-\(raw)\">\(words.prefix(1).uppercased() + words.dropFirst())</span>"
    }

    static func statusWords(_ raw: String) -> String {
        let words = raw.replacingOccurrences(of: "-", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    static func date(_ ms: Int?) -> String {
        guard let ms else { return "" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = TimeZone.current
        formatter.dateFormat = "d MMM yyyy, HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }

    static func ago(_ ms: Int?, now: Date = Date()) -> String {
        guard let ms else { return "" }
        let seconds = max(0, Int(now.timeIntervalSince1970) - ms / 1000)
        switch seconds {
        case ..<60: return "just now"
        case ..<3600: return "\(seconds / 60) min ago"
        case ..<86_400: return "\(seconds / 3600) h ago"
        default: return "\(seconds / 86_400) days ago"
        }
    }

    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    static func duration(_ seconds: Int) -> String {
        switch seconds {
        case ..<120: "\(seconds) s"
        case ..<7200: "\(seconds / 60) min"
        case ..<172_800: "\(seconds / 3600) h"
        default: "\(seconds / 86_400) days"
        }
    }

    static func days(since ms: Int?, now: Date = Date()) -> Int {
        guard let ms else { return 0 }
        return max(0, (Int(now.timeIntervalSince1970) - ms / 1000) / 86_400)
    }

    static func path(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_"))) ?? id
    }

    static func ideaLink(_ id: String, _ title: String) -> HTML {
        "<a href=\"/ideas/\(path(id))\">\(title)</a>"
    }

    static func options(_ values: [(String, String)], selected: String?, any: String? = nil) -> HTML {
        var out: [HTML] = []
        if let any { out.append("<option value=\"\">\(any)</option>") }
        for (value, label) in values {
            out.append(value == selected ? "<option value=\"\(value)\" selected>\(label)</option>" : "<option value=\"\(value)\">\(label)</option>")
        }
        return HTML.join(out)
    }

    static func field(_ name: String, label: String, value: String?, hint: String? = nil, required: Bool = false, multiline: Bool = false, type: String = "text") -> HTML {
        let hintHTML: HTML = hint.map { "<span class=\"hint\" id=\"\(name)-hint\">\($0)</span>" } ?? .empty
        let described: HTML = hint == nil ? .empty : " aria-describedby=\"\(name)-hint\""
        let requiredHTML: HTML = required ? " required" : .empty
        let input: HTML = multiline
            ? "<textarea id=\"\(name)\" name=\"\(name)\" rows=\"4\"\(described)\(requiredHTML)>\(value ?? "")</textarea>"
            : "<input id=\"\(name)\" name=\"\(name)\" type=\"\(type)\" value=\"\(value ?? "")\"\(described)\(requiredHTML)>"
        return "<p class=\"field\"><label for=\"\(name)\">\(label)</label>\(hintHTML)\(input)</p>"
    }
}
