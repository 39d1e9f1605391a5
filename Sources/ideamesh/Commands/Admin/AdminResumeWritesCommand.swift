import ArgumentParser
import MeshClient
import MeshCharts
import MeshControl

struct AdminResumeWritesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume-writes",
        abstract: "Let a restored node take writes before it has heard its own history from a peer.",
        discussion: """
            A node restored from a backup (`ideameshd restore`), or one whose peers hold more of its \
            own ops than its store, refuses staff writes until a peer has told it how far its own \
            history goes and it holds that much again: a write before then could reuse a number its \
            peers hold with other content, a fork of its history that every other department then \
            quarantines. Writes resume by themselves once a peer is reached. Lift the pause by hand \
            only when no peer will ever hold this node's later ops (the whole mesh was restored, or \
            the node never shared them).
            """)

    @Flag(help: "Do not ask for confirmation.")
    var yes = false

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh admin resume-writes")
        let terminal = Terminal.current()
        guard let reason = try daemon.call(API.AdminStatus.self).value.writesPaused else {
            throw CLIError("writes are not paused on this node; nothing changed")
        }
        if !yes {
            guard terminal.stdinIsTTY else {
                throw CLIError("resuming writes before a peer is heard from may fork this node's history: confirm with --yes",
                               hint: "ideamesh admin resume-writes --yes")
            }
            print("Writes are paused: \(reason)")
            let answer = try Terminal.ask("Resume writes now, knowing that they may fork this node's history? [y/N] ")
            guard let answer, ["y", "yes"].contains(answer.lowercased()) else { throw CLIError("cancelled: nothing changed") }
        }
        let (result, raw) = try daemon.call(API.AdminWritesResume.self)
        Output(json: client.json, terminal: terminal).emit(raw) {
            result.wasPaused ? "Writes resumed on this node." : "Writes were not paused; nothing changed."
        }
    }
}
