import ArgumentParser
import MeshClient
import MeshCharts
import MeshControl

struct MineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mine",
        abstract: "Your ideas, each with every change of its status and the reason given.",
        discussion: """
            The ideas you submitted here (not anonymous ones: nothing ties those to you), newest \
            first, with who moved each and why. `ideamesh show ID` gives an idea in full.
            """)

    @Option(help: ArgumentHelp("At most this many ideas (1-1000).", valueName: "n"))
    var limit: Int = 20

    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard (1...1_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
    }

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh mine")
        let output = Output(json: client.json)
        let (list, _) = try daemon.call(API.IdeaList.self, .init(mine: true, limit: limit))
        var ideas = [IdeaDetail](), raw = [[String: Any]]()
        for summary in list.ideas {
            let (detail, shown) = try daemon.call(API.IdeaShow.self, .init(id: summary.id))
            ideas.append(detail)
            var entry = shown.filter { ["id", "short_id", "title", "status", "origin", "department", "created_ms"].contains($0.key) }
            entry["status_changes"] = (shown["history"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "status-set" }
            raw.append(entry)
        }
        output.emit(["total": list.total, "ideas": raw]) { MineView.render(ideas, total: list.total, context: output.context) }
    }
}
