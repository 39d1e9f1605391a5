import ArgumentParser
import Foundation
import MeshCharts
import MeshControl
import MeshModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ideamesh demo`: three departments' daemons on loopback, sample ideas, one new idea watched
/// as it travels from department to department, and commands to try against each; Ctrl-C stops
/// them. Whatever happens, every daemon it started is stopped before it exits.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run three departments' daemons on this machine and watch an idea travel between them.",
        discussion: """
            Starts ideameshd for Renal Ward, Cardiology and the Emergency Department on loopback, in a \
            temporary directory, linked in a line: Renal Ward ↔ Cardiology ↔ Emergency Department. \
            Seeds sample ideas, shows a new idea travelling from Renal Ward through Cardiology to the \
            Emergency Department, and prints commands to try against each department. Ctrl-C stops \
            the daemons and removes the directory.

            Needs ideameshd next to ideamesh (`swift build` builds both).
            """)

    @Flag(help: "Keep the temporary directory (data dirs, configs and logs) after stopping.")
    var keep = false

    @Option(
        name: .customLong("exit-after"),
        help: ArgumentHelp(
            "Stop by itself this many seconds after showing the idea travel (0: at once), instead of waiting for Ctrl-C.",
            valueName: "seconds"))
    var exitAfter: Double?

    func validate() throws {
        if let exitAfter, !(0...10_000_000).contains(exitAfter) {
            throw ValidationError("--exit-after takes a number of seconds, 0 or more")
        }
    }

    func run() throws {
        let style = DemoStyle.forStandardOutput()
        let daemon = try DemoMesh.locateDaemon()
        try DemoSignals.install()
        let mesh = try DemoMesh(daemon: daemon)

        var failure: Error?
        do { try show(mesh, style: style) } catch { failure = error }

        if let signal = DemoSignals.received {
            if style.isTerminal { style.say() }  // past the terminal's "^C"
            style.say("\(DemoSignals.name(signal)): stopping\(mesh.anyStarted ? " the daemons…" : ".")")
        } else if mesh.anyStarted {
            style.say(failure == nil ? "Stopping the daemons…" : "Stopping the daemons after an error…")
        }
        let stopped = mesh.stop()
        let clean = report(stopped, style: style)

        let interrupted = failure is DemoInterrupted
        if keep {
            style.say("Kept \(mesh.root) (--keep): the data dirs, configs and logs.")
        } else if (failure != nil && !interrupted) || !clean {
            style.say("Kept \(mesh.root) for its logs; remove it with: rm -r \(mesh.root)")
        } else {
            try mesh.remove()
            style.say(style.dim("Removed \(mesh.root)."))
        }

        if let interrupted = failure as? DemoInterrupted { throw ExitCode(128 + interrupted.signal) }
        if let failure { throw failure }
        if !clean { throw DemoError("a daemon did not stop cleanly (see above)") }
    }

    // MARK: The show

    private func show(_ mesh: DemoMesh, style: DemoStyle) throws {
        style.say("\(style.bold("ideamesh demo")): three hospital departments, each with its own daemon, on this machine")
        style.say(style.dim("Files in \(mesh.root)"))
        style.say()

        let started = ContinuousClock.now
        try mesh.initialize()
        try mesh.configure()
        try mesh.start()
        try mesh.waitLinked()
        style.say(style.bold("Started and linked in \(DemoStyle.elapsed(started.duration(to: .now)))")
            + ", in a line: \(mesh.renal.name) ↔ \(mesh.cardiology.name) ↔ \(mesh.emergency.name)")
        for department in mesh.departments {
            let trusted = DemoStyle.list(mesh.trusted(by: department).map(\.name))
            style.say("  \(style.bold(DemoStyle.pad(department.name, 20)))  node \(department.short)  \(department.address)  "
                + style.dim("trusts \(trusted)"))
        }
        style.say()

        let seeded = try seed(mesh, style: style)
        style.say()

        let travel = try DemoTravel.measure(DemoSamples.travelling, from: mesh.renal, along: [mesh.cardiology, mesh.emergency])
        style.say(style.bold("A new idea at \(mesh.renal.name) travels to the others: ")
            + "\"\(DemoSamples.travelling.title)\" \(style.dim("(\(travel.shortID))"))")
        style.say("  \(DemoStyle.pad(mesh.renal.name, 20))  submitted  \(Self.milliseconds(.zero))")
        for (department, after) in travel.arrivals {
            let via = department === mesh.emergency ? style.dim("  relayed by \(mesh.cardiology.name)") : ""
            style.say("  \(DemoStyle.pad(department.name, 20))  \(style.green("received"))   \(Self.milliseconds(after))\(via)")
        }
        style.say()

        printWeb(mesh, style: style)
        style.say()
        printCommands(mesh, idea: travel.shortID, seeded: seeded, style: style)
        style.say()

        try waitForStop(mesh, style: style)
    }

    /// Defines the leaders' themes, submits the sample ideas, then (once every department holds them) the supports and
    /// comments from other departments; waits until the three agree.
    private func seed(_ mesh: DemoMesh, style: DemoStyle) throws -> (ids: [String], measured: Measured) {
        let started = ContinuousClock.now
        let at = mesh.department(at:)
        var ops = try mesh.opsHeld()
        // Themes travel like ideas: defined once, in the middle department, held by all before
        // anyone files an idea under one.
        for theme in DemoSamples.themes {
            try mesh.cardiology.call(API.ThemeDefine.self, .init(code: theme.code, name: theme.name))
            ops += 1
        }
        // The web pages' admin at each department (her own password is set at init).
        for department in mesh.departments {
            try department.call(API.RoleSet.self, .init(login: DemoSamples.Web.leader, role: "admin"))
            ops += 1
        }
        try mesh.waitConverged(ops: ops)
        var ids = [String]()
        for idea in DemoSamples.ideas {
            ids.append(try at(idea.place).call(API.IdeaSubmit.self, idea.params).id)
            ops += 1
        }
        try mesh.waitConverged(ops: ops)
        for support in DemoSamples.supports {
            try at(support.place).call(API.IdeaSupport.self, .init(id: ids[support.idea]))
            ops += 1
        }
        for comment in DemoSamples.comments {
            try at(comment.place).call(API.IdeaComment.self, .init(id: ids[comment.idea], text: comment.text))
            ops += 1
        }
        let measured = try measure(at: at(DemoSamples.ideas[DemoSamples.Measurement.idea].place), idea: ids[DemoSamples.Measurement.idea])
        ops += measured.ops
        try mesh.waitConverged(ops: ops)
        style.say(style.bold("Seeded \(DemoSamples.ideas.count) sample ideas, \(DemoSamples.supports.count) supports and \(DemoSamples.comments.count) comments")
            + ", a PDSA cycle and a measure with \(DemoSamples.Measurement.weekly.count) weekly observations"
            + "; all three departments hold them (\(DemoStyle.elapsed(started.duration(to: .now)))).")
        return (ids, measured)
    }

    /// What the demo measured: the measure's id and the day the change started.
    struct Measured {
        var measure: String
        var changeDate: String
        var ops: Int
    }

    /// A PDSA cycle (plan, do, study) and a measure of `idea`, with a week's observation each week
    /// up to last week.
    private func measure(at department: DemoDepartment, idea: String) throws -> Measured {
        typealias M = DemoSamples.Measurement
        let cycleID = try department.call(API.PDSAStart.self, .init(idea: idea, plan: M.plan, prediction: M.prediction)).id
        try department.call(API.PDSADo.self, .init(cycle: cycleID, notes: M.done))
        try department.call(API.PDSAStudy.self, .init(cycle: cycleID, notes: M.studied))
        let measure = try department.call(
            API.MeasureDefine.self, .init(idea: idea, name: M.name, unit: M.unit, better: "lower", target: M.target, kind: "count")).shortId
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        func day(weeksAgo: Int) throws -> String {
            let date = calendar.date(byAdding: .day, value: -7 * weeksAgo, to: Date()) ?? Date()
            guard let day = Day(date, timeZone: calendar.timeZone) else { throw DemoError("no calendar day for \(date)") }
            return day.description
        }
        for (week, value) in M.weekly.enumerated() {
            try department.call(API.MeasureRecord.self, .init(measure: measure, value: value, date: try day(weeksAgo: M.weekly.count - week)))
        }
        return Measured(measure: measure, changeDate: try day(weeksAgo: M.weekly.count - M.changeWeek), ops: 4 + M.weekly.count)
    }

    /// The three departments' web pages, and how to sign in.
    private func printWeb(_ mesh: DemoMesh, style: DemoStyle) {
        typealias W = DemoSamples.Web
        style.say(style.bold("Open the departments' web pages") + " in a browser on this machine:")
        for department in mesh.departments {
            style.say("  \(DemoStyle.pad(department.name, 20))  " + style.cyan(department.webURL))
        }
        style.say("  Staff: any user name (such as amy) and the ward passcode \(style.bold(W.passcode)).")
        style.say("  \(W.leaderName), admin at each department: user name \(style.bold(W.leader)), password \(style.bold(W.leaderPassword)).")
    }

    private func printCommands(_ mesh: DemoMesh, idea: String, seeded: (ids: [String], measured: Measured), style: DemoStyle) {
        style.say(style.bold("Try it from another terminal") + " (IDEAMESH_SOCKET or --socket PATH picks the department):")
        let commands: [(DemoDepartment, String)] = [
            (mesh.renal, "list --sort quiet"),
            (mesh.renal, "admin status"),
            (mesh.cardiology, "show \(idea)"),
            (mesh.cardiology, "admin peers"),
            (mesh.emergency, "search falls"),
            (mesh.emergency, "support \(idea)"),
            (mesh.emergency, "comment \(idea) \"We will try this in ED too\""),
            (mesh.cardiology, "status \(idea) testing --reason \"our pilot\"   # refused: only Renal Ward moves its idea"),
            (mesh.renal, "mine"),
            (mesh.cardiology, "show \(IdeaIDs.short(seeded.ids[DemoSamples.Measurement.idea]))"),
            (mesh.emergency, "measure chart \(seeded.measured.measure)"),
            (mesh.emergency, "measure chart \(seeded.measured.measure) --rebase \(seeded.measured.changeDate) --svg falls.svg"),
            (mesh.cardiology, "spread \(IdeaIDs.short(seeded.ids[DemoSamples.Measurement.idea]))"),
        ]
        for (department, command) in commands {
            style.say("  " + style.cyan("IDEAMESH_SOCKET=\(department.socket) ideamesh \(command)"))
        }
        if let directory = Self.directoryIfNotOnPath() {
            style.say(style.dim("  ideamesh is not on your PATH: export PATH=\"\(directory):$PATH\""))
        }
        style.say("  Logs: " + style.cyan("tail -f \(mesh.root)/*.log"))
    }

    /// Waits for Ctrl-C, SIGTERM or SIGHUP, or for `--exit-after` to pass; fails if a daemon dies
    /// meanwhile.
    private func waitForStop(_ mesh: DemoMesh, style: DemoStyle) throws {
        switch exitAfter {
        case nil:
            let files = keep ? " (--keep: their files stay in \(mesh.root))" : " and remove \(mesh.root)"
            style.say(style.bold("Press Ctrl-C") + " to stop the three daemons\(files).")
        case let seconds? where seconds > 0:
            style.say(style.bold("Stopping in \(Self.seconds(seconds)) (--exit-after)") + "; Ctrl-C stops sooner.")
        default:
            return
        }
        let deadline = exitAfter.map { DemoDeadline(after: $0) }
        while true {
            let tick = min(1.0, deadline.map { Double($0.remainingMilliseconds) / 1000 } ?? 1.0)
            if DemoSignals.wait(seconds: tick) != nil { return }
            try mesh.checkAlive()
            if let deadline, deadline.hasPassed { return }
        }
    }

    // MARK: Stopping

    /// Says how the daemons stopped; whether all did cleanly.
    private func report(_ stopped: [DemoMesh.Stopped], style: DemoStyle) -> Bool {
        guard !stopped.isEmpty else { return true }
        let clean = stopped.filter(\.clean)
        if clean.count == stopped.count {
            style.say("  \(DemoStyle.list(stopped.map(\.department.name))) \(stopped.count == 1 ? "has" : "have") "
                + style.green("stopped cleanly") + ".")
            return true
        }
        for item in stopped {
            let name = item.department.name
            let exit = item.exit.map { "\($0)" } ?? "?"
            let line: String
            if item.clean {
                line = item.stoppedWhileStarting ? "\(name) stopped while starting." : "\(name) stopped cleanly."
            } else if item.early {
                line = style.yellow("\(name) had already stopped (\(exit));") + " read its log: \(item.department.log)"
            } else if item.killed {
                line = style.yellow("\(name) did not stop within \(Int(DemoMesh.stopTimeout)) s of SIGTERM and was killed;")
                    + " read its log: \(item.department.log)"
            } else {
                line = style.yellow("\(name) did not stop cleanly (\(exit));") + " read its log: \(item.department.log)"
            }
            style.say("  " + line)
        }
        return false
    }

    // MARK: Formatting

    private static func milliseconds(_ duration: Duration) -> String {
        let text = "\(DemoDeadline.milliseconds(duration))"
        return String(repeating: " ", count: max(0, 5 - text.count)) + text + " ms"
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() && value < 1e9 ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }

    /// The directory of this `ideamesh`, when running `ideamesh` from PATH would not find it; as
    /// it was invoked (`.build/debug`) when that names the same file.
    private static func directoryIfNotOnPath() -> String? {
        guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        let own = URL(fileURLWithPath: exe).resolvingSymlinksInPath()
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/ideamesh"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                // The first one found is what a shell would run.
                if URL(fileURLWithPath: candidate).resolvingSymlinksInPath() == own { return nil }
                break
            }
        }
        let invoked = CommandLine.arguments.first.map { URL(fileURLWithPath: $0).standardizedFileURL }
        if let invoked, CommandLine.arguments[0].contains("/"), invoked.resolvingSymlinksInPath() == own {
            return invoked.deletingLastPathComponent().path
        }
        return own.deletingLastPathComponent().path
    }
}
