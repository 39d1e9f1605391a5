import ArgumentParser

@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ideamesh-bench",
        abstract: "Benchmarks of ideamesh. Each prints one JSON object on stdout.",
        discussion: """
            Build with -c release for figures that mean anything. Workloads come from
            shared/bench/workload.py, e.g. `python3 ../shared/bench/workload.py --ideas 20000 > w1.jsonl`.
            """,
        subcommands: [StoreBench.self, SyncBench.self, CliBench.self, MeshBench.self, SimulateBench.self, WebBench.self])
}
