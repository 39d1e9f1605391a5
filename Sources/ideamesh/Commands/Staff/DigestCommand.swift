import ArgumentParser
import MeshClient
import MeshCharts
import MeshControl

struct DigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "What happened lately: new ideas, ideas moved to testing, adopted or spread, and this department's ideas adopted elsewhere.")

    @Option(help: ArgumentHelp("Since when: \(TimeSpec.help) (default: 7d).", valueName: "time"), transform: TimeSpec.argument)
    var since: TimeSpec?

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh digest")
        let output = Output(json: client.json)
        let sinceMs = (since ?? .ago(seconds: 7 * 86_400)).resolve(nowMs: output.context.nowMs, timeZone: output.context.timeZone)
        let (digest, raw) = try daemon.call(API.Digest.self, .init(sinceMs: UInt64(clamping: sinceMs)))
        output.emit(raw) { DigestView.render(digest, since: output.context.absolute(sinceMs), context: output.context) }
    }
}
