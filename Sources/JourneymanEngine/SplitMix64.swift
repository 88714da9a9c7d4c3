/// A tiny deterministic PRNG (SplitMix64): identical sequences on every machine and run.
struct SplitMix64: Sendable {
    /// The generator state.
    private(set) var state: UInt64

    /// Creates a generator from a seed.
    init(seed: UInt64) {
        state = seed
    }

    /// The SplitMix64 finaliser: a strong 64-bit mixing function.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        return SplitMix64.mix(state)
    }

    /// A uniform Double in [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A uniform Double in [lower, upper).
    mutating func range(_ lower: Double, _ upper: Double) -> Double {
        lower + (upper - lower) * unit()
    }

    /// A uniform Double in [-1, 1).
    mutating func signed() -> Double {
        unit() * 2 - 1
    }

    /// A uniform integer in 0..<count (count > 0).
    mutating func index(_ count: Int) -> Int {
        Int(next() % UInt64(max(count, 1)))
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool {
        unit() < p
    }
}
