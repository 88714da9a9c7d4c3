/// Shading of the silhouette layers, water, ground and the synthwave grid.
extension SceneRenderer {
    /// The colour of layer `index` at a pixel it covers.
    @inline(__always)
    func shadeLayer(
        _ index: Int, x: Int, y: Int, sx: Float, sy: Float, profiles: Profiles,
        canvas: UnsafeMutableBufferPointer<SIMD4<Float>>
    ) -> SIMD4<Float> {
        let layer = layers[index]
        let o = layer.offset + x
        let top = profiles.tops[o]
        let t = max(0, sy - top)
        switch layer.kind {
        case .water:
            return water(x: x, y: y, sx: sx, sy: sy, layer: layer, canvas: canvas)
        case .ground:
            return ground(sx: sx, sy: sy, layer: layer)
        case .grid:
            return grid(sx: sx, sy: sy, layer: layer)
        case .shore:
            return shore(x: x, y: y, sx: sx, sy: sy, t: t, layer: layer, canvas: canvas)
        default:
            break
        }
        var c = layer.color
        let side = FastMath.clamp((sunX - sx) * 6, -1, 1)
        let slope = profiles.slopes[o]
        let strength = lightStrength
        let depth = layer.depth
        switch layer.kind {
        case .ridge, .hills, .cliff, .dunes:
            var light = FastMath.clamp(slope * side * 0.5, -1, 1)
            if layer.kind == .dunes {
                return dune(c, index: index, sx: sx, t: t, phase: profiles.auxA[o], side: side, layer: layer)
            }
            if layer.kind == .ridge {
                // Rock faces: the sideways slope of a 2-D height field, lit from the sun's side.
                let e: Float = 0.004
                let fx = sx * 9 + 3, fy = sy * 9
                let h0 = Noise.fbm(fx, fy, octaves: 4, seed: layer.seed)
                let h1 = Noise.fbm(fx + e * 9, fy, octaves: 4, seed: layer.seed)
                let face = FastMath.clamp((h1 - h0) / (e * 9) * 0.35, -1, 1)
                light = light * 0.6 + face * side * 0.9
                light *= FastMath.smoothstep(0.35, 0, t) * 0.7 + 0.3
            } else if layer.kind == .hills {
                // Meadows, copses and field patches on rolling ground lit from the sun's side.
                let patch = Noise.fbm(sx * 7 + 11, sy * 14, octaves: 3, seed: layer.seed)
                c = FastMath.mix(c, c * 0.6 + palette.foliage * 0.4, FastMath.smoothstep(0.0, 0.35, patch))
                let e: Float = 0.02
                let r0 = Noise.fbm(sx * 5, sy * 11, octaves: 2, seed: layer.seed &+ 4)
                let r1 = Noise.fbm(sx * 5 + e * 5, sy * 11, octaves: 2, seed: layer.seed &+ 4)
                let roll = FastMath.clamp((r1 - r0) / (e * 5) * 0.4, -1, 1)
                light += patch * 0.3 + roll * side * 0.6
                let grass = Noise.noise(sx * 160, sy * 160, seed: layer.seed &+ 2)
                // Ambient occlusion: the foot of the slope, away from the sky, is darker.
                let occlusion = 1 - 0.32 * FastMath.smoothstep(0, 0.22, t) * (0.5 + 0.5 * layer.depth)
                c = c * (1 + grass * 0.07 * layer.depth) * occlusion
                // The sunlit crest.
                c += palette.glow * FastMath.exp(-t / 0.012) * 0.1 * lightStrength * FastMath.clamp(0.4 + slope * side)
            } else if layer.kind == .cliff {
                // Rock: lit and shadowed facets, vertical cracks, strata, a dark foot at the water.
                let e: Float = 0.006
                let r0 = Noise.fbm(sx * 22, sy * 9, octaves: 2, seed: layer.seed)
                let r1 = Noise.fbm(sx * 22 + e * 22, sy * 9, octaves: 2, seed: layer.seed)
                let facet = FastMath.clamp((r1 - r0) / (e * 22) * 0.5, -1, 1)
                light += r0 * 0.5 + facet * side * 0.9
                let crack = FastMath.smoothstep(0.06, 0.0, abs(Noise.noise(sx * 70, sy * 5, seed: layer.seed &+ 3)))
                let strata = 0.5 + 0.5 * FastMath.sin(sy * 140 + 4 * r0)
                c = c * (1 - 0.3 * crack) * (0.94 + 0.1 * strata)
                c = c * (1 - 0.4 * FastMath.smoothstep(0.02, 0.3, t))
                c += palette.glow * FastMath.exp(-t / 0.008) * 0.12 * lightStrength
            }
            c = c * (1 + light * strength * (0.35 + 0.25 * (1 - depth)))
            if layer.snow {
                let snowLine = 0.025 + 0.03 * Noise.fbm(sx * 9, sy * 3, octaves: 3, seed: layer.seed &+ 9)
                let cover = FastMath.smoothstep(snowLine, snowLine * 0.55, t) * FastMath.clamp(0.6 + light)
                let snow = FastMath.mix(palette.fog, SIMD4(0.96, 0.97, 1, 1), 0.6) * (0.82 + 0.25 * FastMath.clamp(light + 0.4))
                c = FastMath.mix(c, snow, cover)
            }
            if depth > 0.5 {
                c = c * (1 + 0.07 * Noise.noise(sx * 90, sy * 90, seed: layer.seed))
            }
        case .trees:
            let rel = profiles.auxA[o]
            if rel < 1.5 {
                c = tree(c, rel: rel, packed: profiles.auxB[o], sx: sx, sy: sy, t: t, side: side, layer: layer)
            } else {
                c = c * (1 - 0.3 * FastMath.smoothstep(0, 0.1, t))
            }
        case .buildings:
            c = building(c, sx: sx, sy: sy, t: t, left: profiles.auxA[o], id: profiles.auxB[o], layer: layer)
        default:
            break
        }
        // Rim light on the top edge when the light is behind.
        let rimWidth: Float = 0.0025 + 0.002 * depth
        let rim = FastMath.exp(-t / rimWidth) * rimStrength * (1 - depth * 0.6)
        c += palette.glow * rim
        // Mist pooling at the foot of each layer.
        let mistDepth: Float = 0.05 + 0.22 * (1 - depth)
        c = FastMath.mix(c, palette.fog, FastMath.smoothstep(0, mistDepth, t) * layer.mist * (1 - depth * 0.55) * 0.85)
        c.w = 0
        return c
    }

    /// A conifer: a cone lit from the sun's side, drooping branch tiers with shadow beneath,
    /// needles, and ambient occlusion toward the base.
    @inline(__always)
    private func tree(_ base: SIMD4<Float>, rel: Float, packed: Float, sx: Float, sy: Float, t: Float, side: Float, layer: SceneLayer)
        -> SIMD4<Float>
    {
        let q = (packed / 4).rounded(.down)
        let height = max(q / 2000, 0.01)
        let tip = packed - q * 4 - 1
        let down = FastMath.clamp((sy - tip) / height, 0, 1.5)
        // Cylindrical normal across the cone.
        let r = FastMath.clamp(rel, -1, 1)
        let lit = r * side * 0.8 + (1 - r * r) * 0.25
        var c = base * (1 + lit * lightStrength * 0.5)
        // Branch tiers drooping outward: bright upper surface, dark underside.
        let droop = (sy - tip) - abs(rel) * height * 0.16 * 2.2
        let tier = droop / (height * 0.075)
        let band = tier - tier.rounded(.down)
        let breakup = Noise.noise(sx * 40, sy * 25, seed: layer.seed &+ 3)
        c = c * (0.86 + 0.2 * FastMath.smoothstep(0.95, 0.25, band + 0.3 * breakup))
        let needles = Noise.noise(sx * 200, sy * 90, seed: layer.seed)
        c = c * (1 + needles * (0.06 + 0.08 * layer.depth))
        // Rim where the crown meets the sky, darker trunk zone.
        c += palette.glow * FastMath.exp(-t / 0.004) * 0.12 * (0.3 + lightStrength)
        c = c * (1 - 0.3 * FastMath.smoothstep(0.4, 1.1, down))
        return c
    }

    /// A dune: sunlit windward slope, soft-shadowed slip face behind a sharp crest, wind ripples.
    @inline(__always)
    private func dune(_ base: SIMD4<Float>, index: Int, sx: Float, t: Float, phase: Float, side: Float, layer: SceneLayer) -> SIMD4<Float> {
        let frequency = edges[index].frequency
        // Crest lines curve down-wind below the edge.
        let wander = 0.05 * Noise.noise(sx * 4, t * 8, seed: layer.seed &+ 7)
        var f = phase + t * frequency * 1.6 + wander
        f -= f.rounded(.down)
        let lee = FastMath.smoothstep(0.685, 0.715, f) * (1 - FastMath.smoothstep(0.86, 1.0, f))
        // Which face the sun sees: the windward slope faces left, the slip face right.
        let sunOnLee = FastMath.clamp(0.5 + side * 0.5)
        let shadow = lee * (1 - sunOnLee) + (1 - lee) * sunOnLee * 0.6
        let strength = lightStrength
        var c = base * (1 + 0.18 * strength)
        let shade = FastMath.mix(base * 0.62, palette.zenith * 0.35 + base * 0.45, 0.35)
        c = FastMath.mix(c, shade, shadow * (0.35 + 0.55 * strength))
        // Wind ripples on the open slopes, finer in the distance.
        let scale: Float = 0.35 + layer.depth
        let ripple = FastMath.sin((sx * 150 + t * 620 + 5 * Noise.noise(sx * 5, t * 14, seed: layer.seed)) / scale)
        c = c * (1 - 0.07 * FastMath.smoothstep(0.55, 1, ripple) * (1 - lee) * (0.4 + layer.depth))
        // Brightest just below a sunlit crest; a little grain.
        c += palette.glow * FastMath.exp(-t / 0.006) * 0.14 * strength
        c = c * (1 + 0.03 * Noise.noise(sx * 300, t * 300, seed: layer.seed &+ 1))
        let mistDepth: Float = 0.05 + 0.22 * (1 - layer.depth)
        c = FastMath.mix(c, palette.fog, FastMath.smoothstep(0, mistDepth, t) * layer.mist * (1 - layer.depth * 0.55) * 0.85)
        c.w = 0
        return c
    }

    /// A sandy beach: a foam line at the waterline, wet sand mirroring the sky, then dry sand.
    @inline(__always)
    private func shore(x: Int, y: Int, sx: Float, sy: Float, t: Float, layer: SceneLayer, canvas: UnsafeMutableBufferPointer<SIMD4<Float>>)
        -> SIMD4<Float>
    {
        let dry = layer.color
        let grainNoise = Noise.noise(sx * 260, sy * 260, seed: layer.seed)
        let lace = Noise.fbm(sx * 40, sy * 14, octaves: 2, seed: layer.seed &+ 1)
        let foamEdge: Float = 0.004 + 0.004 * lace
        let wetEdge: Float = 0.035 + 0.02 * lace
        // Wet sand: darker, and a soft mirror of what lies above.
        var reflection = palette.horizon
        let py = y - Int((2 * t) / view.unitsPerPixel)
        if py >= 0 && py < y { reflection = canvas[py * width + x] }
        let wet = FastMath.mix(dry * 0.62, reflection, 0.35)
        var c = FastMath.mix(wet, dry, FastMath.smoothstep(wetEdge * 0.6, wetEdge, t))
        // Dry sand: gentle ripples, darker toward the frame bottom.
        let ripple = FastMath.sin(sy * 420 + 6 * Noise.noise(sx * 6, sy * 6, seed: layer.seed &+ 2))
        c = c * (1 + 0.05 * ripple * FastMath.smoothstep(wetEdge, wetEdge * 2, t)) * (1 + 0.05 * grainNoise)
        c = c * (1 - 0.18 * FastMath.smoothstep(0.05, 0.35, t))
        // Foam: a bright, broken line right at the water's edge.
        let foam = FastMath.smoothstep(foamEdge, foamEdge * 0.4, t) * FastMath.smoothstep(-0.2, 0.25, lace)
        let white = FastMath.mix(palette.cloudLight, SIMD4(1, 1, 1, 1), 0.5) * (0.55 + 0.45 * lightStrength)
        c = FastMath.mix(c, white, foam * 0.9)
        c.w = 0
        return c
    }

    /// How strongly directional light shades surfaces.
    var lightStrength: Float {
        switch spec.recipe.time {
        case .day, .golden: return 1
        case .sunset, .dawn: return 0.75
        case .dusk, .overcast: return 0.4
        case .night: return showMoon ? 0.3 : 0.15
        }
    }

    /// How strong the back-light rim is.
    var rimStrength: Float {
        switch spec.recipe.time {
        case .sunset, .dusk, .golden: return showSun ? 0.35 : 0.15
        case .dawn: return 0.25
        case .night: return showMoon ? 0.15 : 0.05
        default: return 0.08
        }
    }

    @inline(__always)
    private func building(_ base: SIMD4<Float>, sx: Float, sy: Float, t: Float, left: Float, id: Float, layer: SceneLayer) -> SIMD4<Float> {
        var c = base * (1 - 0.25 * FastMath.clamp(t * 3))
        if id < 0 { return c }
        let cell: Float = 0.0035 + layer.depth * 0.005
        let lx = (sx - left) / cell
        let ly = (t - cell * 0.8) / (cell * 1.5)
        if lx < 0.8 || ly < 0 { return c }
        let cx = lx.rounded(.down)
        let cy = ly.rounded(.down)
        let fx = lx - cx
        let fy = ly - cy
        let buildingID = UInt32(id)
        let h = FastMath.hash(Int32(cx), Int32(cy), buildingID &+ layer.seed)
        let inside = fx > 0.28 && fx < 0.78 && fy > 0.25 && fy < 0.78
        let time = spec.recipe.time
        let litChance: UInt32 = time == .night ? 110 : (time == .dusk ? 85 : (time == .sunset ? 40 : 0))
        // Whole floors dark or lit in runs, like real towers.
        let floorMood = FastMath.hash(0, Int32(cy), buildingID) & 0xff
        if inside {
            if (h & 0xff) < litChance && floorMood > 60 {
                let warm = (h >> 9) & 7 != 0
                let glow = (warm ? palette.accent : palette.accent2) * (0.65 + 0.5 * Float((h >> 12) & 0xff) / 255)
                let haze = 0.55 + 0.45 * (1 - layer.mist * (1 - layer.depth))
                c = FastMath.mix(c, glow, 0.85 * haze)
            } else {
                c = c * (time.isDark ? 0.8 : 1.12)
            }
        }
        return c
    }

    @inline(__always)
    private func water(x: Int, y: Int, sx: Float, sy: Float, layer: SceneLayer, canvas: UnsafeMutableBufferPointer<SIMD4<Float>>) -> SIMD4<
        Float
    > {
        let d = max(sy - horizon, 1e-4)
        let near = FastMath.clamp(d / max(1.02 - horizon, 0.1))
        let z = 1 / (d + 0.015)
        let wx = (sx - 0.5 * spec.aspect) * z * 0.5 + spec.phases[5]
        let wz = z * 1.6 + spec.phases[5] * 0.3
        let rough: Float = features.storm ? 3 : 1
        let wave = Noise.fbm(wx * 2.2, wz, octaves: features.storm ? 4 : 3, seed: layer.seed)
        let upp = view.unitsPerPixel
        let rx = sx + wave * (0.003 + near * 0.02) * rough
        let ry = horizon - d * (1 + wave * 0.05 * rough)
        let px = Int(((rx - view.originX) / upp).rounded(.down))
        let py = Int(((ry - view.originY) / upp).rounded(.down))
        var reflection: SIMD4<Float>
        if px >= 0 && px < width && py >= 0 && py < y {
            reflection = canvas[py * width + px]
        } else {
            reflection = skyGradient(ry)
        }
        let reflectivity = 0.8 - near * 0.4
        var c = FastMath.mix(palette.water, reflection * 0.92, reflectivity)
        c += palette.horizon * max(0, wave) * 0.12 * (1 - near * 0.5)
        c = c * (1 - max(0, -wave) * 0.25)
        if showSun || showMoon {
            let spread = 0.015 + near * 0.16 + sunRadius * 0.6
            let dx = (sx - sunX) / spread
            let path = FastMath.exp(-dx * dx)
            if path > 0.01 {
                let sparkle = FastMath.smoothstep(0.05, 0.55, Noise.noise(wx * 9, wz * 4, seed: layer.seed &+ 1))
                let above = FastMath.clamp((horizon - sunY) / 0.1)
                c += palette.sun * path * sparkle * (showMoon ? 0.6 : 0.9) * above
            }
        }
        if features.storm {
            // Whitecaps on the crests, darker troughs.
            let foam = FastMath.smoothstep(0.35, 0.6, wave + 0.25 * Noise.noise(wx * 7, wz * 3, seed: layer.seed &+ 2))
            c = FastMath.mix(c * 0.8, palette.cloudLight * 0.9, foam * (0.35 + 0.5 * near))
        }
        let haze = FastMath.exp(-d * 35) * 0.35
        c = FastMath.mix(c, palette.fog, haze)
        c.w = 0
        return c
    }

    @inline(__always)
    private func ground(sx: Float, sy: Float, layer: SceneLayer) -> SIMD4<Float> {
        let d = max(sy - horizon, 1e-4)
        let near = FastMath.clamp(d / max(1.02 - horizon, 0.1))
        var c = FastMath.mix(FastMath.mix(palette.fog, layer.color, 0.55), layer.color * 0.85, near)
        let z = 1 / (d + 0.02)
        let fields = Noise.fbm((sx - spec.aspect * 0.5) * z * 0.35 + spec.phases[5], z * 0.9, octaves: 3, seed: layer.seed)
        c = c * (0.9 + 0.2 * fields)
        c = c * (1 + 0.06 * near * Noise.noise(sx * 220, sy * 30, seed: layer.seed))
        c.w = 0
        return c
    }

    @inline(__always)
    private func grid(sx: Float, sy: Float, layer: SceneLayer) -> SIMD4<Float> {
        let d = max(sy - horizon, 1e-4)
        let upp = view.unitsPerPixel
        var c = FastMath.mix(palette.fog * 0.5, palette.zenith * 0.6, FastMath.clamp(d * 3))
        let z = 0.15 / d
        let gx = (sx - spec.aspect * 0.5) * z * 3
        let gz = z * 3 + spec.phases[5]
        let fx = abs(gx - gx.rounded(.toNearestOrEven))
        let fz = abs(gz - gz.rounded(.toNearestOrEven))
        let pxX = fx / max(z * 3 * upp, 1e-6)
        let pxZ = fz / max(0.45 / (d * d) * upp, 1e-6)
        let lineX = FastMath.clamp(1.4 - pxX)
        let lineZ = FastMath.clamp(1.4 - pxZ)
        let fade = FastMath.clamp(d * 12)
        c += palette.accent * max(lineX, lineZ) * (0.5 + 0.6 * fade)
        c += palette.glow * FastMath.exp(-d * 18) * 0.5
        c.w = 0
        return c
    }

    /// Lighthouse lamp glow and beams (additive).
    @inline(__always)
    func addLamp(_ color: SIMD4<Float>, lamp: SIMD3<Float>, sx: Float, sy: Float) -> SIMD4<Float> {
        let dx = sx - lamp.x
        let dy = sy - lamp.y
        let d2 = dx * dx + dy * dy
        var light: Float = 0
        if d2 < 0.16 {
            let d = d2.squareRoot()
            light = FastMath.exp(-d / 0.008) * 1.2 + FastMath.exp(-d / 0.05) * 0.3
        }
        // Two opposite beams, nearly horizontal, only above the cliff top.
        if dy < 0.02 {
            let along = abs(dx * lampDirection.x + dy * lampDirection.y)
            let across = dx * lampDirection.y - dy * lampDirection.x
            let width: Float = 0.1
            let x = across * across / max(along * along * width * width, 1e-9)
            if x < 12 && along > 0.004 {
                let d = d2.squareRoot()
                let below = FastMath.smoothstep(0.02, -0.01, dy)
                light += FastMath.exp(-x) * FastMath.exp(-d / 0.7) * FastMath.smoothstep(0.004, 0.03, d) * below * 0.45
            }
        }
        if light < 0.001 { return color }
        return color + palette.accent * light * lampStrength
    }

    /// How strongly the lamp shows in this light.
    var lampStrength: Float {
        switch spec.recipe.time {
        case .night, .dusk: return 1
        case .sunset, .overcast, .dawn: return 0.7
        default: return 0.3
        }
    }

    /// Unit direction of the lamp's beams.
    static func lampDirection(phase: Float) -> SIMD2<Float> {
        let angle = -0.25 + 0.5 * (phase - phase.rounded(.down))
        return SIMD2(FastMath.cos(angle), FastMath.sin(angle))
    }

    /// Rain streaks (additive, light).
    @inline(__always)
    func addRain(_ color: SIMD4<Float>, sx: Float, sy: Float) -> SIMD4<Float> {
        let u = (sx + sy * 0.12) / 0.0025
        let column = u.rounded(.down)
        let h = FastMath.hash(Int32(truncatingIfNeeded: Int(column)), 3, 41)
        let v = sy * 9 + Float(h & 0xffff) / 65535 * 10
        let phase = v - v.rounded(.down)
        let thin = abs(u - column - 0.5) < 0.18 ? Float(1) : 0
        let streak = phase < 0.22 && (h >> 16) & 3 == 0 ? thin : 0
        return color + palette.fog * streak * 0.12
    }
}
