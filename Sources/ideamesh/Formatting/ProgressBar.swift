import MeshCharts
/// One line of a progress bar: `label [#########---------]  50%  500/1000`. Pure: the caller
/// (`Progress`) decides when and where to draw it.
enum ProgressBar {
    static func line(label: String, done: Int, total: Int, width: Int) -> String {
        let total = max(total, 0)
        let done = min(max(done, 0), total)
        let percent = total == 0 ? 100 : done * 100 / total
        let counts = "\(String(repeating: " ", count: max(0, 3 - String(percent).count)))\(percent)%  \(done)/\(total)"
        let label = TextWidth.truncate(label, to: max(8, width / 3))
        // label, space, [bar], two spaces, counts
        let barWidth = max(10, width - TextWidth.of(label) - counts.count - 5)
        let filled = total == 0 ? barWidth : barWidth * done / total
        return "\(label) [\(String(repeating: "#", count: filled))\(String(repeating: "-", count: barWidth - filled))]  \(counts)"
    }
}
