import ArgumentParser
import Foundation
import MeshClient
import MeshCharts
import MeshControl
import MeshModel

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List ideas, filtered and sorted.",
        discussion: """
            Sorts: new (newest first), support (most supporters first), quiet (ideas from the \
            people and departments that have had the least attention first, so the loudest \
            voices do not decide alone what is seen).

            Columns: SUP supporters, CMT comments, DEPT the department the idea comes from, AGE \
            since it was submitted. A status marked * has concurrent values (see `ideamesh show`).
            """)

    enum Sort: String, CaseIterable, ExpressibleByArgument {
        case new, support, quiet
    }

    @Option(help: ArgumentHelp("Only ideas with this theme code.", valueName: "code"))
    var theme: String?

    @Option(help: ArgumentHelp("Only ideas with this status.", valueName: "status"))
    var status: IdeaStatus?

    @Option(help: ArgumentHelp("Only ideas from this department (its name, or its node id or a prefix of it).", valueName: "dept"))
    var dept: String?

    @Flag(help: "Only the ideas you submitted.")
    var mine = false

    @Option(help: ArgumentHelp("Only ideas created since then: \(TimeSpec.help).", valueName: "time"), transform: TimeSpec.argument)
    var since: TimeSpec?

    @Option(help: ArgumentHelp("The order (see above).", valueName: "sort"))
    var sort: Sort = .new

    @Option(help: ArgumentHelp("At most this many ideas (1-10000).", valueName: "n"))
    var limit: Int = 50

    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
    }

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh list")
        let output = Output(json: client.json)
        let params = API.IdeaList.Params(
            theme: theme, status: status?.rawValue, origin: dept, mine: mine ? true : nil,
            sinceMs: since.map { UInt64(clamping: $0.resolve(nowMs: output.context.nowMs, timeZone: output.context.timeZone)) },
            sort: sort == .new ? nil : sort.rawValue, limit: limit)
        let (list, raw) = try daemon.call(API.IdeaList.self, params)
        let filtered = theme != nil || status != nil || dept != nil || mine || since != nil
        output.emit(raw) { IdeaListView.render(list, context: output.context, filtered: filtered) }
    }
}

