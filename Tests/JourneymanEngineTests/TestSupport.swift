import JourneymanCore
import JourneymanEngine
import JourneymanImaging

/// Shared helpers for the engine tests.
enum TestSupport {
    /// A tall, thin aspect keeps grids small (512×2048) where the property does not depend on size.
    static let thin = AspectRatio(width: 1, height: 4)

    /// Renders one action with the local engine.
    static func render(
        _ action: ImagineAction, _ text: String, seed: UInt32 = 7, aspect: AspectRatio = thin,
        exclusions: [String] = [], source: RenderedImage? = nil, sourceText: String? = nil, mask: RGBAImage? = nil,
        progress: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws -> RenderedImage {
        let prompt = ParsedPrompt(text: text, aspect: aspect, exclusions: exclusions)
        var renderSource: RenderSource?
        if let source {
            renderSource = RenderSource(
                image: source.image, prompt: ParsedPrompt(text: sourceText ?? text, aspect: aspect),
                seed: seed, lineage: source.lineage)
        }
        return try await LocalEngine().render(
            RenderJob(action: action, prompt: prompt, seed: seed, source: renderSource, mask: mask), progress: progress)
    }

    /// Mean absolute difference per channel (0–255).
    static func difference(_ a: RGBAImage, _ b: RGBAImage) -> Double {
        precondition(a.width == b.width && a.height == b.height)
        var total = 0
        for i in 0..<a.pixels.count where i % 4 != 3 {
            total += abs(Int(a.pixels[i]) - Int(b.pixels[i]))
        }
        return Double(total) / Double(a.width * a.height * 3)
    }

    /// Fraction of pixels whose HSV hue lies in [lo, hi) degrees (wrapping) with saturation and value above thresholds.
    static func hueShare(_ image: RGBAImage, from lo: Double, to hi: Double, minSaturation: Double = 0.25) -> Double {
        var count = 0
        let n = image.width * image.height
        for i in 0..<n {
            let r = Double(image.pixels[i * 4]) / 255, g = Double(image.pixels[i * 4 + 1]) / 255, b = Double(image.pixels[i * 4 + 2]) / 255
            let maxC = max(r, g, b), minC = min(r, g, b)
            let delta = maxC - minC
            guard maxC > 0.15, delta / maxC > minSaturation else { continue }
            var h: Double
            if maxC == r {
                h = 60 * ((g - b) / delta)
            } else if maxC == g {
                h = 60 * ((b - r) / delta + 2)
            } else {
                h = 60 * ((r - g) / delta + 4)
            }
            if h < 0 { h += 360 }
            let inside = lo <= hi ? (h >= lo && h < hi) : (h >= lo || h < hi)
            if inside { count += 1 }
        }
        return Double(count) / Double(n)
    }
}
