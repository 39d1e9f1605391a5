import ArgumentParser
import MeshClient
import MeshCharts
import MeshControl

struct CommentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comment",
        abstract: "Comment on an idea, or edit or retract your comment.",
        discussion: "`ideamesh comment ID TEXT` adds a comment (the same as `ideamesh comment add ID TEXT`).",
        subcommands: [Add.self, Edit.self, Retract.self],
        defaultSubcommand: Add.self)

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a comment to an idea.")

        @Argument(help: ArgumentHelp("The idea's id.", valueName: "id"))
        var id: String

        @Argument(help: ArgumentHelp("The comment.", valueName: "text"))
        var text: String

        @OptionGroup var patientData: PatientDataOptions

        @OptionGroup var client: ClientOptions

        func run() throws {
            let daemon = try DaemonSession.open(client, command: "ideamesh comment add")
            let (written, raw) = try daemon.call(API.IdeaComment.self, .init(id: id, text: text), patientData: patientData)
            Output(json: client.json).emit(raw) { "Commented on \(IdeaIDs.short(id)) (comment \(written.shortId))." }
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace the text of your comment.")

        @Argument(help: ArgumentHelp("The comment's id (as `ideamesh show` lists it).", valueName: "comment-id"))
        var id: String

        @Argument(help: ArgumentHelp("The new text.", valueName: "text"))
        var text: String

        @OptionGroup var patientData: PatientDataOptions

        @OptionGroup var client: ClientOptions

        func run() throws {
            let daemon = try DaemonSession.open(client, command: "ideamesh comment edit")
            let (_, raw) = try daemon.call(API.CommentEdit.self, .init(id: id, text: text), patientData: patientData)
            Output(json: client.json).emit(raw) { "Edited comment \(IdeaIDs.short(id))." }
        }
    }

    struct Retract: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Retract your comment (its text is no longer shown).")

        @Argument(help: ArgumentHelp("The comment's id.", valueName: "comment-id"))
        var id: String

        @Option(help: ArgumentHelp("Why (shown in the idea's history).", valueName: "text"))
        var reason: String = ""

        @OptionGroup var patientData: PatientDataOptions

        @OptionGroup var client: ClientOptions

        func run() throws {
            let daemon = try DaemonSession.open(client, command: "ideamesh comment retract")
            let (_, raw) = try daemon.call(API.CommentRetract.self, .init(id: id, reason: reason), patientData: patientData)
            Output(json: client.json).emit(raw) { "Retracted comment \(IdeaIDs.short(id))." }
        }
    }
}
