import JourneymanImaging

/// Turns a rendered canvas into the final 8-bit picture: the medium's filter (watercolour,
/// oil, pixel art, sketch...), colour grade, `--no` hue removal, vignette and grain.
struct Finisher: Sendable {
    /// The picture's parameters.
    let spec: TileSpec

    /// Finishes `canvas`; `checkpoint` may throw to cancel.
    func finish(_ canvas: Canvas, checkpoint: (Int) throws -> Void) throws -> RGBAImage {
        var work = canvas
        let amount = spec.recipe.styleAmount
        switch spec.recipe.style {
        case .watercolor: work = StyleFilters.watercolor(work, amount: amount, seed: seed)
        case .oil: work = StyleFilters.oil(work, amount: amount, seed: seed)
        case .pixel: work = StyleFilters.pixelate(work, amount: amount)
        case .sketch: work = StyleFilters.sketch(work, amount: amount, keepColor: !spec.recipe.grayscale, seed: seed)
        case .illustration: work = StyleFilters.cel(work, amount: amount)
        case .minimal: work = StyleFilters.posterize(work, levels: 6, amount: amount)
        case .painterly: break
        case .photo: break
        }
        try checkpoint(0)
        grade(&work)
        return work.toImage()
    }

    private var seed: UInt32 { UInt32(truncatingIfNeeded: spec.layoutSeed >> 16) }

    /// Contrast, saturation, split toning, hue exclusion, vignette and grain, in place.
    private func grade(_ canvas: inout Canvas) {
        let recipe = spec.recipe
        let k = recipe.styleAmount
        let contrast: Float = 1 + 0.14 * k
        var saturation = recipe.saturation * (0.88 + 0.14 * k)
        if recipe.style == .sketch { saturation = 1 }
        let grayscale = recipe.grayscale
        let excluded = recipe.excluded
        let shadowTint = recipe.palette.zenith
        let lightTint = recipe.palette.glow
        let split: Float = recipe.style == .sketch || recipe.style == .pixel ? 0 : 0.06 * k
        let grainAmount: Float
        switch recipe.style {
        case .photo: grainAmount = 0.035
        case .minimal, .pixel, .illustration: grainAmount = 0.0
        case .sketch, .watercolor: grainAmount = 0.008
        default: grainAmount = 0.018
        }
        let vignetteAmount: Float =
            recipe.style == .minimal || recipe.style == .pixel || recipe.subject == .abstract ? 0.08 : 0.17 * min(1.2, k)
        let w = canvas.width
        let h = canvas.height
        let cx = Float(w) / 2, cy = Float(h) / 2
        let norm = 1 / (cx * cx + cy * cy)
        let grainSeed = seed
        // The default painterly finish: a faint canvas weave instead of photographic grain.
        let weave: Float = recipe.style == .painterly ? 0.03 * min(k, 1.3) : 0
        let unit = Float(max(w, h)) / 1024
        canvas.pixels.withUnsafeMutableBufferPointer { px in
            for y in 0..<h {
                let dy = Float(y) - cy
                for x in 0..<w {
                    var c = px[y * w + x]
                    // S-curve contrast around mid grey.
                    c = (c - SIMD4(repeating: 0.5)) * contrast + SIMD4(repeating: 0.5)
                    c = ColorMath.clamp(c, 0, 1.2)
                    let l = ColorMath.luma(c)
                    c = SIMD4(repeating: l) + (c - SIMD4(repeating: l)) * saturation
                    // Split toning: shadows toward the sky's top, highlights toward the glow.
                    if split > 0 {
                        let shadow = FastMath.clamp(1 - l * 2)
                        let light = FastMath.clamp(l * 2 - 1)
                        c += (shadowTint - SIMD4(repeating: 0.3)) * shadow * split + (lightTint - SIMD4(repeating: 0.6)) * light * split
                    }
                    if grayscale {
                        let g = ColorMath.luma(c)
                        c = SIMD4(g * 1.02, g, g * 0.97, 0)
                    }
                    let dx = Float(x) - cx
                    let r2 = (dx * dx + dy * dy) * norm
                    c = c * (1 - vignetteAmount * r2 * r2 * 1.3)
                    if weave > 0 {
                        let fx = Float(x) / unit, fy = Float(y) / unit
                        c = c * (1 + weave * Noise.noise(fx * 0.7, fy * 0.7, seed: grainSeed))
                    }
                    if grainAmount > 0 {
                        let n = FastMath.hashUnit(Int32(x), Int32(y), grainSeed) - 0.5
                        c += SIMD4(repeating: n * grainAmount * 2)
                    }
                    c = ColorMath.clamp(c, 0, 1)
                    if !excluded.isEmpty {
                        c = Finisher.removeHues(c, excluded)
                    }
                    px[y * w + x] = c
                }
            }
        }
    }

    /// Desaturates a colour whose hue lies in (or near) an excluded family.
    @inline(__always)
    static func removeHues(_ color: SIMD4<Float>, _ excluded: [HueFamily]) -> SIMD4<Float> {
        let hsv = ColorMath.toHSV(color)
        if hsv.s < 0.06 { return color }
        var keep: Float = 1
        for family in excluded {
            if family == .brown {
                if family.contains(h: hsv.h, s: hsv.s, v: hsv.v) { keep = min(keep, 0.15) }
                continue
            }
            let d = family.distance(toHue: hsv.h)
            keep = min(keep, FastMath.smoothstep(0, 14, d))
        }
        if keep >= 1 { return color }
        let s = min(hsv.s * keep, keep < 0.01 ? 0.06 : 1)
        var out = ColorMath.hsv(hsv.h, s, hsv.v)
        out.w = 0
        return out
    }
}
