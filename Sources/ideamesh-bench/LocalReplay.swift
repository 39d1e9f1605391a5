import Foundation
import MeshCRDT
import MeshModel
import MeshStore
import MeshWire

/// A workload replayed as local writes, one store per department (`DIR/<dept>.sqlite`, each with
/// an identity of its own, so every department is an origin): validate, sign, append, apply, one
/// durable commit per op. Phase 1 of `store`, and how `sync` makes the many-origin history.
struct LocalReplay {
    let workload: String

    struct Result {
        var paths: [String] = []
        /// Every op the department stores hold.
        var ops = 0
        /// The workload's ops written (timed).
        var written = 0
        var refused = 0
        /// Ops written before the workload's own (a workflow per department), untimed.
        var setupOps = 0
        var seconds = 0.0
        var latencies: [Double] = []
    }

    /// A workflow in which an idea's status may move from any status to any other.
    static let everyMove = Workflow(moves: IdeaStatus.allCases.flatMap { from in
        IdeaStatus.allCases.filter { $0 != from }.map { StatusMove(from: from, to: $0) }
    })

    /// Every workload line as a local write at its department's store, in `base`.
    func run(into base: String) throws -> Result {
        var result = Result()
        var stores: [String: IdeaStore] = [:]
        var storeOf: [NodeID: IdeaStore] = [:]
        var ids: [String: OpID] = [:]
        let decoder = JSONDecoder()
        for (number, line) in try LineReader(path: workload) {
            let w: WorkloadOp
            do { w = try decoder.decode(WorkloadOp.self, from: line) } catch {
                throw BenchError("\(workload):\(number): not a workload op: \(error)")
            }
            let store: IdeaStore
            if let existing = stores[w.dept] {
                store = existing
            } else {
                let path = "\(base)/\(w.dept).sqlite"
                removeDatabase(path)
                let identity = NodeIdentity()
                store = try IdeaStore(path: path, identity: identity)
                // The workload's status moves are random (any status to any): each department
                // first sets a workflow that allows every move (Protocol/README.md, "Roles and
                // the status workflow"). One op per department, not timed, counted in `setup_ops`.
                try store.write(.workflowSet(Self.everyMove), author: "bench")
                result.setupOps += 1
                stores[w.dept] = store
                storeOf[identity.nodeID] = store
                result.paths.append(path)
            }
            func ref(_ key: String?) throws -> OpID {
                guard let key, let id = ids[key] else { throw BenchError("\(workload):\(number): unknown reference \(key ?? "nil")") }
                return id
            }
            let body: OpBody
            switch w.op {
            case "idea":
                body = .ideaCreate(IdeaContent(title: w.title ?? "", problem: w.problem ?? "", solution: w.solution ?? "", theme: w.theme ?? ""))
            case "support":
                body = .support(idea: try ref(w.idea))
            case "comment":
                body = .commentAdd(idea: try ref(w.idea), text: w.text ?? "")
            case "status":
                guard let status = w.status.flatMap(IdeaStatus.init(rawValue:)) else { throw BenchError("\(workload):\(number): bad status") }
                body = .statusSet(idea: try ref(w.idea), status: status, reason: "", seen: [])
            case "measure":
                guard let better = w.better.flatMap(Direction.init(rawValue:)) else { throw BenchError("\(workload):\(number): bad direction") }
                body = .measureDefine(idea: try ref(w.idea), MeasureDefinition(name: w.name ?? "", unit: w.unit ?? "", better: better))
            case "observe":
                guard let date = w.date.flatMap(Day.init), let value = w.value else { throw BenchError("\(workload):\(number): bad observation") }
                body = .observationRecord(measure: try ref(w.measure), date: date, value: value, note: "")
            case "adopt":
                // The adopter copies the source idea, as `ideamesh adopt` does; here from the source's store.
                let source = try ref(w.idea)
                guard let content = try storeOf[source.origin]?.idea(source)?.content else {
                    throw BenchError("\(workload):\(number): adopted idea not found")
                }
                body = .adopt(source: source, content: content)
            default:
                throw BenchError("\(workload):\(number): unknown op \(w.op)")
            }
            let watch = Stopwatch()
            let signed: SignedOp
            do {
                signed = try store.write(body, author: w.anonymous == true ? "" : w.by, requireTargets: false)
            } catch StoreError.notAllowed {
                result.refused += 1  // e.g. the same person supporting the same idea twice
                continue
            }
            let elapsed = watch.seconds
            result.seconds += elapsed
            result.latencies.append(elapsed)
            result.written += 1
            if let key = w.id { ids[key] = try signed.decode().id }
        }
        result.ops = result.written + result.setupOps
        return result
    }

    /// The department stores an earlier run left in `base` (`d*.sqlite`), instead of replaying.
    static func reuse(_ base: String) throws -> Result {
        var result = Result()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        result.paths = names.filter { $0.hasPrefix("d") && $0.hasSuffix(".sqlite") }.sorted().map { "\(base)/\($0)" }
        guard !result.paths.isEmpty else { throw BenchError("no department stores in \(base)") }
        result.ops = try result.paths.reduce(0) { $0 + (try IdeaStore(path: $1, identity: nil).opCount()) }
        return result
    }
}

/// Removes an SQLite database and its WAL files.
func removeDatabase(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}
