/// Abstract scenes: geometric poster compositions or marbled colour flows.
extension SceneRenderer {
    /// The colour of an abstract scene at a point.
    @inline(__always)
    func abstractColor(sx: Float, sy: Float) -> SIMD4<Float> {
        features.fluid ? fluid(sx: sx, sy: sy) : geometric(sx: sx, sy: sy)
    }

    @inline(__always)
    private func ramp(_ t: Float) -> SIMD4<Float> {
        let p = palette
        let stops = (p.zenith, p.skyMid, p.horizon, p.glow, p.accent2)
        let x = FastMath.clamp(t) * 4
        if x < 1 { return FastMath.mix(stops.0, stops.1, FastMath.smoothstep(0, 1, x)) }
        if x < 2 { return FastMath.mix(stops.1, stops.2, FastMath.smoothstep(1, 2, x)) }
        if x < 3 { return FastMath.mix(stops.2, stops.3, FastMath.smoothstep(2, 3, x)) }
        return FastMath.mix(stops.3, stops.4, FastMath.smoothstep(3, 4, x))
    }

    @inline(__always)
    private func fluid(sx: Float, sy: Float) -> SIMD4<Float> {
        let phase = spec.phases[6]
        let px = sx * 1.3 + phase
        let py = sy * 1.3 + phase * 0.61
        let qx = Noise.fbm(px, py, octaves: 4, seed: 31)
        let qy = Noise.fbm(px + 5.2, py + 1.3, octaves: 4, seed: 32)
        let rx = Noise.fbm(px + 3.5 * qx + 1.7, py + 3.5 * qy + 9.2, octaves: 4, seed: 33)
        let t = 0.5 + 1.05 * rx
        var c = ramp(t)
        // Fine marbling veins along the flow.
        let vein = abs(FastMath.sin((rx * 9 + qx * 3) * 3.14159))
        c = c * (0.9 + 0.12 * FastMath.smoothstep(0.0, 0.25, vein))
        c += palette.sun * FastMath.smoothstep(0.06, 0.0, vein) * 0.25
        c.w = 0
        return c
    }

    @inline(__always)
    private func geometric(sx: Float, sy: Float) -> SIMD4<Float> {
        let p = palette
        var c = FastMath.mix(p.fog, p.fog * 0.9, FastMath.clamp(sy))
        let aa = view.unitsPerPixel
        for (i, shape) in abstractShapes.enumerated() {
            let x = shape.x, y = shape.y, size = shape.size
            var d: Float
            switch shape.kind {
            case 0:
                d = SignedDistance.circle(sx, sy, x, y, size)
            case 1:
                let disc = SignedDistance.circle(sx, sy, x, y, size)
                let o = shape.orientation
                let cut = o < 2 ? (o == 0 ? y - sy : sy - y) : (o == 2 ? x - sx : sx - x)
                d = max(disc, cut)
            case 2:
                d = SignedDistance.box(sx, sy, x, y, size * 0.8, size * 0.45)
            case 3:
                d = abs(SignedDistance.circle(sx, sy, x, y, size)) - size * 0.12
            default:
                let box = SignedDistance.box(sx, sy, x, y, size * 0.7, size * 0.7)
                let u = (sx + sy) / (size * 0.25)
                let stripe = (abs(u - u.rounded(.toNearestOrEven)) - 0.25) * size * 0.25
                d = max(box, stripe)
            }
            // Soft drop shadow below-right, then the shape itself.
            if d < 0.04 {
                let shadow = FastMath.smoothstep(0.035, -0.01, d - 0.006) * 0.13
                c = c * (1 - shadow)
            }
            let coverage = FastMath.clamp(0.5 - d / aa)
            if coverage > 0 {
                let grain = 1 + 0.035 * Noise.noise(sx * 140, sy * 140, seed: UInt32(i))
                c = FastMath.mix(c, shape.color * grain, coverage * 0.96)
            }
        }
        c.w = 0
        return c
    }

    /// Lays out the geometric composition (deterministic in the layout seed, drifting with phase 6).
    static func makeAbstractShapes(spec: TileSpec, palette p: Palette) -> [AbstractShape] {
        let frame = spec.aspect
        let colors = [p.horizon, p.glow, p.skyMid, p.accent2, p.near, p.zenith, p.sun]
        var rng = SplitMix64(seed: spec.layoutSeed)
        let count = 7 + rng.index(4)
        var shapes: [AbstractShape] = []
        for i in 0..<count {
            let kind = rng.index(5)
            let drift = Noise.noise(spec.phases[6] + Float(i) * 1.7, seed: 5) * 0.05
            let x = Float(rng.range(0.12, 0.88)) * frame + drift
            let y = Float(rng.range(0.12, 0.88)) - drift
            let size = Float(rng.range(0.08, 0.3)) * (i == 0 ? 1.7 : 1)
            shapes.append(
                AbstractShape(
                    kind: i == 0 ? 0 : kind, x: x, y: y, size: size,
                    color: colors[(i + rng.index(colors.count)) % colors.count], orientation: rng.index(4)))
        }
        return shapes
    }
}
