/// A small, fast, seeded random number generator (SplitMix64, Steele, Lea & Flood 2014).
///
/// The pure layers take randomness as a parameter; this is the generator that makes a run
/// reproducible from its seed (tests, the deterministic simulator). Not for secrets.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in 0..<n (n > 0).
    public mutating func below(_ n: Int) -> Int { Int.random(in: 0..<n, using: &self) }

    /// True with the given probability in percent.
    public mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}
