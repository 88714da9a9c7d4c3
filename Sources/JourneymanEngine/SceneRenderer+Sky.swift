/// Sky shading: gradient, sun and moon, glow, clouds, stars and aurora.
extension SceneRenderer {
    /// The plain sky colour at scene height `sy` (no clouds, no sun).
    func skyGradient(_ sy: Float) -> SIMD4<Float> {
        let subject = spec.recipe.subject
        if subject == .space || subject == .abstract { return palette.zenith }
        let t = FastMath.clamp((horizon - sy) / max(horizon, 0.2), -0.2, 1.6)
        let p = palette
        var color: SIMD4<Float>
        if t < 0 {
            color = p.horizon
        } else if t < 0.45 {
            // A band of pure horizon colour, then a short blend into the mid sky.
            let k = FastMath.smoothstep(0.1, 0.45, t)
            color = FastMath.mix(p.horizon, p.skyMid, k)
        } else {
            let k = FastMath.smoothstep(0.45, 1.1, t)
            color = FastMath.mix(p.skyMid, p.zenith, k)
        }
        return color
    }

    /// The full sky at a point: gradient, glow, sun or moon, clouds, stars.
    @inline(__always)
    func sky(sx: Float, sy: Float, base: SIMD4<Float>) -> SIMD4<Float> {
        switch spec.recipe.subject {
        case .space: return spaceColor(sx: sx, sy: sy)
        case .abstract: return abstractColor(sx: sx, sy: sy)
        default: break
        }
        var color = base
        let features = spec.recipe.features
        let aa = view.unitsPerPixel
        let darkness = 1 - FastMath.clamp(ColorMath.luma(base) * 3.2)

        // Stars and aurora first: clouds and glow cover them.
        if features.stars && sy < horizon {
            color += starField(sx: sx, sy: sy, scale: 1) * darkness * FastMath.smoothstep(0, 0.25, horizon - sy)
        }
        if features.aurora && sy < horizon {
            color += aurora(sx: sx, sy: sy)
        }

        // Glow of the sun or moon.
        let dx = sx - sunX
        let dy = sy - sunY
        let d2 = dx * dx + dy * dy
        if showSun || showMoon {
            let strength: Float = showMoon ? 0.35 : 1
            let r = sunRadius
            let halo = FastMath.exp(-d2 / (r * r * 10)) * 0.55 + FastMath.exp(-d2.squareRoot() / (r * 4)) * 0.3
            let band = FastMath.exp(-(sy - horizon) * (sy - horizon) / 0.012) * FastMath.exp(-dx * dx / 0.5)
            color += palette.glow * (halo * 0.75 + band * 0.35) * strength * glowWeight
        }

        // Clouds.
        if spec.cloudCover > 0.01 && sy < horizon + 0.02 {
            color = clouds(color, sx: sx, sy: sy, d2: d2)
        }

        // Sun or moon disc (drawn over thin clouds, softened by them).
        if showSun || showMoon {
            let d = d2.squareRoot()
            let edge = FastMath.clamp((sunRadius - d) / aa + 0.5)
            if edge > 0 {
                var disc = palette.sun
                if showMoon {
                    let n = Noise.fbm((sx - sunX) / sunRadius * 2.2 + 3, (sy - sunY) / sunRadius * 2.2, octaves: 3, seed: 77)
                    disc = disc * (0.86 + 0.14 * n)
                    // Slight limb darkening gives the disc volume.
                    disc = disc * (1 - 0.12 * (d / sunRadius) * (d / sunRadius))
                } else if spec.recipe.subject == .synthwave {
                    let k = FastMath.clamp((sy - (sunY - sunRadius)) / (2 * sunRadius))
                    disc = FastMath.mix(palette.sun, palette.accent, k)
                    let stripe = (sy - sunY) / sunRadius
                    if stripe > 0 {
                        let period: Float = 0.16
                        let phase = (stripe / period) - (stripe / period).rounded(.down)
                        let gap = 0.15 + stripe * 0.45
                        if phase < gap { return color }
                    }
                } else {
                    disc = FastMath.mix(disc, SIMD4(1, 1, 1, 1), 0.25)
                }
                color = FastMath.mix(color, disc, edge)
            }
        }
        if features.fog {
            color = FastMath.mix(color, palette.fog, 0.18 * FastMath.smoothstep(-0.4, 0.05, sy - horizon))
        }
        return color
    }

    /// How strongly the sun's glow shows for this light.
    var glowWeight: Float {
        switch spec.recipe.time {
        case .day: return 0.35
        case .overcast: return 0.2
        case .night: return 0.6
        default: return 0.8
        }
    }

    /// Cloud layer over `color`.
    @inline(__always)
    func clouds(_ color: SIMD4<Float>, sx: Float, sy: Float, d2: Float) -> SIMD4<Float> {
        let scale = spec.cloudScale
        let height = FastMath.clamp(horizon - sy)
        // Flatter, smaller clouds toward the horizon (perspective).
        let squash = 1 + 5 * (1 - FastMath.clamp(height / 0.5))
        let px = sx * 2.0 / scale + spec.phases[0]
        let py = sy * 5.0 * squash / scale + spec.phases[1]
        let octaves = spec.recipe.style == .minimal ? 3 : 4
        let n = Noise.fbm(px, py, octaves: octaves, seed: 11) * 0.5 + 0.5
        let cover = spec.cloudCover
        let threshold = 1 - cover * 0.75 - 0.12
        var density = FastMath.smoothstep(threshold, threshold + 0.28, n)
        density *= FastMath.smoothstep(-0.01, 0.12, height) * (1 - 0.35 * FastMath.smoothstep(0.5, 1, height))
        if density <= 0.002 { return color }
        // Light: sample toward the sun; thinner toward the light means a lit edge.
        let toSunX = sunX - sx
        let toSunY = sunY - sy
        // Near the sun the direction would spin around a point: fade the offset out there.
        let len = max((toSunX * toSunX + toSunY * toSunY).squareRoot(), 0.2)
        let step: Float = 0.06
        let n2 =
            Noise.fbm(
                px + toSunX / len * step * 2.0 / scale, py + toSunY / len * step * 5 * squash / scale,
                octaves: 2, seed: 11) * 0.5 + 0.5
        let lit = FastMath.clamp(0.55 + (n - n2) * 3.2 - density * 0.25)
        var cloud = FastMath.mix(palette.cloudShadow, palette.cloudLight, lit)
        // Silver lining near the sun.
        if showSun {
            let near = FastMath.exp(-d2 / 0.05)
            cloud += palette.glow * near * (1 - density) * 0.9
        }
        let opacity = 0.92 * density
        return FastMath.mix(color, cloud, opacity)
    }

    /// Additive star light at a point (`scale` enlarges the star grid for space scenes).
    @inline(__always)
    func starField(sx: Float, sy: Float, scale: Float) -> SIMD4<Float> {
        let cell: Float = 0.0045 * scale
        let gx = (sx / cell).rounded(.down)
        let gy = (sy / cell).rounded(.down)
        let seed = UInt32(truncatingIfNeeded: spec.layoutSeed) | 1
        let cx = Int32(truncatingIfNeeded: Int(gx))
        let cy = Int32(truncatingIfNeeded: Int(gy))
        let h = FastMath.hash(cx, cy, seed)
        if h & 0xff > 40 { return .zero }
        // Stars sit away from cell edges, so one cell is all a pixel needs to look at.
        let fx = (gx + 0.25 + 0.5 * Float((h >> 8) & 0xff) / 255) * cell
        let fy = (gy + 0.25 + 0.5 * Float((h >> 16) & 0xff) / 255) * cell
        let brightness = Float(h >> 24) / 255
        let b = brightness * brightness * brightness
        let radius = max(view.unitsPerPixel * (0.6 + 1.4 * b), cell * 0.04)
        let ddx = sx - fx
        let ddy = sy - fy
        let d2 = (ddx * ddx + ddy * ddy) / (radius * radius)
        if d2 >= 9 { return .zero }
        let v = FastMath.exp(-d2 * 1.6) * (0.35 + 1.3 * b)
        let kind = (h >> 5) & 3
        let tint: SIMD4<Float> = kind == 0 ? SIMD4(1, 0.85, 0.7, 0) : (kind == 1 ? SIMD4(0.75, 0.85, 1, 0) : SIMD4(1, 1, 1, 0))
        return tint * v
    }

    /// Aurora curtains (additive).
    @inline(__always)
    func aurora(sx: Float, sy: Float) -> SIMD4<Float> {
        let center = horizon * 0.45 + 0.08 * Noise.fbm(sx * 0.9 + spec.phases[2], octaves: 3, seed: 5)
        let h = (center - sy) / 0.22
        if h < -0.6 || h > 1.8 { return .zero }
        let falloff = h < 0 ? FastMath.exp(-h * h * 12) : FastMath.exp(-h * 1.6)
        let streak = 0.45 + 0.55 * (Noise.fbm(sx * 14 + spec.phases[3], sy * 0.8, octaves: 2, seed: 9) * 0.5 + 0.5)
        let green = SIMD4<Float>(0.15, 0.95, 0.55, 0)
        let violet = SIMD4<Float>(0.65, 0.25, 0.85, 0)
        let color = FastMath.mix(green, violet, FastMath.clamp(h * 0.7))
        return color * falloff * streak * 0.65
    }
}
