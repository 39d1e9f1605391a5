import MeshCharts
/// A progress bar on stderr, drawn only when stderr is a terminal (a script's log gets nothing),
/// redrawn only when the percentage changes.
final class Progress {
    private let label: String
    private let width: Int
    private let enabled: Bool
    private var lastPercent = -1

    init(label: String, terminal: Terminal) {
        self.label = label
        self.width = terminal.width
        self.enabled = terminal.stderrIsTTY
    }

    func update(_ done: Int, of total: Int) {
        guard enabled else { return }
        let percent = total <= 0 ? 100 : done * 100 / total
        guard percent != lastPercent else { return }
        lastPercent = percent
        Terminal.writeError("\r\u{1B}[K" + ProgressBar.line(label: label, done: done, total: total, width: width))
    }

    /// Clears the bar's line.
    func finish() {
        guard enabled, lastPercent >= 0 else { return }
        Terminal.writeError("\r\u{1B}[K")
    }
}
