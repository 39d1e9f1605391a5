import ArgumentParser
import MeshClient
import MeshCharts
import MeshControl
import MeshModel

struct RedactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redact",
        abstract: "Remove patient details typed by mistake, from every copy on every node.",
        discussion: """
            Erases the text of one field of an idea (its title, problem or solution) or of a \
            comment, wherever it was written: the idea's first version and every edit of that \
            field, and the copies other departments made by adopting the idea; for a comment, \
            its first text and every edit. Every node erases it as the redaction reaches it, \
            including nodes that are offline now and nodes that join later, and it reads \
            "\(Erasure.placeholder)" everywhere, with who removed it, when and why in the \
            idea's history. Backups made before it still hold the text: replace them.

            The person who wrote the text may remove it, and the leaders and admins of the \
            department whose idea it is (for a comment: the comment's department or the \
            idea's). It cannot be undone. Write the field again without the patient's details \
            afterwards (`ideamesh edit ID --problem TEXT`).

            Example: ideamesh redact 25nj-3 --field problem --reason "patient's name and NHS number"
            """)

    @Argument(help: ArgumentHelp("The idea's id; for --field comment, the comment's id (as `ideamesh show` lists it).", valueName: "id"))
    var id: String

    @Option(help: ArgumentHelp("What to erase: title, problem, solution or comment.", valueName: "field"))
    var field: RedactField

    @Option(help: ArgumentHelp("Why (shown beside the removed text on every node; do not repeat the details).", valueName: "text"))
    var reason: String

    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--reason must say why (it is shown beside the removed text)")
        }
    }

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh redact")
        let (_, raw) = try daemon.call(API.IdeaRedact.self, .init(id: id, field: field.rawValue, reason: reason))
        Output(json: client.json).emit(raw) {
            let what = field == .comment ? "The text of comment \(IdeaIDs.short(id))" : "The \(field.rawValue) of \(IdeaIDs.short(id))"
            let again = field == .comment
                ? "Comment again without the patient's details if it is still needed."
                : "Write it again without the patient's details: ideamesh edit \(IdeaIDs.short(id)) --\(field.rawValue) TEXT"
            return """
                \(what) is removed here, and from every node as the redaction reaches it; it reads "\(Erasure.placeholder)".
                \(again)
                """
        }
    }
}
