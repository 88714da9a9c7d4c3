/// Space scenes: nebula, star field, a planet with rings.
extension SceneRenderer {
    /// The colour of a space scene at a point.
    @inline(__always)
    func spaceColor(sx: Float, sy: Float) -> SIMD4<Float> {
        let p = palette
        var c = FastMath.mix(p.zenith, p.zenith * 0.4, FastMath.clamp(sy))
        let phase = spec.phases[7]
        let px = sx * 1.5 + phase
        let py = sy * 1.5 + phase * 0.37
        let qx = Noise.fbm(px, py, octaves: 4, seed: 3)
        let qy = Noise.fbm(px + 5.2, py + 1.3, octaves: 4, seed: 4)
        let n = Noise.fbm(px + qx * 1.7, py + qy * 1.7, octaves: spec.recipe.style == .minimal ? 3 : 5, seed: 5) * 0.5 + 0.5
        let density = FastMath.smoothstep(0.38, 0.85, n)
        let hue = FastMath.clamp(qx * 0.9 + 0.5)
        let nebula = FastMath.mix(p.skyMid, p.horizon, hue)
        c += nebula * density * 1.1
        c += p.glow * density * density * density * 0.8
        let dust = FastMath.smoothstep(0.1, 0.5, qy) * FastMath.smoothstep(0.5, 0.75, n)
        c = c * (1 - dust * 0.45)
        c += starField(sx: sx, sy: sy, scale: 0.8) * (1 - density * 0.4)
        c += starField(sx: sx + 17, sy: sy + 3, scale: 2.4) * 0.9

        if features.planet {
            c = planet(c, sx: sx, sy: sy)
        }
        if showSun {
            let dx = sx - sunX, dy = sy - sunY
            let d2 = dx * dx + dy * dy
            c += p.sun * (FastMath.exp(-d2 / (sunRadius * sunRadius * 0.5)) * 1.2 + FastMath.exp(-d2.squareRoot() / (sunRadius * 3)) * 0.4)
        }
        c.w = 0
        return c
    }

    @inline(__always)
    private func planet(_ background: SIMD4<Float>, sx: Float, sy: Float) -> SIMD4<Float> {
        let p = palette
        let cx = spec.subjectX * spec.aspect
        let cy: Float = 0.58 + (spec.subjectX - 0.5) * 0.3
        let r: Float = 0.3 * spec.subjectScale
        let dx = sx - cx
        let dy = sy - cy
        let d = (dx * dx + dy * dy).squareRoot()
        let aa = view.unitsPerPixel
        var c = background
        // Ring plane, tilted.
        let tilt: Float = 0.22
        let cosA: Float = 0.96, sinA: Float = -0.28
        let rx = dx * cosA - dy * sinA
        let ry = (dx * sinA + dy * cosA) / tilt
        let q = (rx * rx + ry * ry).squareRoot() / r
        let hasRing = (spec.layoutSeed >> 3) & 1 == 0
        var ringColor = SIMD4<Float>.zero
        var ringAlpha: Float = 0
        if hasRing && q > 1.3 && q < 2.15 {
            let bands = 0.5 + 0.5 * Noise.noise(q * 28, seed: 13)
            ringAlpha = bands * FastMath.smoothstep(1.3, 1.4, q) * FastMath.smoothstep(2.15, 2.0, q) * 0.85
            ringColor = FastMath.mix(p.glow, p.sun, bands) * 0.9
        }
        let ringInFront = ry > 0
        if ringAlpha > 0 && !ringInFront { c = FastMath.mix(c, ringColor, ringAlpha) }
        if d < r + aa {
            let nx = dx / r, ny = dy / r
            let nz = max(0, 1 - nx * nx - ny * ny).squareRoot()
            let lx: Float = spec.sunX < 0.5 ? -0.62 : 0.62
            let light = max(0, nx * lx - ny * 0.42 + nz * 0.66)
            let lat = ny * 5 + 0.6 * Noise.fbm(nx * 3 + spec.phases[7], ny * 12, octaves: 4, seed: 21)
            let band = 0.5 + 0.5 * FastMath.sin(lat * 2.1)
            var surface = FastMath.mix(p.horizon, p.skyMid, band)
            surface = FastMath.mix(surface, p.glow, 0.25 * Noise.fbm(nx * 6, ny * 20, octaves: 3, seed: 22) + 0.1)
            var planet = surface * (0.05 + 1.05 * light)
            let rim = FastMath.pow(1 - nz, 3)
            planet += p.accent2 * rim * 0.55 * FastMath.clamp(light * 2 + 0.2)
            let coverage = FastMath.clamp((r - d) / aa + 0.5)
            c = FastMath.mix(c, planet, coverage)
        } else {
            // Thin atmosphere halo.
            c += p.accent2 * FastMath.exp(-(d - r) / 0.012) * 0.35
        }
        if ringAlpha > 0 && ringInFront { c = FastMath.mix(c, ringColor, ringAlpha) }
        return c
    }
}
