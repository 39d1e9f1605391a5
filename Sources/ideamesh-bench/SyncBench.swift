import ArgumentParser
import Foundation
import MeshCRDT
import MeshNode
import MeshStore
import MeshWire

/// `ideamesh-bench sync`: real `ideameshd` daemons on loopback. Catch-up of a whole workload
/// history against the store-only remote apply of the same run, the bytes that catch-up puts on
/// the wire, the size of an in-sync Have round, and how soon a write at A is visible at C via B.
struct SyncBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Catch-up, wire bytes, Have rounds and A→B→C latency of real daemons on loopback.",
        discussion: """
            Runs the real `ideameshd` found next to this executable (build both: \
            `swift build -c release`). Steps:

            1. The workload is replayed as local writes, one store per department (each an origin \
            of its own), in DIR/depts. A source node (`ideameshd init --new-network`, DIR/src) gets \
            every department's ops by the store-only remote-apply path (as `store` phase 3: batches \
            of one origin, group-committed, prepared on a second thread): that is the first \
            `store_apply` sample. Each further repetition applies the same ops into a scratch store.
            2. Catch-up, `--repeat` times: the source daemon runs; a fresh node (dstN) is started \
            with the source as its seed; the clock starts when its process is started and stops \
            when its `admin.status` ops (polled every --poll-ms) reach the source's and it reports \
            its search index ready (built at the end of a large history); then both \
            `admin.digest`s must be equal. Wire bytes are the link's `bytes_in` + `bytes_out` at \
            the catching-up node (`admin.peers`: every byte written to or read from the socket: \
            handshake, framing, encryption; not TCP/IP headers).
            3. An in-sync Have round: in sync, each side's periodic Have is a digest Have \
            (`SyncMessage.haveDigest`: the 32-byte vector digest only, PROTOCOL.md §4), the same size \
            whatever the number of origins. Its bytes as the secure channel sends it (4-byte message \
            length, then per frame a 2-byte length and a 16-byte tag); a round is one each way. For \
            reference, the full Have (`SyncMessage.have(vector)`: every origin and seq), sent when a \
            side's view of the other has drifted. Both for the source's real version vector and for \
            a small history (each origin at 1% of its ops). With --have-wait the bench also watches \
            the daemons' byte counters until each side has sent its periodic Have (up to 40 s) and \
            reports what it saw, which should be one digest Have each way.
            4. Latency: three fresh daemons in a line, A–B–C (A and C trust only B and are not \
            connected). An idea is submitted at A (`idea.submit`) and C is polled with `idea.show` \
            every 2 ms until it has it.

            Every daemon is stopped at the end (SIGTERM, then SIGKILL), also on error. Daemon logs \
            are DIR/<node>.runN.log; the temporary DIR is removed unless --dir is given.

            Output: one JSON object; sizes in bytes, rates in ops/s, medians over the \
            repetitions with every sample listed. Keys:
            - bench ("sync"), workload, ops, origins, cpus, repetitions;
            - total_op_bytes: the sum over all ops of SignedOp bytes + signature + body;
            - store_apply: batch, group_ops, ops_per_s, ops_per_s_samples, seconds_samples, \
            writer_idle_seconds, search_index_seconds (the search index built at the end, counted in \
            the time), peak_rss_bytes (of this process);
            - catch_up: seconds (process start to all ops held), seconds_samples, ops_per_s, \
            ops_per_s_samples, link_after_seconds (process start to the link first seen \
            syncing), from_link_seconds (link seen to all ops held), wire_bytes, wire_bytes_in, \
            wire_bytes_out, wire_vs_op_bytes, vs_store_apply (catch-up ops/s over store_apply \
            ops/s), poll_ms, samples (each: seconds (to all ops held and the search index built), \
            control_ready_seconds, all_ops_seconds (to all ops held), link_after_seconds, \
            from_link_seconds, wire_bytes_in, wire_bytes_out, ops_in, batches_refused, \
            src_cpu_seconds, dst_cpu_seconds, dst_peak_rss_bytes, digest);
            - have_round: origins, history_ops, have_form ("digest"), have_bytes (one in-sync \
            Have: a digest Have), round_bytes (one each way), round_bytes_per_origin, \
            one_way_bytes_per_origin, full_have_bytes, full_round_bytes, \
            full_round_bytes_per_origin, full_one_way_bytes_per_origin (the full Have, for \
            reference), small_history (the same keys), observed (with --have-wait: dst_sent_bytes, \
            src_sent_bytes, computed_bytes (a digest Have), full_have_bytes, dst_sent_form and \
            src_sent_form ("digest", "full" or "other": which size the step matches), \
            matches_computed, waited_seconds);
            - holding_rss: VmRSS of a daemon holding the whole workload: the source after serving \
            every catch-up (source_after_catch_ups_bytes, and its source_peak_bytes), the source \
            restarted and idle for 3 s (source_idle_restart_bytes), the caught-up node 5 s after it \
            held every op (caught_up_node_bytes, median; caught_up_node_at_once_bytes: the moment \
            it did, its caches still full), and the largest of the idle figures (max_bytes);
            - latency_a_to_c: samples, samples_ms, median_ms, p90_ms, max_ms, ack_median_ms \
            (submit to A's reply);
            - anchors (unless --no-anchors): yrs and loro, each library, version, update_bytes \
            (the whole workload history as one update), seconds, seconds_samples, ops_per_s \
            (median of --repeat imports into a fresh document, in memory), best_ops_per_s; or \
            missing (why: python3, pycrdt or loro not installed). Each department is a peer of its \
            own writing one transaction per op into flat maps (the script is CRDTAnchors.swift);
            - vs_anchor: store_apply_vs_yrs, store_apply_vs_loro, catch_up_vs_yrs, \
            catch_up_vs_loro (our ops/s over theirs), wire_vs_yrs_update_bytes, \
            wire_vs_loro_update_bytes (catch-up wire bytes over their update's bytes), fastest, \
            catch_up_vs_fastest;
            - targets: catch_up_vs_store_apply (>= 0.5), wire_vs_op_bytes (<= 1), \
            have_round_bytes_per_origin (<= 64, an in-sync round being one digest Have each \
            way), have_one_way_bytes_per_origin (<= 64), latency_median_ms (<= 500), \
            holding_rss_bytes (<= 60 MB, the largest holding_rss), \
            catch_up_vs_fastest_anchor (>= 1.0), wire_vs_loro_update_bytes (<= 0.5); each with \
            value, target and met.
            """)

    @Option(help: ArgumentHelp("Workload file (JSON lines from workload.py).", valueName: "file"))
    var workload: String

    @Option(help: ArgumentHelp("Directory for the nodes, stores and logs (default: a temporary one, removed afterwards).", valueName: "dir"))
    var dir: String?

    @Option(name: .customLong("repeat"), help: "Catch-ups and store-only applies to measure (medians are reported).")
    var repetitions = 3

    @Option(help: "Ops per batch of the store-only apply (the daemon's SyncSession sends batches of 256).")
    var batch = SyncSession.Config().batchOps

    @Option(help: "Ops per transaction of the store-only apply (the daemon's StoreWorker groups up to 16384).")
    var groupOps = 16_384

    @Option(help: "A→B→C latency samples.")
    var latencySamples = 20

    @Option(help: "Milliseconds between polls of the catching-up node's op count.")
    var pollMs = 50

    @Flag(help: "Also watch the daemons send their periodic Have once caught up (waits up to 40 s).")
    var haveWait = false

    @Flag(help: "Reuse the department stores an earlier run left in --dir/depts (skips the local replay).")
    var reuseLocal = false

    @Flag(inversion: .prefixedNo, help: "Measure the CRDT anchors (Yrs via pycrdt, Loro via loro, from PyPI) on the same workload.")
    var anchors = true

    @Option(help: ArgumentHelp("The daemons' log level.", valueName: "level"))
    var logLevel = "info"

    func validate() throws {
        guard FileManager.default.isReadableFile(atPath: workload) else { throw ValidationError("cannot read \(workload)") }
        guard repetitions >= 1 && repetitions <= 20 else { throw ValidationError("--repeat must be 1…20") }
        guard batch >= 1 && batch <= 10_000 else { throw ValidationError("--batch must be 1…10000") }
        guard groupOps >= 1 && groupOps <= 100_000 else { throw ValidationError("--group-ops must be 1…100000") }
        guard latencySamples >= 1 && latencySamples <= 10_000 else { throw ValidationError("--latency-samples must be 1…10000") }
        guard pollMs >= 1 && pollMs <= 1_000 else { throw ValidationError("--poll-ms must be 1…1000") }
        if reuseLocal && dir == nil { throw ValidationError("--reuse-local needs --dir") }
    }

    func run() throws {
        do { try measure() } catch {
            // Interrupted: the daemons were stopped under us; the cleanup exits the process.
            if Interruption.happened { Thread.sleep(forTimeInterval: 60) }
            throw error
        }
    }

    func measure() throws {
        let temporary = dir == nil
        let base = URL(fileURLWithPath: dir ?? NSTemporaryDirectory() + "ideamesh-bench-sync-\(getpid())").standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { if temporary { removeTree(base) } }
        if temporary { Interruption.removeOnInterrupt(base) }
        let cluster = try BenchDaemons(base: base)
        defer { cluster.stopAll() }

        // The history: one store per department, each its own origin.
        let depts = base + "/depts"
        try FileManager.default.createDirectory(atPath: depts, withIntermediateDirectories: true)
        let local = reuseLocal ? try LocalReplay.reuse(depts) : try LocalReplay(workload: workload).run(into: depts)
        ProcessStats.releaseFreeMemory()
        let opBytes = try Self.totalOpBytes(local.paths)
        // The anchors first, while no daemon runs beside them.
        let anchorReport = anchors
            ? try CRDTAnchors.measure(workload: workload, repeat: repetitions, scratch: base)
            : CRDTAnchors.Report(json: ["missing": "not measured (--no-anchors)"])

        // The nodes: the source, one fresh catching-up node per repetition.
        let src = try cluster.initNode("src", department: "Source", networkKeyFrom: nil)
        var dsts = [BenchDaemons.Node]()
        for i in 0..<repetitions { dsts.append(try cluster.initNode("dst\(i)", department: "Catch-up \(i)", networkKeyFrom: src)) }
        try cluster.configure(src, department: "Source", listen: true, seeds: [], trusted: dsts)
        for (i, dst) in dsts.enumerated() {
            try cluster.configure(dst, department: "Catch-up \(i)", listen: false, seeds: [src], trusted: [src])
        }

        // Store-only remote apply, first into the source node's own store (with its identity).
        let apply = RemoteApply(batch: batch, groupOps: groupOps)
        var applies = [RemoteApply.Result]()
        let vector: VersionVector
        do {
            let store = try src.dir.openStore()
            applies.append(try apply.run(sources: local.paths, into: store, expected: local.ops))
            vector = try store.versionVector()
        }
        ProcessStats.releaseFreeMemory()
        guard vector.totalOps == UInt64(local.ops) else { throw BenchError("the source holds \(vector.totalOps) ops, not \(local.ops)") }

        let source = try cluster.start(src, logLevel: logLevel)
        let status = try source.call("admin.status")
        guard Self.int(status["ops"]) == local.ops else { throw BenchError("the source daemon reports \(status["ops"] ?? "nil") ops, not \(local.ops)") }

        var catchUps = [CatchUp]()
        var observed: [String: Any]?
        for i in 0..<repetitions {
            if i > 0 {
                // Interleaved with the catch-ups, so both see the same machine (it may be shared).
                let path = base + "/apply.sqlite"
                removeDatabase(path)
                applies.append(try apply.run(sources: local.paths, into: try IdeaStore(path: path, identity: nil), expected: local.ops))
                removeDatabase(path)
                ProcessStats.releaseFreeMemory()
            }
            catchUps.append(try catchUp(cluster: cluster, source: source, node: dsts[i], ops: local.ops))
            if haveWait && i == repetitions - 1, let dst = cluster.running[dsts[i].name] {
                observed = try observeHave(dst: dst, source: src, computed: Self.digestHaveBytes(vector), full: Self.haveBytes(vector))
            }
            cluster.stop(dsts[i])
            // Keep only the last catching-up node's data (each holds the whole history).
            if i < repetitions - 1 { try? FileManager.default.removeItem(at: dsts[i].dir.url) }
        }
        // Memory of a daemon holding the whole history: the source after serving every catch-up,
        // and the same daemon restarted and left idle (its links to the stopped nodes retrying).
        let sourceRSS = source.currentRSS(), sourcePeakRSS = source.peakRSS()
        cluster.stop(src)
        let idle = try cluster.start(src, logLevel: logLevel)
        _ = try idle.call("admin.status")
        Thread.sleep(forTimeInterval: 3)
        let idleRSS = idle.currentRSS()
        cluster.stop(src)
        let caughtUpRSS = catchUps.map { Double($0.dstIdleRSS) }.median
        let holdingRSS = Double(max(sourceRSS, Int(caughtUpRSS), idleRSS))

        let latency = try measureLatency(cluster: cluster, networkKeyFrom: src)
        cluster.stopAll()

        // The report.
        let applyRates = applies.map(\.opsPerSecond)
        let catchUpSeconds = catchUps.map(\.seconds)
        let catchUpRates = catchUps.map { Double(local.ops) / $0.seconds }
        let fromLink = catchUps.map(\.fromLinkSeconds)
        let wireIn = catchUps.map { Double($0.bytesIn) }, wireOut = catchUps.map { Double($0.bytesOut) }
        let wire = catchUps.map { Double($0.bytesIn + $0.bytesOut) }
        let vsStore = catchUpRates.median / applyRates.median
        let wireRatio = wire.median / Double(opBytes.total)
        let have = Self.haveReport(vector)
        let small = Self.haveReport(VersionVector(Dictionary(uniqueKeysWithValues: vector.origins.map {
            ($0, OriginHead(seq: max(1, vector[$0].seq / 100), hash: []))
        })))
        var haveRound = have
        haveRound["small_history"] = small
        if let observed { haveRound["observed"] = observed }
        let latencyMs = latency.map { $0.visible * 1000 }
        var targets: [String: Any] = [
            "catch_up_vs_store_apply": Self.target(vsStore, ">= 0.5", vsStore >= 0.5),
            "wire_vs_op_bytes": Self.target(wireRatio, "<= 1", wireRatio <= 1),
            "have_round_bytes_per_origin": Self.target(have["round_bytes_per_origin"] as! Double, "<= 64 (in sync: one digest Have each way)", (have["round_bytes_per_origin"] as! Double) <= 64),
            "have_one_way_bytes_per_origin": Self.target(have["one_way_bytes_per_origin"] as! Double, "<= 64 (in sync: one digest Have)", (have["one_way_bytes_per_origin"] as! Double) <= 64),
            "latency_median_ms": Self.target(latencyMs.median, "<= 500", latencyMs.median <= 500),
            "holding_rss_bytes": Self.target(holdingRSS, "<= 60 MB (62914560: VmRSS of a daemon holding the workload)", holdingRSS <= 62_914_560),
        ]
        var vsAnchor = [String: Any]()
        for (name, anchor) in [("yrs", anchorReport.yrs), ("loro", anchorReport.loro)] {
            guard let anchor else { continue }
            vsAnchor["store_apply_vs_\(name)"] = applyRates.median / anchor.opsPerSecond
            vsAnchor["catch_up_vs_\(name)"] = catchUpRates.median / anchor.opsPerSecond
            vsAnchor["wire_vs_\(name)_update_bytes"] = wire.median / Double(anchor.updateBytes)
        }
        if let fastest = [anchorReport.yrs, anchorReport.loro].compactMap({ $0 }).max(by: { $0.opsPerSecond < $1.opsPerSecond }) {
            let ratio = catchUpRates.median / fastest.opsPerSecond
            vsAnchor["fastest"] = fastest.library
            vsAnchor["catch_up_vs_fastest"] = ratio
            targets["catch_up_vs_fastest_anchor"] = Self.target(ratio, ">= 1.0 (\(fastest.library), in memory, as one update)", ratio >= 1)
        }
        if let loro = anchorReport.loro {
            let ratio = wire.median / Double(loro.updateBytes)
            targets["wire_vs_loro_update_bytes"] = Self.target(ratio, "<= 0.5", ratio <= 0.5)
        }
        let report: [String: Any] = [
            "bench": "sync",
            "workload": workload,
            "ops": local.ops,
            "origins": vector.origins.count,
            "cpus": ProcessInfo.processInfo.activeProcessorCount,
            "repetitions": repetitions,
            "total_op_bytes": opBytes.total,
            "store_apply": [
                "batch": batch,
                "group_ops": groupOps,
                "ops_per_s": applyRates.median,
                "ops_per_s_samples": applyRates,
                "seconds_samples": applies.map(\.seconds),
                "writer_idle_seconds": applies.map(\.writerIdleSeconds).median,
                "search_index_seconds": applies.map(\.searchIndexSeconds).median,
                "peak_rss_bytes": applies.map(\.peakRSS).max() ?? 0,
            ],
            "catch_up": [
                "seconds": catchUpSeconds.median,
                "seconds_samples": catchUpSeconds,
                "ops_per_s": catchUpRates.median,
                "ops_per_s_samples": catchUpRates,
                "from_link_seconds": fromLink.median,
                "link_after_seconds": catchUps.map(\.linkAfterSeconds).median,
                "wire_bytes": Int(wire.median),
                "wire_bytes_in": Int(wireIn.median),
                "wire_bytes_out": Int(wireOut.median),
                "wire_vs_op_bytes": wireRatio,
                "vs_store_apply": vsStore,
                "poll_ms": pollMs,
                "samples": catchUps.map(\.json),
            ],
            "have_round": haveRound,
            "holding_rss": [
                "source_after_catch_ups_bytes": sourceRSS, "source_peak_bytes": sourcePeakRSS,
                "source_idle_restart_bytes": idleRSS, "caught_up_node_bytes": Int(caughtUpRSS),
                "caught_up_node_at_once_bytes": Int(catchUps.map { Double($0.dstRSS) }.median), "max_bytes": Int(holdingRSS),
            ],
            "latency_a_to_c": [
                "samples": latency.count,
                "samples_ms": latencyMs,
                "median_ms": latencyMs.median,
                "p90_ms": latencyMs.percentile(0.9),
                "max_ms": latencyMs.max() ?? 0,
                "ack_median_ms": latency.map { $0.acknowledged * 1000 }.median,
            ],
            "anchors": anchorReport.json,
            "vs_anchor": vsAnchor,
            "targets": targets,
        ]
        let json = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }

    // MARK: Catch-up

    struct CatchUp {
        var seconds = 0.0
        /// Process start to the control socket answering.
        var controlReadySeconds = 0.0
        /// Process start to the first poll that saw every op held (the search index may still wait).
        var allOpsSeconds: Double?
        /// Process start to the first poll that saw the link to the source syncing.
        var linkAfterSeconds = 0.0
        var bytesIn = 0, bytesOut = 0, opsIn = 0, batchesRefused = 0
        var srcCPU = 0.0, dstCPU = 0.0
        var dstPeakRSS = 0
        /// The caught-up node's VmRSS once it holds every op, and after 5 s idle holding them.
        var dstRSS = 0, dstIdleRSS = 0
        var digest = ""

        var fromLinkSeconds: Double { seconds - linkAfterSeconds }

        var json: [String: Any] {
            [
                "seconds": seconds, "control_ready_seconds": controlReadySeconds, "all_ops_seconds": allOpsSeconds ?? seconds,
                "link_after_seconds": linkAfterSeconds, "from_link_seconds": fromLinkSeconds,
                "wire_bytes_in": bytesIn, "wire_bytes_out": bytesOut, "ops_in": opsIn,
                "batches_refused": batchesRefused, "src_cpu_seconds": srcCPU, "dst_cpu_seconds": dstCPU,
                "dst_peak_rss_bytes": dstPeakRSS, "dst_rss_bytes": dstRSS, "dst_idle_rss_bytes": dstIdleRSS,
                "digest": digest,
            ]
        }
    }

    /// Starts `node` with the source as its seed and waits until it holds every op.
    func catchUp(cluster: BenchDaemons, source: DaemonProcess, node: BenchDaemons.Node, ops: Int) throws -> CatchUp {
        var result = CatchUp()
        let srcCPU = source.cpuSeconds()
        let timeout = max(120, Double(ops) / 1_000)
        let watch = Stopwatch()
        let dst = try cluster.start(node, logLevel: logLevel)
        _ = try dst.control(timeout: 60)
        result.controlReadySeconds = watch.seconds
        var linkSeen = false
        while true {
            let status = try dst.call("admin.status")
            let held = Self.int(status["ops"])
            // Ready means searchable too: a fresh node builds its search index once the history is in.
            let searchable = status["search_index_ready"] as? Bool ?? true
            if held >= ops && result.allOpsSeconds == nil { result.allOpsSeconds = watch.seconds }
            if !linkSeen, let link = try link(of: dst, to: source.node), link["state"] as? String == "syncing" {
                linkSeen = true
                result.linkAfterSeconds = watch.seconds
            }
            if held >= ops && searchable { break }
            guard dst.isRunning else { throw BenchError("\(node.name) exited during catch-up\(dst.logTail())") }
            guard watch.seconds < timeout else {
                throw BenchError("\(node.name) holds \(held) of \(ops) ops after \(Int(timeout)) s\(dst.logTail())\(source.logTail())")
            }
            // Finely until the link is up (to time it), then every --poll-ms.
            usleep(linkSeen ? UInt32(pollMs) * 1_000 : 2_000)
        }
        result.seconds = watch.seconds
        if !linkSeen { result.linkAfterSeconds = result.seconds }
        result.srcCPU = source.cpuSeconds() - srcCPU
        result.dstCPU = dst.cpuSeconds()
        result.dstPeakRSS = dst.peakRSS()
        result.dstRSS = dst.currentRSS()
        guard let link = try link(of: dst, to: source.node) else { throw BenchError("\(node.name) has no link to the source\(dst.logTail())") }
        result.bytesIn = Self.int(link["bytes_in"])
        result.bytesOut = Self.int(link["bytes_out"])
        result.opsIn = Self.int(link["ops_in"])
        result.batchesRefused = Self.int(link["batches_refused"])
        let theirs = try source.call("admin.digest"), ours = try dst.call("admin.digest")
        guard let digest = ours["digest"] as? String, digest == theirs["digest"] as? String,
              Self.int(ours["ops"]) == ops else {
            throw BenchError("\(node.name) caught up but its digest \(ours["digest"] ?? "nil") (\(ours["ops"] ?? "nil") ops) differs from the source's \(theirs["digest"] ?? "nil")")
        }
        result.digest = digest
        // Holding the history, idle: what the daemon keeps once the catch-up's caches are given back.
        Thread.sleep(forTimeInterval: 5)
        result.dstIdleRSS = dst.currentRSS()
        return result
    }

    /// `from`'s open link to `to`, as `admin.peers` reports it.
    func link(of from: DaemonProcess, to: BenchDaemons.Node) throws -> [String: Any]? {
        let peers = try from.call("admin.peers")["peers"] as? [[String: Any]] ?? []
        return peers.first { $0["node_id"] as? String == to.id.base32 }
    }

    // MARK: Have

    /// Bytes on the wire of one message: the encoded message behind its 4-byte length, cut into
    /// frames of at most 65535 − 16 plaintext bytes, each with a 2-byte length and a 16-byte tag
    /// (SecureChannel.send).
    static func wireBytes(_ message: SyncMessage) -> Int {
        let stream = message.encode().count + 4
        let chunk = NoiseConstants.maxMessageLength - NoiseConstants.tagLength
        let frames = (stream + chunk - 1) / chunk
        return stream + frames * (2 + NoiseConstants.tagLength)
    }

    /// Bytes on the wire of a full Have carrying `vector` (sent when a side's view has drifted).
    static func haveBytes(_ vector: VersionVector) -> Int {
        wireBytes(.have(vector))
    }

    /// Bytes on the wire of the digest Have of `vector` (sent in sync): the same for any vector.
    static func digestHaveBytes(_ vector: VersionVector) -> Int {
        wireBytes(.haveDigest(SyncMessage.vectorDigest(vector)))
    }

    static func haveReport(_ vector: VersionVector) -> [String: Any] {
        let one = digestHaveBytes(vector), full = haveBytes(vector)
        let origins = Double(max(1, vector.origins.count))
        return [
            "origins": vector.origins.count,
            "history_ops": vector.totalOps,
            "have_form": "digest",
            "have_bytes": one,
            "round_bytes": 2 * one,
            "round_bytes_per_origin": Double(2 * one) / origins,
            "one_way_bytes_per_origin": Double(one) / origins,
            "full_have_bytes": full,
            "full_round_bytes": 2 * full,
            "full_round_bytes_per_origin": Double(2 * full) / origins,
            "full_one_way_bytes_per_origin": Double(full) / origins,
        ]
    }

    /// Watches the caught-up link's byte counters until each side has sent one Have (the daemons
    /// send one every 30 s): each counter's first step is one message, in sync a digest Have of
    /// `computed` bytes (a full Have is `full`).
    func observeHave(dst: DaemonProcess, source: BenchDaemons.Node, computed: Int, full: Int) throws -> [String: Any] {
        let watch = Stopwatch()
        guard var last = try link(of: dst, to: source) else { throw BenchError("\(dst.node.name) has no link to the source") }
        var sent: Int?, received: Int?
        while (sent == nil || received == nil) && watch.seconds < 40 {
            usleep(100_000)
            guard let now = try link(of: dst, to: source) else { throw BenchError("the link to the source closed\(dst.logTail())") }
            let out = Self.int(now["bytes_out"]) - Self.int(last["bytes_out"])
            let into = Self.int(now["bytes_in"]) - Self.int(last["bytes_in"])
            if sent == nil && out > 0 { sent = out }
            if received == nil && into > 0 { received = into }
            last = now
        }
        var observed: [String: Any] = ["waited_seconds": watch.seconds, "computed_bytes": computed, "full_have_bytes": full]
        func form(_ bytes: Int) -> String { bytes == computed ? "digest" : bytes == full ? "full" : "other" }
        if let sent {
            observed["dst_sent_bytes"] = sent
            observed["dst_sent_form"] = form(sent)
        }
        if let received {
            observed["src_sent_bytes"] = received
            observed["src_sent_form"] = form(received)
        }
        observed["matches_computed"] = sent == computed && received == computed
        return observed
    }

    // MARK: Latency

    struct Sample {
        /// Submit sent at A → the idea readable at C.
        var visible: Double
        /// Submit sent at A → A's reply (the write is durable there).
        var acknowledged: Double
    }

    /// Three fresh daemons in a line, A–B–C: an idea submitted at A, polled at C.
    func measureLatency(cluster: BenchDaemons, networkKeyFrom key: BenchDaemons.Node) throws -> [Sample] {
        let a = try cluster.initNode("lat-a", department: "Ward A", networkKeyFrom: key)
        let b = try cluster.initNode("lat-b", department: "Ward B", networkKeyFrom: key)
        let c = try cluster.initNode("lat-c", department: "Ward C", networkKeyFrom: key)
        try cluster.configure(b, department: "Ward B", listen: true, seeds: [], trusted: [a, c])
        try cluster.configure(a, department: "Ward A", listen: false, seeds: [b], trusted: [b])
        try cluster.configure(c, department: "Ward C", listen: false, seeds: [b], trusted: [b])
        let middle = try cluster.start(b, logLevel: logLevel)
        let first = try cluster.start(a, logLevel: logLevel)
        let last = try cluster.start(c, logLevel: logLevel)
        // Wait for the line to be up: A–B and B–C syncing.
        let watch = Stopwatch()
        while true {
            let ab = try link(of: first, to: b)?["state"] as? String == "syncing"
            let cb = try link(of: last, to: b)?["state"] as? String == "syncing"
            let ba = try link(of: middle, to: a)?["state"] as? String == "syncing"
            let bc = try link(of: middle, to: c)?["state"] as? String == "syncing"
            if ab && cb && ba && bc { break }
            guard watch.seconds < 30 else { throw BenchError("the A–B–C line did not come up in 30 s\(first.logTail())\(middle.logTail())\(last.logTail())") }
            usleep(10_000)
        }
        guard try link(of: first, to: c) == nil else { throw BenchError("A is connected to C directly; the line is not a line") }
        var samples = [Sample]()
        for k in 0..<latencySamples {
            let watch = Stopwatch()
            let written = try first.call("idea.submit", [
                "title": "Latency probe \(k)", "problem": "How long does an idea take to reach C?",
                "solution": "Submit at A, poll C.",
            ])
            let acknowledged = watch.seconds
            guard let id = written["id"] as? String else { throw BenchError("idea.submit gave no id") }
            let reader = try last.control()
            while true {
                switch try reader.request("idea.show", ["id": id]) {
                case .success:
                    samples.append(Sample(visible: watch.seconds, acknowledged: acknowledged))
                case .failure(let refusal) where refusal.code == "not_found":
                    guard watch.seconds < 10 else {
                        throw BenchError("idea \(id) not at C 10 s after it was submitted at A\(middle.logTail())\(last.logTail())")
                    }
                    usleep(2_000)
                    continue
                case .failure(let refusal):
                    throw BenchError("C: \(refusal)")
                }
                break
            }
            usleep(50_000)  // let the line settle between samples
        }
        return samples
    }

    // MARK: Helpers

    /// Sum over every op of its bytes, signature and body (op format 2): what the ops themselves weigh.
    static func totalOpBytes(_ paths: [String]) throws -> (total: Int, ops: Int) {
        var total = 0, ops = 0
        for path in paths {
            try IdeaStore(path: path, identity: nil).forEachBatch(batchSize: 1_000) { batch in
                for op in batch { total += op.bytes.count + op.signature.count + op.body.count }
                ops += batch.count
            }
        }
        return (total, ops)
    }

    static func int(_ value: Any?) -> Int {
        (value as? NSNumber)?.intValue ?? (value as? Int) ?? -1
    }

    static func target(_ value: Double, _ target: String, _ met: Bool) -> [String: Any] {
        ["value": value, "target": target, "met": met]
    }
}
