/// The top edge of a layer as a function of scene x (ridges, hills, trees, buildings, dunes, cliffs).
struct LayerProfile: Sendable {
    /// Shape family of the edge.
    var kind: SceneLayer.Kind
    /// Mean scene y of the edge.
    var baseline: Float
    /// Height variation.
    var amplitude: Float
    /// Horizontal frequency (features per scene unit).
    var frequency: Float
    /// Noise offset.
    var phase: Float
    /// Noise seed.
    var seed: UInt32
    /// Lower the edge toward the frame's middle (lakes framed by hills): 0 none, 1 full.
    var sideFraming: Float = 0
    /// Frame width (scene units) for framing and cliffs.
    var frameWidth: Float = 1
    /// Cliff/plateau centre x (cliffs only).
    var anchor: Float = 0
    /// Whether the cliff's plateau extends to the right (true) or left.
    var extendsRight: Bool = true
    /// Where a mesa's plateau is clipped (0 = none).
    var plateau: Float = 0

    /// The top edge at scene x, plus two shading values (for trees: distance to trunk; for
    /// buildings: the building's left edge and an id).
    @inline(__always)
    func evaluate(_ sx: Float) -> (top: Float, a: Float, b: Float) {
        switch kind {
        case .ridge:
            var h: Float
            if plateau > 0 {
                // Mesas and buttes: flat tops, steep walls, a rough talus below.
                let mask = Noise.fbm(sx * frequency + phase, octaves: 3, seed: seed)
                let butte = FastMath.smoothstep(0.05, 0.1, mask)
                let step = FastMath.smoothstep(0.25, 0.3, mask) * 0.3
                h = butte * (0.7 + step) + 0.15 * Noise.ridged(sx * frequency * 4 + phase, octaves: 4, seed: seed)
                h += 0.02 * Noise.noise(sx * 120, seed: seed)
            } else {
                h = Noise.ridged(sx * frequency + phase, octaves: 7, seed: seed)
                h = h * 1.35 - 0.2
            }
            var top = baseline - amplitude * h
            top += framing(sx)
            return (top, 0, 0)
        case .hills, .ground, .water, .grid:
            let n = Noise.fbm(sx * frequency + phase, octaves: 5, seed: seed)
            var top = baseline - amplitude * n
            if kind == .hills {
                // Tufts of grass and shrubs along the crest.
                top -= 0.006 * max(0, Noise.noise(sx * 90 + phase, seed: seed &+ 5)) + 0.002 * abs(Noise.noise(sx * 700, seed: seed &+ 6))
            }
            top += framing(sx)
            return (top, 0, 0)
        case .dunes:
            let u = sx * frequency + phase + 0.35 * Noise.fbm(sx * frequency * 0.5 + phase, octaves: 2, seed: seed)
            let f = u - u.rounded(.down)
            // Asymmetric dune: a long windward slope rising to a sharp crest, then a steep slip face.
            let crest: Float
            if f < 0.7 {
                let w = f / 0.7
                crest = w * w * (1.7 - 0.7 * w)
            } else {
                let l = 1 - (f - 0.7) / 0.3
                crest = l * l
            }
            let swell = Noise.fbm(sx * frequency * 0.37 + phase * 0.3, octaves: 2, seed: seed &+ 3)
            let top = baseline - amplitude * (crest * (0.85 + 0.3 * swell) + 0.15 * swell)
            return (top + framing(sx), f, 0)
        case .shore:
            // A gently curving waterline crossing the foreground, tilted by `anchor`.
            let u = sx / frameWidth - 0.5
            let n = Noise.fbm(sx * frequency + phase, octaves: 3, seed: seed)
            let top = baseline + anchor * u * 2 - amplitude * n - 0.04 * u * u
            return (top, 0, 0)
        case .trees:
            let spacing = 1 / frequency
            let cell = (sx / spacing).rounded(.down)
            var best: Float = 10
            var bestDistance: Float = 1
            var bestTree: Float = 0
            for offset in -2...2 {
                let index = Int32(truncatingIfNeeded: Int(cell) + offset)
                let h = FastMath.hash(index, 77, seed)
                let jitter = (Float(h & 0xff) / 255 - 0.5) * 0.8
                let cx = (Float(index) + 0.5 + jitter) * spacing
                let heightNoise = Noise.noise(Float(index) * 0.37 + phase, seed: seed) * 0.35
                let treeHeight = amplitude * (0.75 + heightNoise + Float((h >> 8) & 0xff) / 255 * 0.35)
                let halfWidth = treeHeight * 0.16
                let d = abs(sx - cx)
                if d > halfWidth * 1.2 { continue }
                // Tiered conifer edge: a sawtooth of branches on a triangle.
                let rel = d / halfWidth
                let tier = treeHeight * 0.085
                let along = rel * treeHeight
                let saw = along - (along / tier).rounded(.down) * tier
                let tip = baseline - treeHeight + framing(sx)
                let ragged = treeHeight * 0.03 * Noise.noise(sx / halfWidth * 6 + Float(index), seed: seed)
                let top = tip + along * 0.62 + saw * 2.4 + ragged
                if top < best {
                    best = top
                    bestDistance = (sx - cx) / halfWidth
                    // Tree height and tip packed into one value for the shading.
                    bestTree = Float(Int(treeHeight * 2000)) * 4 + FastMath.clamp(tip + 1, 0, 3.99)
                }
            }
            let ground = baseline + framing(sx) + amplitude * 0.02 * Noise.noise(sx * 30, seed: seed)
            if ground < best { return (ground, 2, 0) }
            return (best, bestDistance, bestTree)
        case .buildings:
            let spacing = 1 / frequency
            let slot = (sx / spacing).rounded(.down)
            let index = Int32(truncatingIfNeeded: Int(slot))
            let h = FastMath.hash(index, 91, seed)
            let widthFraction: Float = 0.55 + Float(h & 0xff) / 255 * 0.45
            let left = (Float(index) + (1 - widthFraction) * Float((h >> 8) & 0xff) / 255) * spacing
            let right = left + widthFraction * spacing
            let skyline = 0.55 + 0.45 * Noise.noise(sx * 1.3 + phase, seed: seed) + 0.35 * Float((h >> 16) & 0xff) / 255
            let buildingHeight = amplitude * max(0.15, skyline)
            var top = baseline - buildingHeight
            if sx < left || sx > right {
                top = baseline - amplitude * 0.08
                return (top + framing(sx), left, -1)
            }
            // Roof details: setbacks and spires on some towers.
            let roof = (h >> 24) & 7
            let rel = (sx - left) / (right - left)
            if roof == 0 {
                if rel > 0.3 && rel < 0.7 { top -= buildingHeight * 0.12 }
                if abs(rel - 0.5) < 0.04 { top -= buildingHeight * 0.3 }
            } else if roof == 1 {
                top += abs(rel - 0.5) * buildingHeight * 0.25
            } else if roof == 2 && rel > 0.55 {
                top += buildingHeight * 0.1
            }
            return (top + framing(sx), left, Float(h & 0xffff))
        case .cliff:
            let distance = extendsRight ? anchor - sx : sx - anchor
            let rise = FastMath.smoothstep(0.13, 0.05, distance)
            let rough = Noise.fbm(sx * 9 + phase, octaves: 5, seed: seed)
            var top = baseline - amplitude * rise * (0.9 + 0.1 * rough) - 0.012 * rough
            // Past the cliff's foot the rocks drop out of the frame, leaving open water.
            let foot = distance - 0.13
            if foot > 0 { top += foot * foot * 60 + foot * 2 }
            return (top, rise, 0)
        }
    }

    @inline(__always)
    private func framing(_ sx: Float) -> Float {
        if sideFraming == 0 { return 0 }
        let u = sx / frameWidth - 0.5
        let middle = FastMath.exp(-u * u * 9)
        return sideFraming * middle
    }
}
