/// An aspect ratio `W:H` as written after `--ar`.
public struct AspectRatio: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The width term.
    public let width: Int
    /// The height term.
    public let height: Int

    /// Square, the default.
    public static let square = AspectRatio(width: 1, height: 1)

    /// Creates a ratio from its two terms (not reduced).
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// `W:H`, as Midjourney writes it.
    public var description: String { "\(width):\(height)" }

    /// The ratio of a `width`×`height` image reduced to lowest terms; where a term exceeds 32,
    /// the nearest ratio whose terms are both at most 32 (451×300 gives 3:2).
    public static func reduced(width: Int, height: Int) -> AspectRatio {
        precondition(width > 0 && height > 0)
        let divisor = gcd(width, height)
        let w = width / divisor
        let h = height / divisor
        if w <= 32 && h <= 32 {
            return AspectRatio(width: w, height: h)
        }
        let target = Double(width) / Double(height)
        var best = AspectRatio(width: 1, height: 1)
        var bestError = Double.infinity
        for denominator in 1...32 {
            for numerator in 1...32 {
                let error = abs(Double(numerator) / Double(denominator) - target)
                // Strictly smaller keeps the first (smallest-term) ratio among equals, so 3:2 beats 6:4.
                if error < bestError - 1e-12 {
                    bestError = error
                    best = AspectRatio(width: numerator, height: denominator)
                }
            }
        }
        return best
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
