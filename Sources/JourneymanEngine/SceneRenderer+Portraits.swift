/// Frame-filling portraits: a person's head and shoulders, a cat's or a dog's head and chest.
/// Each is a signed-distance silhouette shaded with pseudo-normals, fur or hair texture, a rim
/// light from the glow's side, and eyes that catch the light.
extension SceneRenderer {
    /// Composites a portrait shape over `color` at local coordinates (u, v) (v up from the base).
    func drawPortrait(_ shape: SceneShape, over color: SIMD4<Float>, u: Float, v: Float) -> SIMD4<Float> {
        let pixel = view.unitsPerPixel / shape.size
        let kind = shape.kind
        let d = portraitDistance(kind, u, v)
        var out = color
        // Soft back-light halo so a dark coat reads against a dark ground.
        out += palette.glow * FastMath.exp(-max(d, 0) / 0.06) * 0.16
        let coverage = FastMath.clamp(0.5 - d / pixel)
        if coverage > 0 {
            var fill = portraitShade(shape, u: u, v: v, d: d)
            fill.w = 0
            out = out + (fill - out) * coverage
        }
        if kind == .catHead {
            out = whiskers(out, u: u, v: v, pixel: pixel)
        }
        return out
    }

    /// Signed distance of a portrait silhouette.
    @inline(__always)
    func portraitDistance(_ kind: SceneShape.Kind, _ u: Float, _ v: Float) -> Float {
        typealias S = SignedDistance
        switch kind {
        case .catHead:
            var head = S.ellipse(u, v, 0, 0.72, 0.27, 0.22)
            head = smoothMinimum(head, S.ellipse(u, v, 0, 0.63, 0.31, 0.14), 0.05)
            let ears =
                min(
                    S.triangle(u, v, -0.28, 0.74, -0.05, 0.9, -0.24, 1.1),
                    S.triangle(u, v, 0.28, 0.74, 0.05, 0.9, 0.24, 1.1)) - 0.01
            head = smoothMinimum(head, ears, 0.03)
            var body = S.ellipse(u, v, 0, 0.02, 0.5, 0.42)
            body = smoothMinimum(body, S.ellipse(u, v, 0, 0.38, 0.2, 0.2), 0.1)
            return smoothMinimum(head, body, 0.08)
        case .dogHead:
            var head = S.ellipse(u, v, 0, 0.74, 0.22, 0.21)
            head = smoothMinimum(head, S.ellipse(u, v, 0, 0.58, 0.13, 0.11), 0.06)
            let ears = min(S.ellipse(u, v, -0.24, 0.66, 0.075, 0.17), S.ellipse(u, v, 0.24, 0.66, 0.075, 0.17))
            head = smoothMinimum(head, ears, 0.04)
            var body = S.ellipse(u, v, 0, 0.02, 0.5, 0.42)
            body = smoothMinimum(body, S.ellipse(u, v, 0, 0.38, 0.19, 0.22), 0.1)
            return smoothMinimum(head, body, 0.08)
        default:
            // Person: head with jaw and ears, hair volume, neck, sloping shoulders.
            var head = S.ellipse(u, v, 0, 0.67, 0.14, 0.19)
            head = smoothMinimum(head, S.ellipse(u, v, 0, 0.58, 0.1, 0.12), 0.04)
            head = min(head, S.ellipse(u, v, -0.14, 0.65, 0.025, 0.045))
            head = min(head, S.ellipse(u, v, 0.14, 0.65, 0.025, 0.045))
            let hair = hairDistance(u, v)
            let neck = S.box(u, v, 0, 0.42, 0.065, 0.12)
            var torso = S.ellipse(u, v, 0, 0.02, 0.48, 0.28)
            torso = smoothMinimum(torso, S.capsule(u, v, -0.3, 0.18, 0.3, 0.18, 0.1), 0.08)
            let body = smoothMinimum(torso, neck, 0.07)
            return min(smoothMinimum(head, body, 0.03), hair)
        }
    }

    /// The hair mass of the person portrait: a crown and, for half the pictures, hair to the shoulders.
    @inline(__always)
    private func hairDistance(_ u: Float, _ v: Float) -> Float {
        var hair = SignedDistance.ellipse(u, v, 0, 0.73, 0.165, 0.19)
        if (spec.layoutSeed >> 9) & 1 == 1 {
            hair = smoothMinimum(hair, SignedDistance.box(u, v, 0, 0.52, 0.17, 0.2) - 0.02, 0.05)
        }
        return hair
    }

    @inline(__always)
    private func smoothMinimum(_ a: Float, _ b: Float, _ k: Float) -> Float {
        let h = FastMath.clamp(0.5 + 0.5 * (b - a) / k)
        return b + (a - b) * h - k * h * (1 - h)
    }

    /// Lit colour inside a portrait silhouette.
    private func portraitShade(_ shape: SceneShape, u: Float, v: Float, d: Float) -> SIMD4<Float> {
        let kind = shape.kind
        let e: Float = 0.012
        let gx = (portraitDistance(kind, u + e, v) - portraitDistance(kind, u - e, v)) / (2 * e)
        let gy = (portraitDistance(kind, u, v + e) - portraitDistance(kind, u, v - e)) / (2 * e)
        let facing = FastMath.clamp(-d / 0.1).squareRoot()
        var nx = gx * (1 - facing), ny = gy * (1 - facing), nz = facing + 0.05
        let len = max((nx * nx + ny * ny + nz * nz).squareRoot(), 1e-4)
        nx /= len; ny /= len; nz /= len
        let side = FastMath.clamp((sunX - shape.x) * 4, -1, 1) * (shape.flip ? -1 : 1)
        let lambert = max(0, nx * side * 0.6 + ny * 0.35 + nz * 0.7)
        let ambient: Float = 0.28 + 0.12 * lightStrength
        let rim = FastMath.exp(d / 0.02) * FastMath.clamp(nx * side + 0.3)
        var base: SIMD4<Float>
        switch kind {
        case .catHead, .dogHead:
            base = shape.color
            // Fur: fine strands running down and outward from the face.
            let strand = Noise.noise(u * 70 + v * 12 * (u > 0 ? 1 : -1), v * 18, seed: 31)
            base = base * (1 + 0.12 * strand)
            // Lighter muzzle and chest on most coats.
            let muzzle =
                kind == .catHead
                ? min(SignedDistance.ellipse(u, v, -0.035, 0.605, 0.045, 0.03), SignedDistance.ellipse(u, v, 0.035, 0.605, 0.045, 0.03))
                : SignedDistance.ellipse(u, v, 0, 0.57, 0.1, 0.08)
            let chest = SignedDistance.ellipse(u, v, 0, 0.2, 0.16, 0.22)
            let chestPatch = ColorMath.luma(shape.color) > 0.15 ? chest : 1
            let pale = FastMath.smoothstep(0.02, -0.02, min(muzzle, chestPatch)) * 0.3
            base = FastMath.mix(base, FastMath.mix(base, SIMD4(0.92, 0.9, 0.86, 1), 0.6), pale)
        default:
            let skin = FastMath.mix(ColorMath.rgb(198, 150, 120), palette.glow, 0.15)
            let clothing = FastMath.mix(palette.near, palette.accent2, 0.18) * 0.8
            base = v < 0.3 || (v < 0.34 && abs(u) > 0.08) ? clothing : skin
            let hair = hairDistance(u, v)
            let face = SignedDistance.ellipse(u, v, 0, 0.63, 0.12, 0.15)
            let hairMask = FastMath.smoothstep(0.006, -0.006, hair) * FastMath.smoothstep(-0.01, 0.01, face - 0.01 * (v - 0.7))
            let strands = Noise.noise(u * 120, v * 14, seed: 17)
            base = FastMath.mix(base, spec.recipe.coat * 0.75 + SIMD4(repeating: 0.04 * strands), hairMask)
        }
        var fill = base * (ambient + 0.95 * lambert * (0.5 + 0.5 * lightStrength))
        fill += FastMath.mix(palette.glow, SIMD4(1, 1, 1, 1), 0.2) * rim * (0.35 + rimStrength * 1.6)
        switch kind {
        case .catHead: fill = catFeatures(fill, u: u, v: v, shape: shape)
        case .dogHead: fill = dogFeatures(fill, u: u, v: v)
        default: fill = personFeatures(fill, u: u, v: v, base: base)
        }
        return fill
    }

    /// Cat eyes with slit pupils and highlights, pink inner ears, nose and mouth.
    private func catFeatures(_ color: SIMD4<Float>, u: Float, v: Float, shape: SceneShape) -> SIMD4<Float> {
        var c = color
        let pixel = view.unitsPerPixel / shape.size
        // Inner ears.
        let inner = min(
            SignedDistance.triangle(u, v, -0.24, 0.78, -0.09, 0.89, -0.22, 1.04),
            SignedDistance.triangle(u, v, 0.24, 0.78, 0.09, 0.89, 0.22, 1.04))
        c = FastMath.mix(c, FastMath.mix(c, ColorMath.rgb(150, 90, 96), 0.45), FastMath.clamp(0.5 - inner / pixel) * 0.8)
        for sign in [Float(-1), 1] {
            let ex = sign * 0.105, ey: Float = 0.735
            let lx = (u - ex), ly = (v - ey) - sign * lx * 0.25
            let eye = SignedDistance.ellipse(lx, ly, 0, 0, 0.058, 0.036)
            let inside = FastMath.clamp(0.5 - eye / pixel)
            if inside > 0 {
                let r = (lx * lx / (0.058 * 0.058) + ly * ly / (0.036 * 0.036)).squareRoot()
                let iris = FastMath.mix(ColorMath.rgb(226, 196, 60), ColorMath.rgb(110, 150, 40), FastMath.clamp(r))
                var eyeColor = iris * (0.85 + 0.4 * lightStrength)
                let pupil = SignedDistance.ellipse(lx, ly, 0, 0, 0.011, 0.034)
                eyeColor = FastMath.mix(eyeColor, SIMD4(0.02, 0.02, 0.02, 1), FastMath.clamp(0.5 - pupil / pixel))
                let glint = SignedDistance.circle(lx, ly, 0.017, 0.014, 0.009)
                eyeColor = FastMath.mix(eyeColor, SIMD4(1, 1, 1, 1), FastMath.clamp(0.5 - glint / pixel))
                // A dark rim around the eye.
                eyeColor = eyeColor * (1 - 0.5 * FastMath.smoothstep(0.75, 1, r))
                c = FastMath.mix(c, eyeColor, inside)
            }
        }
        let nose = SignedDistance.triangle(u, v, -0.028, 0.652, 0.028, 0.652, 0, 0.625) - 0.004
        c = FastMath.mix(c, ColorMath.rgb(120, 70, 76), FastMath.clamp(0.5 - nose / pixel))
        let mouth = min(
            SignedDistance.capsule(u, v, 0, 0.628, 0, 0.6, 0.0035),
            min(
                SignedDistance.capsule(u, v, 0, 0.6, -0.035, 0.588, 0.0035),
                SignedDistance.capsule(u, v, 0, 0.6, 0.035, 0.588, 0.0035)))
        c = FastMath.mix(c, c * 0.35, FastMath.clamp(0.5 - mouth / pixel))
        return c
    }

    /// Dog eyes with highlights, a shiny black nose and a mouth line.
    private func dogFeatures(_ color: SIMD4<Float>, u: Float, v: Float) -> SIMD4<Float> {
        var c = color
        let pixel = view.unitsPerPixel * 1.2
        for sign in [Float(-1), 1] {
            let eye = SignedDistance.circle(u, v, sign * 0.09, 0.76, 0.03)
            let inside = FastMath.clamp(0.5 - eye / pixel)
            if inside > 0 {
                var eyeColor = ColorMath.rgb(60, 36, 20)
                let glint = SignedDistance.circle(u, v, sign * 0.09 + 0.01, 0.772, 0.008)
                eyeColor = FastMath.mix(eyeColor, SIMD4(1, 1, 1, 1), FastMath.clamp(0.5 - glint / pixel))
                c = FastMath.mix(c, eyeColor, inside)
            }
        }
        let nose = SignedDistance.ellipse(u, v, 0, 0.615, 0.05, 0.032)
        var noseColor = SIMD4<Float>(0.05, 0.05, 0.06, 1)
        noseColor += SIMD4(repeating: 0.5) * FastMath.exp(-((u + 0.015) * (u + 0.015) + (v - 0.628) * (v - 0.628)) / 0.0001)
        c = FastMath.mix(c, noseColor, FastMath.clamp(0.5 - nose / pixel))
        let mouth = min(
            SignedDistance.capsule(u, v, 0, 0.585, 0, 0.55, 0.004),
            SignedDistance.capsule(u, v, -0.06, 0.54, 0.06, 0.54, 0.004))
        c = FastMath.mix(c, c * 0.3, FastMath.clamp(0.5 - mouth / pixel))
        return c
    }

    /// Soft suggestions of a face: shadowed eye sockets, a nose shadow, a collar line.
    private func personFeatures(_ color: SIMD4<Float>, u: Float, v: Float, base: SIMD4<Float>) -> SIMD4<Float> {
        var c = color
        let sockets = min(SignedDistance.ellipse(u, v, -0.05, 0.68, 0.035, 0.018), SignedDistance.ellipse(u, v, 0.05, 0.68, 0.035, 0.018))
        c = c * (1 - 0.3 * FastMath.smoothstep(0.02, -0.01, sockets))
        let collar = abs(SignedDistance.ellipse(u, v, 0, 0.3, 0.12, 0.06))
        c = c * (1 - 0.35 * FastMath.smoothstep(0.012, 0.0, collar) * (v < 0.33 ? 1 : 0))
        return c
    }

    /// Fine whiskers fanning out from the muzzle, drawn over the silhouette and the background.
    private func whiskers(_ color: SIMD4<Float>, u: Float, v: Float, pixel: Float) -> SIMD4<Float> {
        if v < 0.45 || v > 0.75 || abs(u) < 0.04 || abs(u) > 0.5 { return color }
        let a = abs(u)
        var d: Float = 10
        for (tipY, bend) in [(Float(0.67), Float(0.02)), (0.6, 0.01), (0.53, 0.0)] {
            // A gently curved whisker: a segment whose height sags quadratically.
            let t = FastMath.clamp((a - 0.06) / 0.38)
            let y = 0.608 + (tipY - 0.608) * t - bend * t * t * 2
            d = min(d, abs(v - y) + (a > 0.44 ? (a - 0.44) : 0))
        }
        let width = max(pixel * 0.6, 0.0025)
        let line = FastMath.clamp(1.5 - d / width) * FastMath.smoothstep(0.44, 0.3, a)
        let light = FastMath.mix(SIMD4<Float>(0.95, 0.94, 0.9, 1), palette.glow, 0.2)
        return FastMath.mix(color, light, line * 0.75)
    }
}
