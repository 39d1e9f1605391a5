import ArgumentParser
import Foundation
import MeshClient
import MeshCharts
import MeshControl

struct AdoptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adopt",
        abstract: "Adopt another department's idea here: a copy that remembers where it came from.",
        discussion: """
            When the idea has measures, adopting offers to define the same measures (name, unit, \
            direction, target, kind) on your copy, so that your department records its own \
            observations and `ideamesh measure chart MEASURE --compare` shows them beside the \
            original's, split at your adoption date. On a terminal ideamesh asks; scripts say \
            --copy-measures or --no-copy-measures (with neither, nothing is copied).
            """)

    @Argument(help: ArgumentHelp("The idea to adopt.", valueName: "id"))
    var id: String

    @Flag(inversion: .prefixedNo, help: "Define the idea's measures on the copy too (default: ask on a terminal, else no).")
    var copyMeasures: Bool?

    @OptionGroup var client: ClientOptions

    func run() throws {
        let daemon = try DaemonSession.open(client, command: "ideamesh adopt")
        let terminal = Terminal.current()
        var measures: [MeasureSummary] = []
        if copyMeasures != false {
            measures = try daemon.call(API.MeasureList.self, .init(idea: id)).value.measures
        }
        let copy: Bool
        switch MeasureCopy.decide(flag: copyMeasures, measures: measures.count, canAsk: terminal.stdinIsTTY && !client.json) {
        case .copy: copy = true
        case .skip: copy = false
        case .ask: copy = try MeasureCopy.ask(measures)
        }

        let (written, raw) = try daemon.call(API.IdeaAdopt.self, .init(id: id))
        var copied: [(from: MeasureSummary, to: WrittenOp)] = []
        if copy {
            for measure in measures {
                let params = API.MeasureDefine.Params(
                    idea: written.id, name: measure.name, unit: measure.unit, better: measure.better, target: measure.target,
                    kind: measure.kind ?? "other")
                do {
                    copied.append((measure, try daemon.call(API.MeasureDefine.self, params).value))
                } catch {
                    // The adoption stands; say what was copied before the failure, and what to do.
                    throw CLIError(
                        "adopted \(IdeaIDs.short(id)) as \(written.shortId) and copied \(copied.count) of \(measures.count) measures, then: \(error.message)",
                        hint: "Define the rest with `ideamesh measure define \(written.shortId) …` (see `ideamesh measure list \(IdeaIDs.short(id))`).")
                }
            }
        }

        var result = raw
        result["measures"] = copied.map { ["id": $0.to.id, "short_id": $0.to.shortId, "name": $0.from.name, "copied_from": $0.from.id] }
        Output(json: client.json).emit(result) {
            var lines = ["Adopted \(IdeaIDs.short(id)) here as \(written.shortId)."]
            for (from, to) in copied {
                lines.append("Defined measure \(to.shortId) (\(from.name)) on \(written.shortId), like \(from.shortId). Record with: ideamesh measure record \(to.shortId) VALUE")
            }
            if !copy, !measures.isEmpty {
                lines.append(
                    "Its \(measures.count == 1 ? "measure was" : "\(measures.count) measures were") not copied (--copy-measures copies them). "
                        + "To compare, define them on \(written.shortId) with `ideamesh measure define \(written.shortId) …`; `ideamesh measure list \(IdeaIDs.short(id))` shows them.")
            }
            return lines.joined(separator: "\n")
        }
    }
}

/// Whether `adopt` copies the idea's measures: what the flag says, else ask on a terminal, else no.
enum MeasureCopy {
    enum Decision: Equatable { case copy, skip, ask }

    static func decide(flag: Bool?, measures: Int, canAsk: Bool) -> Decision {
        guard measures > 0 else { return .skip }
        if let flag { return flag ? .copy : .skip }
        return canAsk ? .ask : .skip
    }

    /// Asks on the terminal; Enter or y copies, anything else (or end of input) does not.
    static func ask(_ measures: [MeasureSummary]) throws(CLIError) -> Bool {
        let names = measures.map { "  \($0.shortId)  \($0.name) (\($0.unit), \($0.better) is better, \($0.kind ?? "other"))" }
        let question = "The idea has \(measures.count == 1 ? "a measure" : "\(measures.count) measures"):\n"
            + names.joined(separator: "\n")
            + "\nDefine the same on your copy, to record your own observations and compare? [Y/n] "
        guard let answer = try Terminal.ask(question)?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
        return answer.isEmpty || answer == "y" || answer == "yes"
    }
}
