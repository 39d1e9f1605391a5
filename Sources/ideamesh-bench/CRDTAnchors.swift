import Foundation

/// The CRDT libraries a fresh node is measured against (issue: bootstrap at the speed of the
/// fastest CRDT libraries): Yrs through `pycrdt` and Loro through `loro`, both from PyPI, take in
/// the same workload as one update, in memory, with nothing on disk and nothing checked. The
/// script below is run with `python3` in the same run as the bench's own measurements, so both
/// see the same machine. A library that is not installed is reported as missing, not guessed.
enum CRDTAnchors {
    struct Anchor {
        var library: String
        var opsPerSecond: Double
        var updateBytes: Int
        var json: [String: Any]
    }

    struct Report {
        var yrs: Anchor?
        var loro: Anchor?
        /// What `python3` printed, for the bench's JSON (with `missing` where a library is absent).
        var json: [String: Any]
    }

    /// Runs the anchors on `workload` (`repeat` imports each; the median is reported).
    static func measure(workload: String, repeat count: Int, scratch: String) throws -> Report {
        guard let python = Command.which("python3") else {
            return Report(json: ["missing": "python3 is not installed"])
        }
        let path = scratch + "/crdt-anchors.py"
        try Data(script.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = try Command.output(python, [path, workload, "--repeat", String(count)])
        guard let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw BenchError("the CRDT anchors printed no JSON object:\n\(text)")
        }
        func anchor(_ key: String) -> Anchor? {
            guard let entry = json[key] as? [String: Any], entry["missing"] == nil,
                let rate = (entry["ops_per_s"] as? NSNumber)?.doubleValue,
                let bytes = (entry["update_bytes"] as? NSNumber)?.intValue
            else { return nil }
            return Anchor(library: entry["library"] as? String ?? key, opsPerSecond: rate, updateBytes: bytes, json: entry)
        }
        return Report(yrs: anchor("yrs"), loro: anchor("loro"), json: json)
    }

    static let script = #"""
"""CRDT anchors for `ideamesh-bench bootstrap`: how fast Yrs (pycrdt) and Loro (loro) take in
the same workload history, in memory, as one update.

Each department is a peer of its own (a document with its own client or peer id) that makes its
ops of the workload, one transaction per op, into flat root maps keyed by ids, so that no peer
needs another's containers: ideas (a map per idea: title, problem, solution, theme, anonymous,
by), status (idea -> status), supports ("idea/staff" -> true), comments (a map per comment),
measures (a map per measure), observations ("measure/date/n" -> value) and adoptions (new idea ->
idea adopted). The departments' documents are merged into one source document; its whole history
is exported as one update (Yrs: `get_update()`, Loro: `export(Updates from an empty version)`),
and what is timed is a fresh document applying it (`apply_update`, `import_`), the best and the
median of --repeat runs. Prints one JSON object. A library that cannot be imported is reported
as {"missing": reason}.
"""
import argparse, json, statistics, sys, time


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def per_department(ops, new_doc, write):
    """Each department's document (new_doc(peer id), ids 1, 2, ... in department order), with
    write(doc, writes) called for each of its ops, in workload order: one transaction per op."""
    depts = sorted({op["dept"] for op in ops}, key=lambda d: (len(d), d))
    peers = {d: i + 1 for i, d in enumerate(depts)}
    docs = {}
    for n, op in enumerate(ops):
        doc = docs.get(op["dept"])
        if doc is None:
            doc = docs[op["dept"]] = new_doc(peers[op["dept"]])
        write(doc, entries(op, n))
    return list(docs.values())


def entries(op, n):
    """The workload op as (root map, key, value) writes; a dict value is a nested map."""
    kind = op["op"]
    if kind == "idea":
        return [("ideas", op["id"], {"title": op["title"], "problem": op["problem"],
                                     "solution": op["solution"], "theme": op["theme"],
                                     "anonymous": op["anonymous"], "by": op["by"]})]
    if kind == "support":
        return [("supports", op["idea"] + "/" + op["by"], True)]
    if kind == "comment":
        return [("comments", op["id"], {"idea": op["idea"], "by": op["by"], "text": op["text"]})]
    if kind == "status":
        return [("status", op["idea"], op["status"])]
    if kind == "measure":
        return [("measures", op["id"], {"idea": op["idea"], "name": op["name"], "unit": op["unit"],
                                        "better": op["better"], "by": op["by"]})]
    if kind == "observe":
        return [("observations", "%s/%s/%d" % (op["measure"], op["date"], n), op["value"])]
    if kind == "adopt":
        return [("adoptions", op["id"], op["idea"])]
    raise SystemExit("unknown op kind %r" % kind)


ROOTS = ["ideas", "status", "supports", "comments", "measures", "observations", "adoptions"]


def timed(apply, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        apply()
        samples.append(time.perf_counter() - start)
    return samples


def report(name, version, ops, update, samples):
    best, median = min(samples), statistics.median(samples)
    return {"library": name, "version": version, "update_bytes": len(update),
            "seconds_samples": [round(s, 4) for s in samples], "seconds": round(median, 4),
            "ops_per_s": round(ops / median, 1), "best_ops_per_s": round(ops / best, 1)}


def yrs(ops, repeat):
    try:
        import pycrdt
        from importlib.metadata import version
    except ImportError as error:
        return {"missing": "pycrdt: %s (pip install pycrdt)" % error}
    def new_doc(peer):
        doc = pycrdt.Doc(client_id=peer)
        for root in ROOTS:
            doc[root] = pycrdt.Map()
        return doc

    def write(doc, writes):
        with doc.transaction():
            for root, key, value in writes:
                doc[root][key] = pycrdt.Map(value) if isinstance(value, dict) else value
    docs = per_department(ops, new_doc, write)
    source = new_doc(None)
    for doc in docs:
        source.apply_update(doc.get_update())
    update = source.get_update()

    def apply():
        fresh = pycrdt.Doc()
        fresh.apply_update(update)
        if len(fresh.get("ideas", type=pycrdt.Map)) == 0:
            raise SystemExit("yrs: the update applied nothing")
    return report("yrs (pycrdt)", version("pycrdt"), len(ops), update, timed(apply, repeat))


def loro_(ops, repeat):
    try:
        import loro
        from importlib.metadata import version
    except ImportError as error:
        return {"missing": "loro: %s (pip install loro)" % error}
    def new_doc(peer):
        doc = loro.LoroDoc()
        doc.peer_id = peer
        return doc

    def write(doc, writes):
        for root, key, value in writes:
            target = doc.get_map(root)
            if isinstance(value, dict):
                child = target.insert_container(key, loro.LoroMap())
                for field, text in value.items():
                    child.insert(field, text)
            else:
                target.insert(key, value)
        doc.commit()
    docs = per_department(ops, new_doc, write)
    source = loro.LoroDoc()
    for doc in docs:
        source.import_(doc.export(loro.ExportMode.Updates(loro.VersionVector())))
    update = source.export(loro.ExportMode.Updates(loro.VersionVector()))

    def apply():
        fresh = loro.LoroDoc()
        fresh.import_(update)
        if len(fresh.get_map("ideas")) == 0:
            raise SystemExit("loro: the update applied nothing")
    return report("loro", version("loro"), len(ops), update, timed(apply, repeat))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ops = load(args.workload)
    json.dump({"ops": len(ops), "yrs": yrs(ops, args.repeat), "loro": loro_(ops, args.repeat)},
              sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
"""#
}
