import Foundation
import MeshNode

/// Memory figures of this process, from /proc (Linux).
enum ProcessStats {
    /// Peak resident set size (VmHWM) in bytes.
    static func peakRSS() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            return kb * 1024
        }
        return 0
    }

    /// Returns freed heap memory to the system (glibc keeps it otherwise).
    static func releaseFreeMemory() {
        MemoryTrim.trim()
    }

    /// Resets the peak RSS to the current RSS, so the next phase's peak is its own.
    static func resetPeakRSS() {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return }
        _ = "5".withCString { write(fd, $0, 1) }
        close(fd)
    }
}

/// A monotonic stopwatch.
struct Stopwatch {
    private let started = DispatchTime.now().uptimeNanoseconds
    var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }

    static func time<T>(_ total: inout Double, _ body: () throws -> T) rethrows -> T {
        let watch = Stopwatch()
        defer { total += watch.seconds }
        return try body()
    }
}

extension Array where Element == Double {
    var mean: Double { isEmpty ? 0 : reduce(0, +) / Double(count) }
    var median: Double { percentile(0.5) }

    func percentile(_ p: Double) -> Double {
        guard !isEmpty else { return 0 }
        let sorted = self.sorted()
        return sorted[Swift.min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))]
    }
}
