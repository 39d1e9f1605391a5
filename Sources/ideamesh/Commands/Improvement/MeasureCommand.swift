import ArgumentParser
import Foundation
import MeshClient
import MeshCharts
import MeshControl
import MeshModel

struct MeasureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measure",
        abstract: "Measure an idea's effect: define measures, record observations, draw run and SPC charts.",
        discussion: """
            A measure belongs to an idea and says which way is better. Observations are a date and \
            a value; a wrong one is retracted, never edited. `ideamesh measure chart` draws the XmR \
            chart (or the run chart) with the NHS Making Data Count signals, in the terminal or as SVG.
            """,
        subcommands: [Define.self, Record.self, Retract.self, List.self, Show.self, MeasureChartCommand.self])

    struct Define: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Define a measure of an idea.")

        @Argument(help: ArgumentHelp("The idea's id.", valueName: "idea"))
        var idea: String

        @Option(help: ArgumentHelp("What is measured, e.g. \"Falls per 1,000 bed days\".", valueName: "text"))
        var name: String

        @Option(help: ArgumentHelp("The unit, e.g. minutes, %, count.", valueName: "text"))
        var unit: String

        @Option(help: ArgumentHelp("Which way is better: lower or higher.", valueName: "direction"))
        var better: Direction

        @Option(name: .customLong("target"), help: ArgumentHelp("The target, for the assurance icon.", valueName: "number"))
        var targetNumber: SignedNumber?
        var target: Double? { targetNumber?.value }

        @Option(help: ArgumentHelp(
            "What the values are: count (whole numbers 0 or more), proportion (a percentage, 0 to 100), time (a duration, 0 or more) or other (any number). Observations the kind cannot take are refused, and chart limits are drawn within its bounds.",
            valueName: "kind"))
        var kind: MeasureKind = .other

        @OptionGroup var client: ClientOptions

        func validate() throws {
            if let target, !target.isFinite { throw ValidationError("--target must be a finite number") }
            if let target, !kind.allowsTarget(target) {
                throw ValidationError("--target \(NumberText.format(target)) is outside what a \(kind.rawValue) measure takes (\(kind.allowedValues))")
            }
        }

        func run() throws {
            let daemon = try DaemonSession.open(client, command: "ideamesh measure define")
            let params = API.MeasureDefine.Params(
                idea: idea, name: name, unit: unit, better: better.rawValue, target: target, kind: kind.rawValue)
            let (written, raw) = try daemon.call(API.MeasureDefine.self, params)
            Output(json: client.json).emit(raw) {
                "Defined measure \(written.shortId) on \(IdeaIDs.short(idea)). Record with: ideamesh measure record \(written.shortId) VALUE"
            }
        }
    }

    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record an observation of a measure.",
            discussion: "For a negative value, put -- before it: ideamesh measure record ID -- -3")

        @Argument(help: ArgumentHelp("The measure's id (as `ideamesh measure list` shows it).", valueName: "measure"))
        var measure: String

        @Argument(help: ArgumentHelp("The value (a negative one too: -2).", valueName: "value"))
        var number: SignedNumber
        var value: Double { number.value }

        @Option(help: ArgumentHelp("The day it was observed: YYYY-MM-DD, today or yesterday (default: today).", valueName: "date"))
        var date: String?

        @Option(help: ArgumentHelp("A note, e.g. what was unusual that day.", valueName: "text"))
        var note: String = ""

        @OptionGroup var patientData: PatientDataOptions

        @OptionGroup var client: ClientOptions

        func validate() throws {
            guard value.isFinite else { throw ValidationError("the value must be a finite number") }
            if let date { _ = try DayArgument.parse(date) }
        }

        func run() throws {
            let day = try DayArgument.parse(date ?? "today")
            let daemon = try DaemonSession.open(client, command: "ideamesh measure record")
            let (written, raw) = try daemon.call(
                API.MeasureRecord.self, .init(measure: measure, value: value, date: day.description, note: note), patientData: patientData)
            Output(json: client.json).emit(raw) {
                "Recorded \(NumberText.format(value)) for \(day) on measure \(IdeaIDs.short(measure)) (observation \(written.shortId))."
            }
        }
    }

    struct Retract: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Retract a wrong observation (charts leave it out).")

        @Argument(help: ArgumentHelp("The observation's id (as `ideamesh measure show` lists it).", valueName: "observation"))
        var observation: String

        @Option(help: ArgumentHelp("Why.", valueName: "text"))
        var reason: String = ""

        @OptionGroup var patientData: PatientDataOptions

        @OptionGroup var client: ClientOptions

        func run() throws {
            let daemon = try DaemonSession.open(client, command: "ideamesh measure retract")
            let (_, raw) = try daemon.call(API.MeasureRetract.self, .init(observation: observation, reason: reason), patientData: patientData)
            Output(json: client.json).emit(raw) { "Retracted observation \(IdeaIDs.short(observation))." }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List measures, of one idea or of every department, with their latest value and signal.")

        @Argument(help: ArgumentHelp("Only this idea's measures.", valueName: "idea"))
        var idea: String?

        @OptionGroup var client: ClientOptions

        func run() throws {
            let daemon = try DaemonSession.open(client, command: "ideamesh measure list")
            let output = Output(json: client.json)
            let (list, raw) = try daemon.call(API.MeasureList.self, .init(idea: idea))
            output.emit(raw) { MeasureViews.list(list.measures, context: output.context) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a measure's observations, with their ids and signals.")

        @Argument(help: ArgumentHelp("The measure's id.", valueName: "measure"))
        var measure: String

        @OptionGroup var client: ClientOptions

        func run() throws {
            let daemon = try DaemonSession.open(client, command: "ideamesh measure show")
            let output = Output(json: client.json)
            let (chart, raw) = try daemon.call(API.MeasureChart.self, .init(measure: measure))
            output.emit(raw) { MeasureViews.observations(chart, context: output.context) }
        }
    }
}
