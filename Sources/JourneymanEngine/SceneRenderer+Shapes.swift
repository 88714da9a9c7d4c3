/// Small objects over the layers: lighthouse, boat, figures, birds.
extension SceneRenderer {
    /// Composites the shapes attached after layer `afterLayer` over `color`.
    @inline(__always)
    func drawShapes(_ color: SIMD4<Float>, afterLayer: Int, sx: Float, sy: Float) -> SIMD4<Float> {
        if shapes.isEmpty { return color }
        var c = color
        for shape in shapes where shape.afterLayer == afterLayer {
            if sx < shape.minX || sx > shape.maxX || sy < shape.minY || sy > shape.maxY { continue }
            c = drawShape(shape, over: c, sx: sx, sy: sy)
        }
        return c
    }

    private func drawShape(_ shape: SceneShape, over color: SIMD4<Float>, sx: Float, sy: Float) -> SIMD4<Float> {
        // Local coordinates: u to the right, v up from the base, in units of the shape's size.
        var u = (sx - shape.x) / shape.size
        let v = (shape.y - sy) / shape.size
        if shape.flip && shape.kind != .lighthouse && shape.kind != .castle { u = -u }
        switch shape.kind {
        case .castle, .house, .pagoda, .palm:
            return drawStructure(shape, over: color, u: u, v: v, sx: sx)
        case .bust, .catHead, .dogHead:
            return drawPortrait(shape, over: color, u: u, v: v)
        default:
            break
        }
        let pixel = view.unitsPerPixel / shape.size
        let d = distance(shape.kind, u, v)
        let coverage = FastMath.clamp(0.5 - d / pixel)
        var color = color
        if shape.kind == .person || shape.kind == .cat || shape.kind == .dog {
            // A soft back-light halo makes the figure read against dark ground.
            let night: Float = spec.recipe.time == .day ? 0.1 : 0.3
            color += palette.glow * FastMath.exp(-max(d, 0) / 0.12) * night * (1 - coverage)
        }
        if coverage <= 0 { return color }
        var fill = shape.color
        switch shape.kind {
        case .lighthouse:
            fill = lighthouseColor(u: u, v: v, d: d)
        case .boat:
            if v > 0.14 {
                let sail = FastMath.mix(palette.cloudLight, palette.fog, 0.4) * (0.55 + 0.45 * lightStrength)
                fill = FastMath.mix(shape.color, sail, 0.8 * (0.4 + 0.6 * lightStrength))
            }
        case .bust:
            // A softly modelled form: pseudo-normals from the distance field, lit from the light's side.
            let e: Float = 0.012
            let gx = (distance(.bust, u + e, v) - distance(.bust, u - e, v)) / (2 * e)
            let gy = (distance(.bust, u, v + e) - distance(.bust, u, v - e)) / (2 * e)
            let depth = FastMath.clamp(-d / 0.09)
            let facing = depth.squareRoot()
            var nx = gx * (1 - facing), ny = gy * (1 - facing), nz = facing + 0.05
            let len = (nx * nx + ny * ny + nz * nz).squareRoot()
            nx /= len; ny /= len; nz /= len
            let side = FastMath.clamp((sunX - shape.x) * 4, -1, 1) * (shape.flip ? -1 : 1)
            let lambert = max(0, nx * side * 0.62 + ny * 0.35 + nz * 0.7)
            let base = FastMath.mix(shape.color, palette.glow, 0.18)
            fill = base * (0.35 + 0.9 * lambert)
            let rim = FastMath.exp(d / 0.015) * FastMath.clamp(nx * side + 0.2)
            fill += palette.glow * rim * (0.3 + rimStrength * 1.5)
            // Hair: darker, with a sheen.
            let hair = FastMath.smoothstep(0.66, 0.74, v + 0.12 * abs(u)) * FastMath.smoothstep(0.3, 0.5, v)
            fill = FastMath.mix(fill, shape.color * (0.5 + 0.5 * lambert), hair * 0.8)
        default:
            // Rim light on the side facing the sun.
            let side = FastMath.clamp((sunX - sx) * 6, -1, 1)
            let lu = shape.flip ? -side : side
            let eps: Float = 0.02
            let d2 = distance(shape.kind, u + lu * eps, v + 0.3 * eps)
            let facing = FastMath.clamp((d2 - d) / eps)
            let edge = FastMath.exp(d / (shape.kind == .bust ? 0.02 : 0.05))
            fill += palette.glow * facing * edge * (0.25 + rimStrength * 1.6)
        }
        fill.w = 0
        return color + (fill - color) * coverage
    }

    /// Signed distance of a shape in its local units.
    @inline(__always)
    private func distance(_ kind: SceneShape.Kind, _ u: Float, _ v: Float) -> Float {
        typealias S = SignedDistance
        switch kind {
        case .lighthouse:
            var d = S.trapezoid(u, v, 0, 0, 0.09, 0.72, 0.062)
            d = min(d, S.box(u, v, 0, 0.735, 0.085, 0.014))
            d = min(d, S.box(u, v, 0, 0.81, 0.05, 0.065))
            d = min(d, S.triangle(u, v, -0.065, 0.87, 0.065, 0.87, 0, 0.96))
            d = min(d, S.capsule(u, v, 0, 0.95, 0, 1.0, 0.006))
            return d
        case .boat:
            var d = S.trapezoid(u, v, 0, 0, 0.36, 0.12, 0.5)
            d = min(d, S.capsule(u, v, 0.02, 0.1, 0.02, 1.02, 0.012))
            d = min(d, S.triangle(u, v, 0.05, 0.17, 0.05, 1.0, 0.42, 0.17))
            d = min(d, S.triangle(u, v, -0.01, 0.2, -0.01, 0.86, -0.34, 0.2))
            return d
        case .person:
            var d = S.circle(u, v, 0, 0.9, 0.062)
            d = min(d, S.capsule(u, v, 0, 0.84, 0, 0.8, 0.03))
            d = min(d, S.trapezoid(u, v, 0, 0.42, 0.12, 0.8, 0.085))
            d = min(d, S.capsule(u, v, -0.075, 0.76, 0.075, 0.76, 0.04))
            d = min(d, S.capsule(u, v, -0.1, 0.74, -0.125, 0.48, 0.026))
            d = min(d, S.capsule(u, v, 0.1, 0.74, 0.125, 0.48, 0.026))
            d = min(d, S.capsule(u, v, -0.04, 0.44, -0.05, 0.02, 0.03))
            d = min(d, S.capsule(u, v, 0.04, 0.44, 0.05, 0.02, 0.03))
            return d
        case .cat:
            var d = S.ellipse(u, v, 0, 0.26, 0.34, 0.27)
            d = smoothMin(d, S.ellipse(u, v, 0, 0.5, 0.22, 0.24), 0.08)
            d = smoothMin(d, S.circle(u, v, 0, 0.8, 0.19), 0.05)
            d = min(d, S.triangle(u, v, -0.18, 0.84, -0.04, 0.92, -0.16, 1.06))
            d = min(d, S.triangle(u, v, 0.18, 0.84, 0.04, 0.92, 0.16, 1.06))
            d = min(d, S.capsule(u, v, 0.25, 0.04, 0.52, 0.03, 0.045))
            d = min(d, S.capsule(u, v, 0.52, 0.03, 0.66, 0.16, 0.042))
            return d
        case .dog:
            var d = S.ellipse(u, v, 0.02, 0.36, 0.24, 0.34)
            d = smoothMin(d, S.ellipse(u, v, -0.2, 0.2, 0.26, 0.2), 0.06)
            d = smoothMin(d, S.capsule(u, v, 0.06, 0.55, 0.16, 0.86, 0.1), 0.06)
            d = smoothMin(d, S.circle(u, v, 0.18, 0.92, 0.12), 0.04)
            d = min(d, S.capsule(u, v, 0.2, 0.9, 0.44, 0.86, 0.05))
            d = min(d, S.triangle(u, v, 0.08, 0.98, 0.18, 1.0, 0.1, 1.16))
            d = min(d, S.capsule(u, v, 0.14, 0.42, 0.16, 0.02, 0.045))
            d = min(d, S.capsule(u, v, -0.4, 0.12, -0.66, 0.08, 0.05))
            return d
        case .bust:
            var d = S.ellipse(u, v, 0, 0.64, 0.16, 0.21)
            d = smoothMin(d, S.ellipse(u, v, -0.02, 0.69, 0.21, 0.24), 0.02)
            d = smoothMin(d, S.ellipse(u, v, -0.06, 0.5, 0.2, 0.26), 0.05)
            d = smoothMin(d, S.box(u, v, 0, 0.36, 0.065, 0.1), 0.05)
            d = smoothMin(d, S.ellipse(u, v, 0, 0.0, 0.5, 0.3), 0.12)
            return d
        case .catHead, .dogHead:
            return portraitDistance(kind, u, v)
        case .castle, .house, .pagoda, .palm:
            return structureDistance(kind, u, v)
        case .bird:
            let flap = 0.15 * u * u
            let left = S.capsule(u, v, 0, 0, -0.55, 0.3 - flap, 0.07)
            let right = S.capsule(u, v, 0, 0, 0.55, 0.3 - flap, 0.07)
            return min(left, right)
        }
    }

    @inline(__always)
    private func smoothMin(_ a: Float, _ b: Float, _ k: Float) -> Float {
        let h = FastMath.clamp(0.5 + 0.5 * (b - a) / k)
        return b + (a - b) * h - k * h * (1 - h)
    }

    private func lighthouseColor(u: Float, v: Float, d: Float) -> SIMD4<Float> {
        let side: Float = sunX > 0 ? 1 : -1
        let shade = 0.75 + 0.35 * FastMath.clamp(u / 0.09 * side) * lightStrength
        let dark = spec.recipe.time.isDark
        if v > 0.745 && v < 0.875 && abs(u) < 0.042 {
            // Lantern room: bright glass.
            return FastMath.mix(palette.accent, SIMD4(1, 1, 0.95, 1), 0.45) * 1.1
        }
        if v < 0.72 {
            let band = Int((v / 0.72 * 5).rounded(.down))
            let white = FastMath.mix(SIMD4<Float>(0.93, 0.92, 0.9, 1), palette.fog, 0.25)
            let red = FastMath.mix(SIMD4<Float>(0.78, 0.16, 0.14, 1), palette.near, 0.2)
            var body = band % 2 == 0 ? white : red
            if !spec.recipe.excluded.isEmpty { body = white }
            body = body * shade * (dark ? 0.45 : 1)
            return FastMath.mix(body, palette.near, dark ? 0.5 : 0.1)
        }
        return palette.near * 0.8
    }
}
