import Foundation
import MeshClient
import Testing
import MeshLoopback
#if canImport(Glibc)
import Glibc
#endif

/// A daemon whose data dir fills up: it refuses writes with a clear error (no crash, no hang),
/// keeps serving, picks up again once there is room, and its store stays intact.
@Suite(.timeLimit(.minutes(3)))
struct DiskFullEndToEndTests {
    /// A–D; D's data dir is a 4 MiB tmpfs. D takes 12 KiB ideas until a write is refused; the
    /// refusal is `unavailable` and says the disk is full, over the control socket and through
    /// the CLI (exit 1). D stays up, still reads, and holds every acknowledged write; A's ideas
    /// written meanwhile cannot be stored at D. Then the filesystem grows to 64 MiB: D writes
    /// again, receives A's ideas (resent), the two converge, D stops cleanly and its store
    /// passes the integrity check with every acknowledged write.
    @Test(.enabled(if: geteuid() == 0, "mounting a small tmpfs needs root"))
    func aFullDiskRefusesWritesClearlyAndCorruptsNothing() async throws {
        let cluster = try DaemonCluster("full")
        defer { cluster.shutdown() }
        let a = try cluster.addNode("a"), d = try cluster.addNode("d")
        let disk = try SmallFilesystem(replacing: d.dataDir, bytes: 4 << 20)
        defer { disk.unmount() }
        try a.configure(trust: [d])
        try d.configure(seeds: [a], trust: [a])
        try await cluster.start(a, d)
        try await cluster.eventually("A and D in sync") { try a.syncingPeers() == [d.nodeID] && d.syncingPeers() == [a.nodeID] }

        let filler = String(repeating: "The ward's drug round is interrupted at every bed. ", count: 240)  // 12 KiB
        func submitBig(_ index: Int) throws -> ControlResponse {
            try d.request("idea.submit", ["title": "Full: D's idea \(index)", "problem": filler, "solution": "s \(index)"])
        }
        var acknowledged = [String](), refusal: ControlResponse?
        for index in 1...2_000 {
            let reply = try submitBig(index)
            guard reply.ok else {
                refusal = reply
                break
            }
            acknowledged.append(try #require(reply.result["id"] as? String))
        }
        let refused = try #require(refusal, "4 MiB never filled up")
        #expect(acknowledged.count > 10, "the disk filled before D wrote anything much: \(acknowledged.count)")
        #expect(refused.errorCode == "unavailable", "\(refused)")
        #expect(refused.errorMessage?.contains("full") == true, "the refusal says the disk is full: \(refused)")

        // Still up and serving: reads work, another write is refused the same way, no hang.
        try cluster.checkAlive()
        #expect(try d.ideaIDs().isSuperset(of: acknowledged))
        let again = try submitBig(0)
        #expect(!again.ok && again.errorCode == "unavailable", "\(again)")
        if let cli = BackgroundWriter.cli {
            let out = cluster.root + "/cli.out", err = cluster.root + "/cli.err"
            let process = try ChildProcess(
                executable: cli, arguments: ["submit", "--socket", d.controlSocket, "--title", "Full: via CLI", "--problem", filler, "--solution", "s"],
                stdout: out, stderr: err)
            let exit = try #require(try await process.waitForExit(timeout: .seconds(30)), "ideamesh submit hung on a full disk")
            let message = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
            #expect(exit == .init(status: 1, signaled: false), "\(message)")
            #expect(message.contains("full"), "the CLI says the disk is full: \(message)")
        }
        // A's ideas reach D while it is full: it cannot store them, and keeps running.
        _ = try a.submitPipelined((1...3).map { "Full: A's idea \($0)" })
        try await cluster.holds("D stays up while it cannot store A's ideas", for: .seconds(2)) { true }
        try cluster.checkAlive()

        try disk.resize(bytes: 64 << 20)
        try await cluster.eventually("D takes writes again once there is room") {
            let reply = try submitBig(acknowledged.count + 1)
            if reply.ok { acknowledged.append(try #require(reply.result["id"] as? String)) }
            return reply.ok
        }
        let dSeq = try #require(try d.digest().heads[d.nodeID])
        try await cluster.waitConverged([a, d], ops: 3 + dSeq, timeout: .seconds(80))
        #expect(try d.ideaIDs().isSuperset(of: acknowledged))

        let stopped = try await d.terminate()
        #expect(stopped == .init(status: 0, signaled: false), "\(cluster.logs([d]))")
        let store = try d.inspectStore()
        #expect(store.integrity == "ok")
        #expect(try d.ownSeq(in: store.vector) >= acknowledged.compactMap(seqOf).max() ?? 0)
    }
}

/// A size-limited tmpfs mounted over a directory, holding what the directory held (root only).
struct SmallFilesystem {
    let path: String

    init(replacing directory: String, bytes: Int) throws {
        path = directory
        let manager = FileManager.default
        let aside = directory + ".aside"
        try manager.moveItem(atPath: directory, toPath: aside)
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        guard mount("tmpfs", directory, "tmpfs", 0, "size=\(bytes),mode=0700") == 0 else {
            let reason = String(cString: strerror(errno))
            try? manager.removeItem(atPath: directory)
            try? manager.moveItem(atPath: aside, toPath: directory)
            throw HarnessError("mount -t tmpfs on \(directory): \(reason)")
        }
        for item in try manager.contentsOfDirectory(atPath: aside) {
            let mode = try manager.attributesOfItem(atPath: "\(aside)/\(item)")[.posixPermissions] as? Int
            try manager.copyItem(atPath: "\(aside)/\(item)", toPath: "\(directory)/\(item)")
            if let mode { chmod("\(directory)/\(item)", mode_t(mode)) }
        }
        try manager.removeItem(atPath: aside)
    }

    /// Grows (or shrinks) the filesystem in place.
    func resize(bytes: Int) throws {
        guard mount("tmpfs", path, "tmpfs", UInt(MS_REMOUNT), "size=\(bytes),mode=0700") == 0 else {
            throw HarnessError("remount \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Lazily unmounts (the daemon may still have files open if the test failed).
    func unmount() {
        umount2(path, Int32(MNT_DETACH))
    }
}
