/// The Swed–Eisenhart critical values for the number of runs about the median on a run chart.
///
/// Source (see `qi-chart-rules.md`, "Run chart rules"): IHI, Perla, Provost & Murray 2011, "The run
/// chart", which tabulates the Swed & Eisenhart (1943) limits by the number of useful observations (points
/// not on the median). The reference gives two rows: 16 useful points → 5–12 runs normal, and 24 → 8–18.
///
/// The other rows were computed, not copied: from the exact distribution of the number of runs R for
/// ⌊n/2⌋ points on one side and ⌈n/2⌉ on the other, the lower limit is the largest r with P(R < r) ≤ 2.5 %
/// and the upper the smallest r with P(R > r) ≤ 2.5 %. That criterion reproduces the reference's row for 24
/// (8–18) and the lower limit for 16 (5); for 16 it gives an upper limit of 13 where the reference says 12,
/// so row 16 follows the reference. Rows outside 10...60 are not tabulated.
public enum SwedEisenhart {
    /// The normal range of runs: fewer than `lower` or more than `upper` is a signal.
    public struct Limits: Hashable, Sendable {
        public var lower: Int
        public var upper: Int

        public init(lower: Int, upper: Int) {
            self.lower = lower
            self.upper = upper
        }
    }

    /// The smallest and largest number of useful observations tabulated.
    public static let tabulated: ClosedRange<Int> = 10...60

    /// The limits for `usefulObservations` points not on the median; nil outside `tabulated`.
    public static func limits(usefulObservations n: Int) -> Limits? {
        guard let row = table[n] else { return nil }
        return Limits(lower: row.0, upper: row.1)
    }

    /// Useful observations → (lower, upper) limits for the number of runs.
    static let table: [Int: (Int, Int)] = [
        10: (3, 9),
        11: (4, 9),
        12: (4, 10),
        13: (4, 11),
        14: (4, 12),
        15: (5, 12),
        16: (5, 12),
        17: (6, 13),
        18: (6, 14),
        19: (6, 15),
        20: (7, 15),
        21: (7, 16),
        22: (8, 16),
        23: (8, 17),
        24: (8, 18),
        25: (9, 18),
        26: (9, 19),
        27: (10, 19),
        28: (10, 20),
        29: (10, 21),
        30: (11, 21),
        31: (11, 22),
        32: (12, 22),
        33: (12, 23),
        34: (12, 24),
        35: (13, 24),
        36: (13, 25),
        37: (14, 25),
        38: (14, 26),
        39: (14, 26),
        40: (15, 27),
        41: (15, 28),
        42: (16, 28),
        43: (16, 29),
        44: (17, 29),
        45: (17, 30),
        46: (17, 31),
        47: (18, 31),
        48: (18, 32),
        49: (19, 32),
        50: (19, 33),
        51: (20, 33),
        52: (20, 34),
        53: (20, 35),
        54: (21, 35),
        55: (21, 36),
        56: (22, 36),
        57: (22, 37),
        58: (23, 37),
        59: (23, 38),
        60: (24, 38),
    ]
}
