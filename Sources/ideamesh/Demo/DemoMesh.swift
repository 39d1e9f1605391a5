import MeshCharts
import Foundation
import MeshClient
import MeshLoopback
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The demo's three departments in a line, Renal Ward ↔ Cardiology ↔ Emergency Department,
/// under one temporary directory: made with the real `ideameshd init`, configured, started,
/// watched and stopped.
///
/// The owner must call `stop()` on every path (the daemons run in process groups of their own,
/// so nothing else stops them); `ChildProcess` kills any child still running when it is freed.
final class DemoMesh {
    let daemon: String
    let root: String
    let renal: DemoDepartment
    let cardiology: DemoDepartment
    let emergency: DemoDepartment
    var departments: [DemoDepartment] { [renal, cardiology, emergency] }

    /// How long a daemon may take to answer its first ping, and the three to link up or agree.
    static let startTimeout = 15.0
    static let settleTimeout = 20.0
    /// How long the daemons get to stop after SIGTERM before SIGKILL.
    static let stopTimeout = 10.0

    /// `ideameshd`, next to the running `ideamesh`.
    static func locateDaemon() throws(DemoError) -> String {
        guard FileManager.default.isExecutableFile(atPath: Loopback.ideameshd) else {
            throw DemoError("build the daemon first: swift build (ideameshd is not next to ideamesh in \(Loopback.binaries.path))")
        }
        return Loopback.ideameshd
    }

    /// Makes the directory (short, under /tmp: a Unix socket path must stay under ~107 bytes)
    /// and picks three free loopback ports. Nothing is started yet.
    init(daemon: String) throws(DemoError) {
        self.daemon = daemon
        let made: String
        do { made = try Loopback.makeTempRoot("demo", prefix: "ideamesh") } catch { throw DemoError(error.description) }
        root = made
        let ports: [Int]
        do { ports = try Loopback.freePorts(6) } catch {
            try? FileManager.default.removeItem(atPath: made)
            throw DemoError("cannot find 6 free TCP ports on 127.0.0.1: \(error.description)")
        }
        renal = DemoDepartment(name: "Renal Ward", slug: "renal-ward", root: root, port: ports[0], webPort: ports[3])
        cardiology = DemoDepartment(name: "Cardiology", slug: "cardiology", root: root, port: ports[1], webPort: ports[4])
        emergency = DemoDepartment(name: "Emergency Department", slug: "emergency", root: root, port: ports[2], webPort: ports[5])
    }

    // MARK: Setting up

    /// `ideameshd init` for each: Renal Ward makes the organisation's network key, the other two
    /// copy it. Records each node's id.
    func initialize() throws {
        for department in departments {
            try department.initialize(daemon: daemon, networkKeyFrom: department === renal ? nil : renal)
            try department.setWebPasswords(
                passcode: DemoSamples.Web.passcode, leader: DemoSamples.Web.leader, password: DemoSamples.Web.leaderPassword, daemon: daemon)
            try DemoSignals.check()
        }
    }

    /// The line: the outer two trust and dial only Cardiology; Cardiology trusts both and
    /// waits for them to dial in.
    func configure() throws(DemoError) {
        for department in departments {
            let note = department === cardiology
                ? "The middle of the line: trusts both other departments, which dial in."
                : "An end of the line: trusts and dials only Cardiology; the far end's ideas arrive relayed, signed by their origin."
            try department.writeConfig(seeds: department === cardiology ? [] : [cardiology], trust: trusted(by: department), note: note)
        }
    }

    /// Where a sample is written.
    func department(at place: DemoSamples.Place) -> DemoDepartment {
        switch place {
        case .renal: renal
        case .cardiology: cardiology
        case .emergency: emergency
        }
    }

    /// The departments `department` trusts (its neighbours in the line).
    func trusted(by department: DemoDepartment) -> [DemoDepartment] {
        department === cardiology ? [renal, emergency] : [cardiology]
    }

    /// Whether any daemon has been started.
    var anyStarted: Bool { departments.contains { $0.process != nil } }

    /// Starts the daemons: Cardiology first, so the others find it listening when they dial
    /// (no reconnect backoff), then the other two. Waits until each answers a ping.
    func start() throws {
        try cardiology.launch(daemon: daemon)
        try waitReady(cardiology)
        try renal.launch(daemon: daemon)
        try emergency.launch(daemon: daemon)
        try waitReady(renal)
        try waitReady(emergency)
    }

    private func waitReady(_ department: DemoDepartment) throws {
        let deadline = DemoDeadline(after: Self.startTimeout)
        while !department.answersPing() {
            if let process = department.process, !process.isRunning {
                throw DemoError("""
                    \(department.name)'s daemon exited while starting (\(process.exit.map { "\($0)" } ?? "?")); \
                    read its log: \(department.log)\(department.logTail())
                    """)
            }
            guard !deadline.hasPassed else {
                throw DemoError("""
                    \(department.name)'s daemon did not answer on \(department.socket) within \(Int(Self.startTimeout)) s; \
                    read its log: \(department.log)\(department.logTail())
                    """)
            }
            try DemoSignals.pause(milliseconds: 25)
        }
        department.ready = true
    }

    /// Waits until every link of the line is up and syncing.
    func waitLinked() throws {
        try waitUntil("link up (\(renal.name) ↔ \(cardiology.name) ↔ \(emergency.name))") {
            try departments.allSatisfy { department in
                try department.syncingPeers().isSuperset(of: trusted(by: department).map(\.nodeID))
            }
        }
    }

    /// Waits until the three hold the same state, of `ops` ops.
    func waitConverged(ops: Int) throws {
        try waitUntil("agree on the same \(ops) changes") {
            let digests = try departments.map { try $0.digest() }
            return digests.allSatisfy { $0 == digests[0] } && digests[0].ops == ops
        }
    }

    /// Ops held at each department now (for counting what seeding adds).
    func opsHeld() throws -> Int {
        try departments.map { try $0.digest().ops }.max() ?? 0
    }

    /// Polls `condition` until it holds; fails, naming the logs, after `settleTimeout`.
    private func waitUntil(_ what: String, _ condition: () throws -> Bool) throws {
        let deadline = DemoDeadline(after: Self.settleTimeout)
        var lastError = ""
        while true {
            for department in departments { try department.checkAlive() }
            do {
                if try condition() { return }
                lastError = ""
            } catch {
                lastError = " (last error: \(error))"
            }
            guard !deadline.hasPassed else {
                throw DemoError("the departments did not \(what) within \(Int(Self.settleTimeout)) s\(lastError); read the logs: \(logs)")
            }
            try DemoSignals.pause(milliseconds: 20)
        }
    }

    /// Fails when a daemon has ended although it should be running.
    func checkAlive() throws(DemoError) {
        for department in departments { try department.checkAlive() }
    }

    var logs: String { departments.map(\.log).joined(separator: ", ") }

    // MARK: Stopping

    /// How one department's daemon ended.
    struct Stopped {
        let department: DemoDepartment
        let exit: ChildProcess.Exit?
        /// It had ended before it was asked to stop.
        let early: Bool
        /// It did not stop within `stopTimeout` of SIGTERM and was killed.
        let killed: Bool
        /// SIGTERM ended it before it was ready, before it could catch the signal: harmless, as
        /// it had not begun to work.
        var stoppedWhileStarting: Bool {
            !department.ready && exit == ChildProcess.Exit(status: SIGTERM, signaled: true)
        }
        var clean: Bool { !early && !killed && (exit?.clean == true || stoppedWhileStarting) }
    }

    /// SIGTERM to every daemon, then waits for them (SIGKILL after `stopTimeout`). Safe to call
    /// more than once; reports only the daemons that were started.
    @discardableResult
    func stop() -> [Stopped] {
        if let stopped { return stopped }
        let started = departments.filter { $0.process != nil }
        var early = Set<String>()
        for department in started {
            guard let process = department.process else { continue }
            if process.isRunning { process.signal(SIGTERM) } else { early.insert(department.slug) }
        }
        let deadline = DemoDeadline(after: Self.stopTimeout)
        while started.contains(where: { $0.process?.isRunning == true }) && !deadline.hasPassed {
            usleep(20_000)
        }
        let report = started.map { department in
            let killed = department.process?.isRunning == true
            department.process?.killAndReap()
            return Stopped(department: department, exit: department.process?.exit, early: early.contains(department.slug), killed: killed)
        }
        stopped = report
        return report
    }

    private var stopped: [Stopped]?

    /// Removes the demo's directory.
    func remove() throws(DemoError) {
        do { try FileManager.default.removeItem(atPath: root) } catch {
            throw DemoError("cannot remove \(root): \(error.localizedDescription)")
        }
    }
}
