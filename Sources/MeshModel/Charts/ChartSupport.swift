/// Why a chart could not be computed from the data given.
public enum ChartError: Error, Hashable, Sendable {
    /// Fewer points than the calculation needs (`needed` is the minimum).
    case tooFewPoints(needed: Int, got: Int)
    /// A value that is NaN or infinite, at this index.
    case nonFiniteValue(index: Int)
    /// A rebase index outside `1..<count`, not increasing, or leaving a segment too short.
    case invalidRebase(index: Int)
    /// A baseline length below 2 (no moving range can be formed).
    case invalidBaseline(length: Int)
}

/// Which side of a centre line a point lies on.
public enum Side: String, Hashable, Codable, Sendable {
    case above, below
}

/// The direction of a run of consecutive rises or falls.
public enum TrendDirection: String, Hashable, Codable, Sendable {
    case up, down
}

/// A stretch of consecutive points that together make a signal, by index into the data.
public struct ChartRun<Kind: Hashable & Sendable>: Hashable, Sendable {
    /// First and last index of the stretch (points inside that do not count, such as points on the
    /// median or equal neighbours, are still inside the range).
    public var range: ClosedRange<Int>
    /// The side (for shifts) or direction (for trends).
    public var kind: Kind
    /// How many points counted towards the signal.
    public var length: Int

    public init(range: ClosedRange<Int>, kind: Kind, length: Int) {
        self.range = range
        self.kind = kind
        self.length = length
    }
}

/// Small pure helpers shared by the charts.
enum ChartMath {
    static func checkFinite(_ values: [Double]) throws(ChartError) {
        for (i, v) in values.enumerated() where !v.isFinite { throw .nonFiniteValue(index: i) }
    }

    static func mean(_ values: some Collection<Double>) -> Double {
        values.reduce(0, +) / Double(values.count)
    }

    /// The median (mean of the two middle values for an even count). `values` must not be empty.
    static func median(_ values: [Double]) -> Double {
        let s = values.sorted()
        let m = s.count / 2
        return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
    }

    /// The side of `centre` each value lies on; nil for a value exactly on it.
    static func sides(_ values: [Double], centre: Double) -> [Side?] {
        values.map { $0 > centre ? .above : $0 < centre ? .below : nil }
    }

    /// Maximal runs of points on one side. With `skipNil`, points on the centre (nil) neither count
    /// nor break a run (IHI run chart); without, they end it (points exactly on the mean are on
    /// neither side, so they cannot extend a run of either).
    static func sideRuns(_ sides: [Side?], skipNil: Bool) -> [ChartRun<Side>] {
        var runs: [ChartRun<Side>] = []
        var current: ChartRun<Side>?
        for (i, side) in sides.enumerated() {
            guard let side else {
                if !skipNil, let c = current { runs.append(c); current = nil }
                continue
            }
            if var c = current, c.kind == side {
                c.range = c.range.lowerBound...i
                c.length += 1
                current = c
            } else {
                if let c = current { runs.append(c) }
                current = ChartRun(range: i...i, kind: side, length: 1)
            }
        }
        if let c = current { runs.append(c) }
        return runs
    }

    /// Maximal runs of consecutive rises or falls. An equal neighbour counts once: it neither adds a
    /// point to nor breaks a run (IHI "count only the first"; NHSRplotthedots #24). `length` is the
    /// number of counted points (so 6 rises make a 7-point trend).
    static func monotoneRuns(_ values: [Double]) -> [ChartRun<TrendDirection>] {
        guard values.count > 1 else { return [] }
        var runs: [ChartRun<TrendDirection>] = []
        var current: ChartRun<TrendDirection>?
        // The first index of the block of equal values the next run would start from.
        var blockStart = 0
        for i in 1..<values.count {
            let step = values[i] - values[i - 1]
            if step == 0 {
                if var c = current { c.range = c.range.lowerBound...i; current = c }
                continue
            }
            let dir: TrendDirection = step > 0 ? .up : .down
            if var c = current, c.kind == dir {
                c.range = c.range.lowerBound...i
                c.length += 1
                current = c
            } else {
                if let c = current { runs.append(c) }
                current = ChartRun(range: blockStart...i, kind: dir, length: 2)
            }
            // A reversal after equal values starts at the first of them (the one that counted):
            // zero steps leave `blockStart` where it is.
            blockStart = i
        }
        if let c = current { runs.append(c) }
        return runs
    }

    /// `round(log2 n)` for n ≥ 1, exactly, without floating point: log2 n is never exactly k + ½
    /// for an integer n, so it rounds up when n > 2^k·√2, i.e. n² > 2^(2k+1).
    static func roundedLog2(_ n: Int) -> Int {
        precondition(n >= 1)
        let k = Int.bitWidth - 1 - n.leadingZeroBitCount
        let square = n.multipliedReportingOverflow(by: n)
        if square.overflow || 2 * k + 1 >= Int.bitWidth - 1 { return k + 1 }
        return square.partialValue > (1 << (2 * k + 1)) ? k + 1 : k
    }

    /// R's `qbinom(p, size, 0.5)`: the smallest k with P(X ≤ k) ≥ p for X ~ Binomial(size, ½).
    ///
    /// For p = 0.05 and sizes up to 59 (run charts of up to 60 useful points) it is exact, in
    /// integers: the smallest k with 20 · Σ_{i≤k} C(size, i) ≥ 2^size. Otherwise terms are scaled by
    /// the central coefficient so large sizes neither overflow nor lose the tail.
    static func binomialHalfQuantile(_ p: Double, size: Int) -> Int {
        precondition(size >= 0)
        if p == 0.05, size <= 59 { return fivePercentBinomialHalfQuantile(size: size) }
        return scaledBinomialHalfQuantile(p, size: size)
    }

    /// `qbinom(0.05, size, 0.5)` in integers, for sizes up to 59 (20 · 2^59 fits in 64 bits).
    static func fivePercentBinomialHalfQuantile(size: Int) -> Int {
        precondition((0...59).contains(size))
        var coefficient: UInt64 = 1, sum: UInt64 = 0
        for k in 0...size {
            sum += coefficient
            if 20 * sum >= UInt64(1) << UInt64(size) { return k }
            coefficient = coefficient * UInt64(size - k) / UInt64(k + 1)
        }
        return size
    }

    /// `qbinom(p, size, 0.5)` in floating point, for any size.
    static func scaledBinomialHalfQuantile(_ p: Double, size: Int) -> Int {
        precondition(size >= 0)
        let mode = size / 2
        var terms = [Double](repeating: 0, count: size + 1)
        terms[mode] = 1
        if mode > 0 {
            for k in stride(from: mode, to: 0, by: -1) {
                terms[k - 1] = terms[k] * Double(k) / Double(size - k + 1)
            }
        }
        if mode < size {
            for k in mode..<size { terms[k + 1] = terms[k] * Double(size - k) / Double(k + 1) }
        }
        let total = terms.reduce(0, +)
        var cumulative = 0.0
        for k in 0...size {
            cumulative += terms[k]
            // A relative tolerance absorbs rounding, as R's qbinom does (fuzz 1 − 64ε).
            if cumulative / total >= p * (1 - 64 * Double.ulpOfOne) { return k }
        }
        return size
    }
}
