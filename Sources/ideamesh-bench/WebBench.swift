import ArgumentParser
import Dispatch
import Foundation
import MeshLoopback
import MeshStore
import Synchronization

/// `ideamesh-bench web`: the web pages under load, with the control socket as the baseline
/// measured in the same run.
struct WebBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web",
        abstract: "Pages per second and latency of the ideas list with a workload loaded (wrk), beside the control round trip.",
        discussion: """
            Runs the real `ideameshd` found next to this executable (build both: \
            `swift build -c release`). The workload is replayed as local writes, one store per \
            department, and applied into one node's store (as `sync` does); that node's daemon \
            then serves its web pages on loopback. The bench signs in with the ward passcode \
            (curl), then:

            1. Baseline: --connections threads, each with its own control-socket connection, call \
            `idea.list` (sort new, limit 100: what the ideas page asks for) for --seconds; \
            calls per second and latency percentiles.
            2. Pages: wrk (Debian's package) with --connections connections on 2 threads for \
            --seconds, GET /ideas with the session cookie: pages per second and latency \
            percentiles (wrk --latency). Every response is checked to be 200 first.

            Output: one JSON object: bench ("web"), workload, ops, ideas_held, cpus, connections, \
            seconds, page_bytes, control (calls, calls_per_s, p50_ms, p99_ms), pages \
            (requests, pages_per_s, p50_ms, p90_ms, p99_ms, non_2xx, socket_errors), \
            pages_vs_control (pages_per_s over calls_per_s).
            """)

    @Option(help: ArgumentHelp("Workload file (JSON lines from workload.py).", valueName: "file"))
    var workload: String

    @Option(help: "Seconds of load, each phase.")
    var seconds = 10

    @Option(help: "Concurrent connections, each phase.")
    var connections = 16

    @Option(help: ArgumentHelp("Directory for the nodes, stores and logs (default: a temporary one, removed afterwards).", valueName: "dir"))
    var dir: String?

    func validate() throws {
        guard FileManager.default.isReadableFile(atPath: workload) else { throw ValidationError("cannot read \(workload)") }
        guard (1...600).contains(seconds) else { throw ValidationError("--seconds must be 1…600") }
        guard (1...256).contains(connections) else { throw ValidationError("--connections must be 1…256") }
    }

    func run() throws {
        guard let wrk = Command.which("wrk") else { throw BenchError("wrk is not installed (apt-get install wrk)") }
        guard let curl = Command.which("curl") else { throw BenchError("curl is not installed (apt-get install curl)") }
        let temporary = dir == nil
        let base = URL(fileURLWithPath: dir ?? NSTemporaryDirectory() + "ideamesh-bench-web-\(getpid())").standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { if temporary { removeTree(base) } }
        if temporary { Interruption.removeOnInterrupt(base) }
        let cluster = try BenchDaemons(base: base)
        defer { cluster.stopAll() }

        let depts = base + "/depts"
        try FileManager.default.createDirectory(atPath: depts, withIntermediateDirectories: true)
        let local = try LocalReplay(workload: workload).run(into: depts)
        let node = try cluster.initNode("web", department: "Renal Ward", networkKeyFrom: nil)
        do {
            let store = try node.dir.openStore()
            _ = try RemoteApply(batch: 256, groupOps: 16_384).run(sources: local.paths, into: store, expected: local.ops)
        }
        ProcessStats.releaseFreeMemory()
        let port = try Loopback.freePort()
        try cluster.configure(node, department: "Renal Ward", listen: false, seeds: [], trusted: [], web: "127.0.0.1:\(port)")
        let passcode = "bench-ward-passcode"
        do { try node.daemon.setWebPassword(user: nil, secret: passcode, ideameshd: cluster.executable) } catch { throw BenchError("\(error)") }
        let daemon = try cluster.start(node, logLevel: "warning")
        let held = Self.int(try daemon.call("admin.status")["ops"])

        // Sign in as a nurse would, keeping the session cookie.
        let url = "http://127.0.0.1:\(port)"
        let jar = base + "/cookies"
        let form = try Command.output(curl, ["-sf", "-c", jar, "-b", jar, url + "/signin"])
        guard let token = form.components(separatedBy: "name=\"csrf\" value=\"").dropFirst().first?.split(separator: "\"").first else {
            throw BenchError("no CSRF token on the sign-in page")
        }
        _ = try Command.output(curl, [
            "-sf", "-c", jar, "-b", jar, "--data-urlencode", "csrf=\(token)", "--data-urlencode", "user=bench",
            "--data-urlencode", "secret=\(passcode)", url + "/signin",
        ])
        guard let cookie = try String(contentsOfFile: jar, encoding: .utf8).split(separator: "\n")
            .first(where: { $0.contains("ideamesh_session") })?.split(separator: "\t").last else {
            throw BenchError("signing in gave no session cookie")
        }
        let page = try Command.output(curl, ["-sf", "-H", "Cookie: ideamesh_session=\(cookie)", url + "/ideas"])
        guard page.contains("Ideas from every department"), page.contains("<ul class=\"ideas\">") else {
            throw BenchError("the ideas page did not come back signed in: \(page.prefix(300))")
        }
        let ideasHeld = Self.int(try daemon.call("idea.list", ["limit": 1])["total"])

        // 1. The baseline: the control round trip of the page's main call.
        let control = try controlLoad(socket: node.socket)
        // 2. The pages.
        let text = try Command.output(wrk, [
            "-t2", "-c\(connections)", "-d\(seconds)s", "--latency", "-H", "Cookie: ideamesh_session=\(cookie)", url + "/ideas",
        ])
        let pages = try Self.parseWrk(text)
        let report: [String: Any] = [
            "bench": "web", "workload": workload, "ops": local.ops, "ops_held": held, "ideas_held": ideasHeld,
            "cpus": ProcessInfo.processInfo.activeProcessorCount, "connections": connections, "seconds": seconds,
            "page_bytes": page.utf8.count, "control": control, "pages": pages,
            "pages_vs_control": (pages["pages_per_s"] as? Double ?? 0) / max(1e-9, control["calls_per_s"] as? Double ?? 0),
        ]
        let json = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }

    /// `connections` threads calling `idea.list` as the page does, for `seconds`.
    func controlLoad(socket: String) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(Double(seconds))
        let results = Mutex<(latencies: [Double], failure: String?)>(([], nil))
        DispatchQueue.concurrentPerform(iterations: connections) { _ in
            var mine = [Double]()
            var failed: String?
            do {
                let client = try ControlClient(path: socket)
                while Date() < deadline {
                    let started = DispatchTime.now().uptimeNanoseconds
                    _ = try client.call("idea.list", ["sort": "new", "limit": 100])
                    mine.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
                }
            } catch {
                failed = "\(error)"
            }
            results.withLock {
                $0.latencies += mine
                if let failed { $0.failure = failed }
            }
        }
        let (latencies, failure) = results.withLock { $0 }
        if let failure { throw BenchError("control baseline: \(failure)") }
        return [
            "calls": latencies.count, "calls_per_s": Double(latencies.count) / Double(seconds),
            "p50_ms": latencies.percentile(0.5) * 1000, "p99_ms": latencies.percentile(0.99) * 1000,
        ]
    }

    /// wrk's summary: requests, rate, latency percentiles, errors.
    static func parseWrk(_ text: String) throws -> [String: Any] {
        func ms(_ value: Substring) -> Double? {
            let units: [(String, Double)] = [("us", 0.001), ("ms", 1), ("s", 1000), ("m", 60_000)]
            for (unit, factor) in units where value.hasSuffix(unit) {
                if let number = Double(value.dropLast(unit.count)) { return number * factor }
            }
            return nil
        }
        var out: [String: Any] = ["non_2xx": 0, "socket_errors": 0]
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let first = words.first else { continue }
            switch first {
            case "50%": out["p50_ms"] = ms(words[1])
            case "90%": out["p90_ms"] = ms(words[1])
            case "99%": out["p99_ms"] = ms(words[1])
            case "Requests/sec:": out["pages_per_s"] = Double(words[1])
            case "Non-2xx": out["non_2xx"] = Int(words.last ?? "0") ?? 0
            case "Socket": out["socket_errors"] = String(line)
            default:
                if line.contains("requests in"), let count = Int(first) { out["requests"] = count }
            }
        }
        guard out["pages_per_s"] != nil, out["p99_ms"] != nil else { throw BenchError("cannot read wrk's output:\n\(text)") }
        guard (out["non_2xx"] as? Int ?? 0) == 0 else { throw BenchError("some pages were not 200:\n\(text)") }
        return out
    }

    static func int(_ value: Any?) -> Int {
        (value as? Int) ?? (value as? NSNumber)?.intValue ?? 0
    }
}
