import Foundation
import Testing
import MeshLoopback
#if canImport(Glibc)
import Glibc
#endif

/// `ideameshd run` as a process: one daemon per data dir.
@Suite(.timeLimit(.minutes(3)))
struct DaemonLifecycleTests {
    /// A second daemon on a running node's data dir exits with status 1, says which process holds
    /// the dir, and leaves the first one (and its control socket) alone.
    @Test func aSecondDaemonOnTheSameDataDirIsRefused() async throws {
        let cluster = try DaemonCluster("lock")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a")
        try a.configure(trust: [])
        try await cluster.start(a)
        let first = try #require(a.process?.pid)

        let second = try await Harness.runToExit(["run", "--data", a.dataDir], in: cluster.root)
        #expect(second.exit == .init(status: 1, signaled: false), "\(second.stderr)")
        #expect(second.stderr.contains("already running"), "\(second.stderr)")
        #expect(second.stderr.contains("pid \(first)"), "\(second.stderr)")

        #expect(try a.call("ping")["node_id"] as? String == a.nodeID, "the first daemon still serves its socket")
        #expect(a.isRunning)
        #expect(try String(contentsOfFile: a.dataDir + "/ideameshd.lock", encoding: .utf8) == "\(first)\n")
    }

    /// A daemon started by a parent that blocks signals (a Swift program's Dispatch threads
    /// do: a `Process` launched from one passes its mask on) still reloads on SIGHUP and stops on
    /// SIGTERM. Signal masks survive exec, and a blocked SIGTERM never reaches libuv's handler.
    @Test func aDaemonStartedWithSignalsBlockedStillHandlesThem() async throws {
        let cluster = try DaemonCluster("sigmask")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a")
        try a.configure(trust: [])
        try a.launch(blockedSignals: [SIGTERM, SIGINT, SIGHUP])
        try await a.waitReady()

        try a.send(signal: SIGHUP)
        try await cluster.eventually("SIGHUP reloads", timeout: .seconds(5)) { a.currentLog.contains("trust list reloaded") }
        let exit = try await a.terminate(timeout: .seconds(5))
        #expect(exit == .init(status: 0, signaled: false))
    }
}
