import Foundation
import Hummingbird
import MeshControl
import MeshModel

/// The QI managers' portfolio (the long view, across every department) and the admins'
/// replication page.
extension WebServer {
    func portfolioPage(_ visit: Visit) async throws -> Response {
        let caller = visit.session.caller
        let weeks = max(1, min(52, Int(visit.request.uri.queryParameters.get("weeks") ?? "") ?? 4))
        let list = try await backend.call(API.IdeaList.self, .init(sort: "new", limit: 2000), as: caller)
        let ideas = list.ideas
        let now = Date()

        // Waiting for a first response: still proposed, oldest first.
        let waiting = ideas.filter { $0.status == IdeaStatus.proposed.rawValue }.sorted { ($0.createdMs ?? 0) < ($1.createdMs ?? 0) }
        let waitDays = waiting.map { Pages.days(since: $0.createdMs, now: now) }.sorted()
        let median = waitDays.isEmpty ? 0 : waitDays[waitDays.count / 2]
        let waitingRows = waiting.prefix(15).map { idea -> HTML in
            "<tr><td>\(Pages.ideaLink(idea.id, idea.title))</td><td>\(idea.department ?? "")</td><td>\(Pages.days(since: idea.createdMs, now: now)) days</td></tr>"
        }

        // Cycles with no step for `weeks` weeks, among the ideas being tested.
        var stalled: [HTML] = []
        for idea in ideas.filter({ $0.status == IdeaStatus.testing.rawValue }).prefix(40) {
            let detail = try await backend.call(API.IdeaShow.self, .init(id: idea.id), as: caller)
            for cycle in detail.cycles ?? [] where cycle.phase != "act" {
                let last = (cycle.steps ?? []).compactMap(\.createdMs).max() ?? cycle.createdMs
                let idle = Pages.days(since: last, now: now)
                if idle >= weeks * 7 {
                    stalled.append("<tr><td>\(Pages.ideaLink(idea.id, idea.title))</td><td>\(idea.department ?? "")</td><td>\(cycle.phase.capitalized)</td><td>\(idle / 7) weeks</td></tr>")
                }
            }
        }

        // Results: measures whose latest point is a special cause of improvement.
        let measures = try await backend.call(API.MeasureList.self, .init(limit: 500), as: caller)
        let improving = measures.measures.filter { $0.signal == "special_cause_improvement" }
        let resultRows = improving.map { m -> HTML in
            "<tr><td><a href=\"/measures/\(Pages.path(m.id))\">\(m.name)</a></td><td>\(Pages.ideaLink(m.idea, m.ideaTitle ?? "idea"))</td><td>\(m.department ?? "")</td><td>\(m.latestValue.map { Pages.format($0) } ?? "") \(m.unit)</td></tr>"
        }

        // Participation: ideas and support by department, and who is not heard.
        var byDepartment: [String: (ideas: Int, support: Int, authors: Set<String>)] = [:]
        for idea in ideas {
            let key = idea.department ?? "unknown"
            var entry = byDepartment[key] ?? (0, 0, [])
            entry.ideas += 1
            entry.support += idea.supporters ?? 0
            if let author = idea.author { entry.authors.insert(author) }
            byDepartment[key] = entry
        }
        let most = max(1, byDepartment.values.map(\.ideas).max() ?? 1)
        let participation = byDepartment.sorted { $0.value.ideas > $1.value.ideas }.map { name, entry -> HTML in
            "<div class=\"bar-row\"><span>\(name) <span class=\"meta\">(\(entry.authors.count) people)</span></span><progress max=\"\(most)\" value=\"\(entry.ideas)\" aria-label=\"\(name): \(entry.ideas) ideas\"></progress><span>\(entry.ideas)</span></div>"
        }
        let anonymous = ideas.filter { $0.author == nil || $0.author == "" }.count

        // The most supported (Pareto), beside the quiet voices: ideas no one has supported yet
        // from the departments that share least, and anonymous ones.
        let supported = ideas.filter { ($0.supporters ?? 0) > 0 }.sorted { ($0.supporters ?? 0) > ($1.supporters ?? 0) }
        let totalSupport = max(1, supported.reduce(0) { $0 + ($1.supporters ?? 0) })
        var cumulative = 0
        let pareto = supported.prefix(10).map { idea -> HTML in
            cumulative += idea.supporters ?? 0
            return "<tr><td>\(Pages.ideaLink(idea.id, idea.title))</td><td>\(idea.department ?? "")</td><td>\(idea.supporters ?? 0)</td><td>\(cumulative * 100 / totalSupport)%</td></tr>"
        }
        let quietDepartments = Set(byDepartment.sorted { $0.value.ideas < $1.value.ideas }.prefix(max(1, byDepartment.count / 2)).map(\.key))
        let quiet = ideas.filter { ($0.supporters ?? 0) == 0 && (quietDepartments.contains($0.department ?? "unknown") || ($0.author ?? "").isEmpty) }
            .prefix(10).map { idea -> HTML in
                "<tr><td>\(Pages.ideaLink(idea.id, idea.title))</td><td>\(idea.department ?? "")</td><td>\((idea.author ?? "").isEmpty ? "anonymous" : "named")</td><td>\(Pages.ago(idea.createdMs))</td></tr>"
            }

        func table(_ head: [String], _ rows: [HTML], empty: String) -> HTML {
            rows.isEmpty ? "<p class=\"meta\">\(empty)</p>"
                : "<div class=\"scroll\"><table><thead><tr>\(head.map { "<th>\($0)</th>" as HTML })</tr></thead><tbody>\(rows)</tbody></table></div>"
        }
        let body: HTML = """
            <p>Every department's ideas held here (\(ideas.count) of \(list.total)): what waits for an answer, what has stalled, what works, and who is heard.</p>
            <div class="grid2">
            <section class="card"><h2>Waiting for a first response (\(waiting.count))</h2>
            <p>Median wait: <b>\(median) days</b>.</p>
            \(table(["Idea", "Department", "Waiting"], Array(waitingRows), empty: "Every idea has had a response."))</section>
            <section class="card"><h2>Cycles stalled (no step in \(weeks) weeks)</h2>
            <form method="get" action="/portfolio"><label for="weeks">Weeks without a step</label> <input id="weeks" name="weeks" type="number" min="1" max="52" value="\(String(weeks))"> <button type="submit" class="secondary">Show</button></form>
            \(table(["Idea", "Department", "Phase", "Idle"], stalled, empty: "No cycle has stalled."))</section>
            </div>
            <section class="card"><h2>Results: special-cause improvement (\(improving.count))</h2>
            \(table(["Measure", "Idea", "Department", "Latest"], resultRows, empty: "No measure shows special-cause improvement yet."))</section>
            <div class="grid2">
            <section class="card"><h2>Participation by department</h2>\(participation)
            <p class="meta">\(anonymous) ideas were shared anonymously.</p></section>
            <section class="card"><h2>Most supported (Pareto)</h2>
            \(table(["Idea", "Department", "Supporters", "Cumulative"], pareto, empty: "No idea has support yet."))</section>
            </div>
            <section class="card"><h2>Quiet voices</h2><p>Ideas no one has supported yet, from the departments that share least, and anonymous ones: so that the loudest are not the only ones heard.</p>
            \(table(["Idea", "Department", "Shared", "When"], Array(quiet), empty: "Every quiet voice has support."))</section>
            """
        return Self.html(Pages.layout(visit, title: "Portfolio: every department", active: "/portfolio", body: body))
    }

    func adminPage(_ visit: Visit) async throws -> Response {
        let caller = visit.session.caller
        let status = try await backend.call(API.AdminStatus.self, as: caller)
        let peers = try await backend.call(API.AdminPeers.self, as: caller)
        let replication = try await backend.call(API.AdminReplication.self, as: caller)
        let forks = try await backend.call(API.AdminForks.self, as: caller)
        let trust = try await backend.call(API.AdminTrustList.self, as: caller)

        let peerRows = peers.peers.map { peer -> HTML in
            "<tr><td>\(peer.department ?? "")</td><td>\(peer.address)</td><td>\(peer.state)</td><td>\(peer.direction)</td><td>\(peer.rttMs.map { "\($0) ms" } ?? "")</td><td>\(peer.opsBehind.map(String.init) ?? "")</td><td>\(peer.lastSeenMsAgo.map { "\($0 / 1000) s ago" } ?? "")</td></tr>"
        }
        let origins = replication.origins
        let head: [HTML] = origins.map { "<th scope=\"col\">\($0.department ?? String($0.origin.prefix(8)))</th>" }
        let lagRows = replication.peers.map { peer -> HTML in
            let cells = origins.map { origin -> HTML in
                let behind = peer.behind[origin.origin] ?? 0
                let style = behind == 0 ? "lag-0" : behind < 100 ? "lag-some" : "lag-many"
                return "<td class=\"\(style)\">\(behind == 0 ? "in sync" : "\(behind) behind")</td>"
            }
            return "<tr><th scope=\"row\">\(peer.department ?? String(peer.nodeId.prefix(8)))</th>\(cells)</tr>"
        }
        let forkRows = forks.forks.map { fork -> HTML in
            "<tr><td>\(fork.department ?? String(fork.origin.prefix(8)))</td><td>\(fork.seq)</td><td>\(fork.reason ?? "")</td><td>\(Pages.date(fork.detectedMs))</td></tr>"
        }
        let held = (status.heldBack ?? []).map { origin -> HTML in
            "<tr><td>\(origin.department ?? String(origin.origin.prefix(8)))</td><td>\(origin.ops)</td><td>\(origin.aheadMs / 1000) s ahead</td></tr>"
        }
        let trustRows = trust.nodes.map { node -> HTML in "<tr><td>\(node.department ?? "")</td><td><code>\(node.nodeId)</code></td><td>\(node.source)</td></tr>" }
        func table(_ head: [String], _ rows: [HTML], empty: String) -> HTML {
            rows.isEmpty ? "<p class=\"meta\">\(empty)</p>"
                : "<div class=\"scroll\"><table><thead><tr>\(head.map { "<th>\($0)</th>" as HTML })</tr></thead><tbody>\(rows)</tbody></table></div>"
        }
        let body: HTML = """
            <p>\(status.department): \(status.ops) ops from \(Pages.count(status.origins, "department")), \(Pages.count(status.peersConnected, "peer")) connected, up \(Pages.duration(status.uptimeSeconds)).
            \(status.writesPaused.map { "<b>Writes are paused: \($0)</b>" as HTML } ?? .empty)
            \(status.opsBreakingRules > 0 ? "\(status.opsBreakingRules) ops broke a content rule and have no effect." : "" as HTML)</p>
            <section class="card"><h2>Peers</h2>\(table(["Department", "Address", "State", "Dialled", "Round trip", "Ops behind", "Last seen"], peerRows, empty: "No peer is connected."))</section>
            <section class="card"><h2>Replication lag</h2><p class="meta">Rows: peers; columns: whose ops. Each cell: how many of that department's ops the peer lacks.</p>
            \(lagRows.isEmpty ? "<p class=\"meta\">No peer to compare with.</p>" as HTML : "<div class=\"scroll\"><table><thead><tr><th>Peer</th>\(head)</tr></thead><tbody>\(lagRows)</tbody></table></div>")</section>
            <div class="grid2">
            <section class="card"><h2>Forks</h2>\(table(["Department", "Seq", "Why", "Seen"], forkRows, empty: "No forks."))</section>
            <section class="card"><h2>Held back (clock ahead)</h2>\(table(["Department", "Ops", "Ahead"], held, empty: "Nothing held back."))</section>
            </div>
            <section class="card"><h2>Trusted nodes</h2>\(table(["Department", "Node", "From"], trustRows, empty: "No node is trusted."))</section>
            """
        return Self.html(Pages.layout(visit, title: "Replication", active: "/admin", body: body, live: true))
    }
}
