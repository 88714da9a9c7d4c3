/// Precomputed filter taps for resampling one axis from `source` to `target` samples.
///
/// Uses the Catmull-Rom cubic (sharp, smooth interpolation) when enlarging; when
/// shrinking the kernel is stretched by the scale factor so every source pixel
/// contributes (an antialiased, area-weighted average rather than point sampling).
struct ResamplingWeights: Sendable {
    /// First source index contributing to each target sample.
    let starts: [Int]
    /// Number of source samples contributing to each target sample.
    let counts: [Int]
    /// The stride of `weights`: the largest entry of `counts`.
    let taps: Int
    /// `target * taps` normalised weights; entries past `counts[i]` are zero.
    let weights: [Float]

    /// Computes the taps for resampling `source` samples to `target` samples.
    init(source: Int, target: Int) {
        let scale = Double(source) / Double(target)
        let filterScale = max(scale, 1)
        let support = ResamplingWeights.kernelRadius * filterScale
        let taps = min(source, Int((support * 2).rounded(.up)) + 2)
        var starts = [Int](repeating: 0, count: target)
        var counts = [Int](repeating: 0, count: target)
        var weights = [Float](repeating: 0, count: target * taps)
        var scratch = [Double](repeating: 0, count: taps)
        for index in 0..<target {
            let center = (Double(index) + 0.5) * scale
            var first = max(0, Int((center - support).rounded(.down)))
            var last = min(source, Int((center + support).rounded(.up)))
            if last - first > taps {
                last = first + taps
            }
            var total = 0.0
            for sample in first..<last {
                let weight = ResamplingWeights.kernel((Double(sample) + 0.5 - center) / filterScale)
                scratch[sample - first] = weight
                total += weight
            }
            // Trim zero-weight taps at both ends.
            while last - first > 1 && scratch[last - 1 - first] == 0 {
                last -= 1
            }
            var skip = 0
            while last - first - skip > 1 && scratch[skip] == 0 {
                skip += 1
            }
            if total == 0 {
                // Cannot happen for this kernel, but fall back to the nearest sample rather than divide by zero.
                let nearest = min(source - 1, max(0, Int(center)))
                first = nearest
                last = nearest + 1
                scratch[0] = 1
                skip = 0
                total = 1
            }
            starts[index] = first + skip
            counts[index] = last - first - skip
            for tap in 0..<(last - first - skip) {
                weights[index * taps + tap] = Float(scratch[tap + skip] / total)
            }
        }
        self.starts = starts
        self.counts = counts
        self.taps = taps
        self.weights = weights
    }

    /// Half-width of the kernel at scale 1.
    static let kernelRadius = 2.0

    /// The Catmull-Rom cubic (Keys, a = -0.5).
    static func kernel(_ x: Double) -> Double {
        let a = -0.5
        let t = abs(x)
        if t < 1 {
            return ((a + 2) * t - (a + 3)) * t * t + 1
        }
        if t < 2 {
            return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a
        }
        return 0
    }
}
