import MeshCharts
/// Why the demo could not go on: what failed and, where it helps, which log to read.
struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Ctrl-C (or SIGTERM, SIGHUP) arrived while the demo was still setting up.
struct DemoInterrupted: Error, CustomStringConvertible {
    let signal: Int32
    var description: String { "interrupted by \(DemoSignals.name(signal))" }
}
