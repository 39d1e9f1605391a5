import ArgumentParser
import MeshClient
import MeshCharts
import MeshControl
import MeshModel

struct PDSACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pdsa",
        abstract: "Run a test of change on an idea: Plan (with a prediction), Do, Study, Act.",
        discussion: """
            A cycle starts with its plan and prediction, which can never change afterwards: a \
            change of mind is a new cycle. Do and Study record what happened and what was learned \
            (as often as needed); Act decides (adopt, adapt or abandon) and closes the cycle. \
            `ideamesh show ID` shows an idea's cycles as a timeline.
            """,
        subcommands: [Start.self, Do.self, Study.self, Act.self])

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a PDSA cycle on an idea, with its plan and prediction.")

        @Argument(help: ArgumentHelp("The idea's id.", valueName: "idea"))
        var idea: String

        @Option(help: ArgumentHelp("What will be tried, by whom, where and when.", valueName: "text"))
        var plan: String

        @Option(help: ArgumentHelp("What you expect to happen: Study compares the result with it. Fixed once the cycle starts.", valueName: "text"))
        var prediction: String

        @OptionGroup var patientData: PatientDataOptions

        @OptionGroup var client: ClientOptions

        func validate() throws {
            for (name, text) in [("--plan", plan), ("--prediction", prediction)] where text.trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("\(name) must not be empty")
            }
        }

        func run() throws {
            let daemon = try DaemonSession.open(client, command: "ideamesh pdsa start")
            let (written, raw) = try daemon.call(API.PDSAStart.self, .init(idea: idea, plan: plan, prediction: prediction), patientData: patientData)
            Output(json: client.json).emit(raw) {
                "Started PDSA cycle \(written.shortId) on \(IdeaIDs.short(idea)). Next: ideamesh pdsa do \(written.shortId) --notes \"…\""
            }
        }
    }

    struct Do: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record what was done and observed while carrying out the plan.")

        @Argument(help: ArgumentHelp("The cycle's id (as `ideamesh pdsa start` or `ideamesh show` gives it).", valueName: "cycle"))
        var cycle: String

        @Option(help: ArgumentHelp("What happened.", valueName: "text"))
        var notes: String = ""

        @OptionGroup var patientData: PatientDataOptions

        @OptionGroup var client: ClientOptions

        func run() throws {
            try PDSACommand.step(API.PDSADo.self, .init(cycle: cycle, notes: notes), "Do", cycle: cycle, patientData: patientData, client: client)
        }
    }

    struct Study: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record what was learned: the result against the prediction.")

        @Argument(help: ArgumentHelp("The cycle's id.", valueName: "cycle"))
        var cycle: String

        @Option(help: ArgumentHelp("What the data showed, against the prediction.", valueName: "text"))
        var notes: String = ""

        @OptionGroup var patientData: PatientDataOptions

        @OptionGroup var client: ClientOptions

        func run() throws {
            try PDSACommand.step(API.PDSAStudy.self, .init(cycle: cycle, notes: notes), "Study", cycle: cycle, patientData: patientData, client: client)
        }
    }

    struct Act: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide what to do next and close the cycle: adopt, adapt or abandon.",
            discussion: "After Act the cycle takes no more steps; to try again, start a new cycle.")

        @Argument(help: ArgumentHelp("The cycle's id.", valueName: "cycle"))
        var cycle: String

        @Argument(help: ArgumentHelp("adopt (keep the change), adapt (change it and test again) or abandon.", valueName: "decision"))
        var decision: PDSADecision

        @Option(help: ArgumentHelp("Why.", valueName: "text"))
        var notes: String = ""

        @OptionGroup var patientData: PatientDataOptions

        @OptionGroup var client: ClientOptions

        func run() throws {
            try PDSACommand.step(
                API.PDSAAct.self, .init(cycle: cycle, decision: decision.rawValue, notes: notes), "Act (\(decision.rawValue))", cycle: cycle,
                patientData: patientData, client: client)
        }
    }

    /// A Do, Study or Act step (`name`) on `cycle`.
    fileprivate static func step<M: ControlMethod>(
        _ method: M.Type, _ params: M.Params, _ name: String, cycle: String, patientData: PatientDataOptions, client: ClientOptions
    ) throws where M.Result == WrittenOp, M.Params: PatientDataScreened {
        let daemon = try DaemonSession.open(client, command: "ideamesh \(M.name.replacingOccurrences(of: ".", with: " "))")
        let (written, raw) = try daemon.call(method, params, patientData: patientData)
        Output(json: client.json).emit(raw) { "Recorded \(name) on cycle \(IdeaIDs.short(cycle)) (\(written.shortId))." }
    }
}
