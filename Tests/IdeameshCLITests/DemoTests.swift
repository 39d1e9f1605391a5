import Foundation
import Testing

/// `ideamesh demo`, run as a real process: three real daemons, the idea's travel, the printed
/// commands, and nothing left behind however it ends (`DemoRunner` runs it).
@Suite(.serialized)
struct DemoTests {
    @Test func showsAnIdeaTravellingThenStopsAndCleansUp() async throws {
        let run = try await DemoRunner.run(["demo", "--exit-after", "0"])
        #expect(run.status == 0 && !run.signaled, "\(run.description)")
        let root = try #require(run.root, "no \"Files in DIR\" line\n\(run.description)")

        // The idea's travel, measured, through the middle of the line.
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains(/^  Renal Ward +submitted +0 ms$/) }, "\(run.stdout)")
        #expect(lines.contains { $0.contains(/^  Cardiology +received +\d+ ms$/) }, "\(run.stdout)")
        #expect(lines.contains { $0.contains(/^  Emergency Department +received +\d+ ms +relayed by Cardiology$/) }, "\(run.stdout)")
        #expect(run.stdout.contains("Seeded 6 sample ideas, 4 supports and 2 comments, a PDSA cycle and a measure with 22 weekly observations; all three departments hold them"))
        #expect(run.stdout.contains("ideamesh measure chart ") && run.stdout.contains("ideamesh spread "), "\(run)")

        // Commands to try, one socket per department.
        let idea = try #require(run.stdout.firstMatch(of: /ideamesh show ([a-z2-7]{10}-\d+)/)?.1, "\(run.stdout)")
        for command in [
            "IDEAMESH_SOCKET=\(root)/renal-ward.sock ideamesh list --sort quiet",
            "IDEAMESH_SOCKET=\(root)/renal-ward.sock ideamesh admin status",
            "IDEAMESH_SOCKET=\(root)/cardiology.sock ideamesh show \(idea)",
            "IDEAMESH_SOCKET=\(root)/cardiology.sock ideamesh admin peers",
            "IDEAMESH_SOCKET=\(root)/emergency.sock ideamesh search falls",
            "IDEAMESH_SOCKET=\(root)/emergency.sock ideamesh support \(idea)",
            "IDEAMESH_SOCKET=\(root)/cardiology.sock ideamesh status \(idea) testing --reason \"our pilot\"   # refused: only Renal Ward moves its idea",
            "IDEAMESH_SOCKET=\(root)/renal-ward.sock ideamesh mine",
            "tail -f \(root)/*.log",
        ] {
            #expect(run.stdout.contains(command), "missing: \(command)\n\(run.stdout)")
        }
        #expect(!run.stdout.contains("\u{1B}["), "colour codes although stdout is not a terminal")

        // Stopped cleanly, nothing left behind.
        #expect(run.stdout.contains("Renal Ward, Cardiology and Emergency Department have stopped cleanly."), "\(run.stdout)")
        #expect(DemoRunner.processes(mentioning: root).isEmpty, "left running: \(DemoRunner.processes(mentioning: root))")
        #expect(!FileManager.default.fileExists(atPath: root), "\(root) was not removed")
        #expect(run.stdout.hasSuffix("Removed \(root).\n"), "\(run.stdout)")
    }

    @Test func keepLeavesTheDepartmentsInALine() async throws {
        let run = try await DemoRunner.run(["demo", "--exit-after", "0", "--keep"])
        let root = try #require(run.root, "\(run.description)")
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(run.status == 0, "\(run.description)")
        #expect(run.stdout.contains("Kept \(root) (--keep)"))
        #expect(DemoRunner.processes(mentioning: root).isEmpty, "left running: \(DemoRunner.processes(mentioning: root))")

        // Each outer department trusts and dials only Cardiology; Cardiology trusts both.
        func trusted(_ slug: String) throws -> [String] {
            let config = try String(contentsOfFile: "\(root)/\(slug)/ideameshd.toml", encoding: .utf8)
            let line = try #require(config.split(separator: "\n").first { $0.hasPrefix("nodes = ") })
            return line.matches(of: /"([a-z2-7]{52})"/).map { String($0.1) }
        }
        func nodeID(_ slug: String) throws -> String {
            let identity = try String(contentsOfFile: "\(root)/\(slug)/identity.key", encoding: .utf8)
            return try #require(identity.firstMatch(of: /# node id: ([a-z2-7]{52})/).map { String($0.1) })
        }
        let renal = try nodeID("renal-ward"), cardiology = try nodeID("cardiology"), emergency = try nodeID("emergency")
        #expect(try trusted("renal-ward") == [cardiology])
        #expect(try trusted("emergency") == [cardiology])
        #expect(try Set(trusted("cardiology")) == [renal, emergency])
        // The daemons' logs are there, and say they stopped.
        for slug in ["renal-ward", "cardiology", "emergency"] {
            let log = try String(contentsOfFile: "\(root)/\(slug).log", encoding: .utf8)
            #expect(log.contains("stopped"), "\(slug).log:\n\(log)")
        }
    }

    @Test func ctrlCStopsTheDaemonsCleanly() async throws {
        // Foundation's Process hands the demo this test thread's blocked signal mask: the demo
        // must unblock SIGINT itself.
        let run = try await DemoRunner.run(["demo"], interruptAfter: "Press Ctrl-C to stop the three daemons")
        let root = try #require(run.root, "\(run.description)")
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(run.status == 0 && !run.signaled, "\(run.description)")
        #expect(run.stdout.contains("Ctrl-C: stopping the daemons…"), "\(run.stdout)")
        #expect(run.stdout.contains("have stopped cleanly."), "\(run.stdout)")
        #expect(DemoRunner.processes(mentioning: root).isEmpty, "left running: \(DemoRunner.processes(mentioning: root))")
        #expect(!FileManager.default.fileExists(atPath: root), "\(root) was not removed")
    }

    @Test func withoutTheDaemonItSaysToBuildIt() async throws {
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.copyItem(atPath: DemoRunner.ideamesh, toPath: "\(directory)/ideamesh")
        let run = try await DemoRunner.run(["demo", "--exit-after", "0"], executable: "\(directory)/ideamesh")
        #expect(run.status == 1, "\(run.description)")
        #expect(run.stderr.contains("build the daemon first: swift build (ideameshd is not next to ideamesh in \(directory))"), "\(run.description)")
        #expect(run.root == nil)
    }

    @Test func aDaemonThatCannotStartStopsTheOthers() async throws {
        // An ideameshd that runs the real one, except that the Emergency Department's `run` fails.
        let directory = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.copyItem(atPath: DemoRunner.ideamesh, toPath: "\(directory)/ideamesh")
        let script = """
            #!/bin/sh
            case "$1 $3" in
              "run "*/emergency) echo "fake ideameshd: refusing to start" >&2; exit 3 ;;
            esac
            exec '\(DemoRunner.ideameshd)' "$@"

            """
        try script.write(toFile: "\(directory)/ideameshd", atomically: true, encoding: .utf8)
        chmod("\(directory)/ideameshd", 0o755)

        let run = try await DemoRunner.run(["demo", "--exit-after", "0"], executable: "\(directory)/ideamesh")
        let root = try #require(run.root, "\(run.description)")
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(run.status == 1, "\(run.description)")
        #expect(run.stderr.contains("Emergency Department's daemon exited while starting (exit status 3); read its log: \(root)/emergency.log"), "\(run.description)")
        #expect(run.stderr.contains("fake ideameshd: refusing to start"), "the log's tail is shown\n\(run.description)")
        // The two that did start were stopped, and the logs are kept for reading.
        #expect(DemoRunner.processes(mentioning: root).isEmpty, "left running: \(DemoRunner.processes(mentioning: root))")
        #expect(run.stdout.contains("Renal Ward stopped cleanly."), "\(run.stdout)")
        #expect(run.stdout.contains("Cardiology stopped cleanly."), "\(run.stdout)")
        #expect(run.stdout.contains("Kept \(root) for its logs"), "\(run.stdout)")
        #expect(FileManager.default.fileExists(atPath: "\(root)/emergency.log"))
    }

    private static func scratchDirectory() throws -> String {
        var template = Array("/tmp/demo-test-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }).map({ String(cString: $0) }) else {
            throw DemoTestError("mkdtemp failed")
        }
        return made
    }
}
