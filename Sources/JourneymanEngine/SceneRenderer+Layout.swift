/// Builds the layers and shapes of a scene from its recipe and tile parameters.
extension SceneRenderer {
    /// Fills `layers`, `edges`, `shapes` and the per-column profile buffers.
    mutating func buildLayout() {
        let recipe = spec.recipe
        let f = recipe.features
        let p = palette
        let frame = spec.aspect
        let hz = horizon
        let relief = spec.relief
        let phases = spec.phases
        var rng = SplitMix64(seed: spec.layoutSeed)
        let fogAmount: Float = f.fog ? 0.65 : 0.3
        let seedBase = UInt32(truncatingIfNeeded: recipe.textHash)

        func add(_ kind: SceneLayer.Kind, _ color: SIMD4<Float>, depth: Float, mist: Float, snow: Bool = false, _ edge: LayerProfile) {
            layers.append(
                SceneLayer(
                    kind: kind, color: color, depth: depth, mist: mist, snow: snow,
                    seed: edge.seed, offset: layers.count * width))
            edges.append(edge)
        }
        func edge(_ kind: SceneLayer.Kind, base: Float, amp: Float, freq: Float, phase: Float, seed: UInt32, framing: Float = 0)
            -> LayerProfile
        {
            LayerProfile(
                kind: kind, baseline: base, amplitude: amp, frequency: freq, phase: phase, seed: seed,
                sideFraming: framing, frameWidth: frame)
        }
        let surface: SceneLayer.Kind = f.water ? .water : (recipe.subject == .synthwave ? .grid : .ground)
        let surfaceColor = f.water ? p.water : p.ground
        var foregroundIndex: Int?

        switch recipe.subject {
        case .landscape:
            if f.mountains {
                let snowy = f.snow || (recipe.time == .day || recipe.time == .dawn || recipe.time == .golden) && rng.chance(0.5)
                add(
                    .ridge, FastMath.mix(p.fog, p.far, 0.6), depth: 0.1, mist: fogAmount, snow: snowy,
                    edge(.ridge, base: hz - 0.06 * relief, amp: 0.3 * relief, freq: 1.1, phase: phases[2], seed: seedBase &+ 1))
                add(
                    .ridge, FastMath.mix(p.fog, p.mid, 0.75), depth: 0.35, mist: fogAmount,
                    edge(.ridge, base: hz - 0.0, amp: 0.13 * relief, freq: 1.9, phase: phases[2] + 31, seed: seedBase &+ 2))
            } else {
                add(
                    .hills, FastMath.mix(p.fog, p.far, 0.6), depth: 0.2, mist: fogAmount,
                    edge(.hills, base: hz - 0.03, amp: 0.08 * relief, freq: 1.4, phase: phases[2], seed: seedBase &+ 1))
            }
            add(surface, surfaceColor, depth: 0.5, mist: 0, edge(surface, base: hz, amp: 0, freq: 1, phase: 0, seed: seedBase &+ 3))
            let framing: Float = f.water ? 0.2 : 0
            add(
                .hills, FastMath.mix(p.fog, FastMath.mix(p.foliage, p.near, 0.5), 0.8), depth: 0.7, mist: fogAmount * 0.5,
                edge(.hills, base: hz + 0.07, amp: 0.16, freq: 1.6, phase: phases[2] + 57, seed: seedBase &+ 4, framing: framing))
            if f.trees {
                add(
                    .trees, FastMath.mix(p.fog, FastMath.mix(p.foliage, p.near, 0.3), 0.8), depth: 0.8, mist: fogAmount * 0.4,
                    edge(.trees, base: hz + 0.1, amp: 0.1, freq: 16, phase: phases[4], seed: seedBase &+ 5, framing: framing * 1.2))
            }
            add(
                .hills, FastMath.mix(p.ground, p.near, 0.7) * 0.8, depth: 1, mist: 0,
                edge(.hills, base: 0.95, amp: 0.1, freq: 1.2, phase: phases[2] + 90, seed: seedBase &+ 6, framing: f.water ? 0.3 : 0))
            foregroundIndex = layers.count - 1
        case .seascape:
            if f.mountains {
                add(
                    .ridge, FastMath.mix(p.fog, p.far, 0.55), depth: 0.15, mist: fogAmount,
                    edge(.ridge, base: hz + 0.03, amp: 0.12 * relief, freq: 1.3, phase: phases[2], seed: seedBase &+ 1))
            }
            add(.water, p.water, depth: 0.5, mist: 0, edge(.water, base: hz, amp: 0, freq: 1, phase: 0, seed: seedBase &+ 3))
            if f.beach {
                // A sandy shore sweeping across the foreground, its waterline edged with foam.
                var shore = edge(.shore, base: 0.8, amp: 0.05, freq: 0.9, phase: phases[2] + 3, seed: seedBase &+ 9)
                shore.anchor = spec.subjectX > 0.5 ? -0.12 : 0.12
                add(.shore, p.ground, depth: 0.9, mist: 0, shore)
                foregroundIndex = layers.count - 1
            } else if f.lighthouse || f.castle || rng.chance(0.4) {
                let anchor = spec.subjectX * frame
                let right = spec.subjectX > 0.5
                let height: Float = f.lighthouse || f.castle ? 0.2 : 0.11
                var cliff = edge(
                    .cliff, base: hz + 0.03, amp: height * spec.subjectScale, freq: 1, phase: phases[2] + 13, seed: seedBase &+ 7)
                cliff.anchor = anchor
                cliff.extendsRight = right
                add(.cliff, FastMath.mix(p.fog, p.near, 0.92), depth: 0.85, mist: 0.15, cliff)
                foregroundIndex = layers.count - 1
            }
            if recipe.figure != .none && recipe.figure != .bust && foregroundIndex == nil {
                add(
                    .dunes, FastMath.mix(p.ground, p.near, 0.4), depth: 1, mist: 0,
                    edge(.dunes, base: 0.93, amp: 0.05, freq: 0.8, phase: phases[2] + 5, seed: seedBase &+ 8))
                foregroundIndex = layers.count - 1
            }
        case .city:
            if f.mountains {
                add(
                    .ridge, FastMath.mix(p.fog, p.far, 0.45), depth: 0.05, mist: fogAmount,
                    edge(.ridge, base: hz - 0.05, amp: 0.2 * relief, freq: 1.2, phase: phases[2], seed: seedBase &+ 1))
            }
            add(
                .buildings, FastMath.mix(p.fog, p.far, 0.55), depth: 0.25, mist: fogAmount,
                edge(.buildings, base: hz, amp: 0.3 * relief, freq: 22, phase: phases[3], seed: seedBase &+ 11))
            add(
                .buildings, FastMath.mix(p.fog, p.mid, 0.75), depth: 0.5, mist: fogAmount * 0.7,
                edge(.buildings, base: hz, amp: 0.22 * relief, freq: 13, phase: phases[3] + 17, seed: seedBase &+ 12))
            add(
                .buildings, FastMath.mix(p.fog, p.near, 0.9), depth: 0.75, mist: fogAmount * 0.4,
                edge(.buildings, base: hz, amp: 0.14 * relief, freq: 8, phase: phases[3] + 29, seed: seedBase &+ 13))
            add(surface, surfaceColor, depth: 0.6, mist: 0, edge(surface, base: hz, amp: 0, freq: 1, phase: 0, seed: seedBase &+ 3))
            if recipe.figure != .none && recipe.figure != .bust {
                add(
                    .hills, p.near * 0.7, depth: 1, mist: 0,
                    edge(.hills, base: 0.96, amp: 0.03, freq: 1, phase: phases[2] + 90, seed: seedBase &+ 6))
                foregroundIndex = layers.count - 1
            }
        case .forest:
            if f.mountains {
                add(
                    .ridge, FastMath.mix(p.fog, p.far, 0.5), depth: 0.05, mist: fogAmount,
                    edge(.ridge, base: hz - 0.08, amp: 0.22 * relief, freq: 1.2, phase: phases[2], seed: seedBase &+ 1))
            }
            add(.ground, p.ground, depth: 0.3, mist: 0, edge(.ground, base: hz, amp: 0, freq: 1, phase: 0, seed: seedBase &+ 3))
            let tree = FastMath.mix(p.foliage, p.near, 0.25)
            let framing: Float = f.water ? 0.25 : 0
            add(
                .trees, FastMath.mix(p.fog, tree, 0.45), depth: 0.3, mist: fogAmount,
                edge(.trees, base: hz + 0.005, amp: 0.09, freq: 55, phase: phases[4], seed: seedBase &+ 21))
            if f.water {
                add(.water, p.water, depth: 0.4, mist: 0, edge(.water, base: hz + 0.01, amp: 0, freq: 1, phase: 0, seed: seedBase &+ 3))
            }
            add(
                .trees, FastMath.mix(p.fog, tree, 0.68), depth: 0.5, mist: fogAmount,
                edge(.trees, base: hz + 0.04, amp: 0.15, freq: 32, phase: phases[4] + 11, seed: seedBase &+ 22, framing: framing))
            add(
                .trees, FastMath.mix(p.fog, tree, 0.88), depth: 0.7, mist: fogAmount * 0.8,
                edge(.trees, base: hz + 0.1, amp: 0.26, freq: 15, phase: phases[4] + 23, seed: seedBase &+ 23, framing: framing * 1.5))
            add(
                .trees, tree * 0.6, depth: 0.95, mist: fogAmount * 0.3,
                edge(.trees, base: 0.98 + framing, amp: 0.5, freq: 6, phase: phases[4] + 37, seed: seedBase &+ 24, framing: framing * 2))
            if recipe.figure != .none && recipe.figure != .bust {
                add(
                    .hills, p.near * 0.6, depth: 1, mist: 0,
                    edge(.hills, base: 0.95, amp: 0.03, freq: 1.5, phase: phases[2] + 90, seed: seedBase &+ 6))
                foregroundIndex = layers.count - 1
            }
        case .desert:
            let sand = p.ground
            if !f.mountains {
                add(
                    .dunes, FastMath.mix(p.fog, FastMath.mix(sand, p.far, 0.5), 0.55), depth: 0.15, mist: fogAmount,
                    edge(.dunes, base: hz - 0.005, amp: 0.05 * relief, freq: 2.6, phase: phases[2] + 3, seed: seedBase &+ 30))
            }
            if f.mountains {
                var mesa = edge(.ridge, base: hz + 0.01, amp: 0.16 * relief, freq: 1.6, phase: phases[2], seed: seedBase &+ 1)
                mesa.plateau = 1
                let rock = FastMath.mix(FastMath.mix(p.ground, p.mid, 0.55), ColorMath.rgb(170, 86, 52), 0.35)
                add(.ridge, FastMath.mix(p.fog, rock, 0.7), depth: 0.25, mist: fogAmount * 0.6, mesa)
            }
            add(surface, surfaceColor, depth: 0.3, mist: 0, edge(surface, base: hz, amp: 0, freq: 1, phase: 0, seed: seedBase &+ 3))
            add(
                .dunes, FastMath.mix(p.fog, FastMath.mix(sand, p.mid, 0.3), 0.7), depth: 0.45, mist: fogAmount * 0.5,
                edge(.dunes, base: hz + 0.04, amp: 0.06, freq: 1.6, phase: phases[2] + 7, seed: seedBase &+ 31))
            add(
                .dunes, FastMath.mix(sand, p.mid, 0.15), depth: 0.7, mist: fogAmount * 0.3,
                edge(.dunes, base: hz + 0.14, amp: 0.1, freq: 1.1, phase: phases[2] + 19, seed: seedBase &+ 32))
            add(
                .dunes, FastMath.mix(sand, p.near, 0.2), depth: 0.95, mist: 0,
                edge(.dunes, base: 0.9, amp: 0.14, freq: 0.7, phase: phases[2] + 41, seed: seedBase &+ 33))
            foregroundIndex = layers.count - 1
        case .synthwave:
            if f.mountains {
                add(
                    .ridge, p.near, depth: 0.3, mist: 0.2,
                    edge(.ridge, base: hz + 0.01, amp: 0.2 * relief, freq: 1.6, phase: phases[2], seed: seedBase &+ 1, framing: 0.16))
            }
            add(surface, surfaceColor, depth: 0.5, mist: 0, edge(surface, base: hz, amp: 0, freq: 1, phase: 0, seed: seedBase &+ 3))
        case .space, .abstract:
            break
        }

        // Shapes.
        if f.lighthouse, let cliffIndex = layers.lastIndex(where: { $0.kind == .cliff }) {
            let x = spec.subjectX * frame
            let ground = edges[cliffIndex].evaluate(x).top
            let size = 0.2 * spec.subjectScale
            shapes.append(makeShape(.lighthouse, x: x, y: ground + 0.004, size: size, after: cliffIndex, color: p.near))
            lamp = SIMD3(x, ground - size * 0.9, 1)
        }
        if f.boat, let waterIndex = layers.firstIndex(where: { $0.kind == .water }) {
            let x = (spec.subjectX > 0.5 ? 0.28 : 0.7) * frame + Float(rng.signed()) * 0.05
            let y = hz + 0.05 + Float(rng.unit()) * 0.06
            shapes.append(makeShape(.boat, x: x, y: y, size: 0.05 + (y - hz) * 0.6, after: waterIndex, color: p.near * 0.9))
        }
        if f.birds {
            let count = 5 + rng.index(5)
            let cx = Float(rng.range(0.25, 0.75)) * frame
            let cy = hz * Float(rng.range(0.25, 0.55))
            for i in 0..<count {
                let x = cx + Float(rng.signed()) * 0.18 + Float(i) * 0.015
                let y = cy + Float(rng.signed()) * 0.07
                shapes.append(
                    makeShape(
                        .bird, x: x, y: y, size: 0.012 + Float(rng.unit()) * 0.012,
                        after: layers.isEmpty ? -1 : 0, color: p.near * 0.8))
            }
        }
        placeBuildings(frame: frame, rng: &rng)
        if f.palms {
            placePalms(frame: frame, foreground: foregroundIndex, rng: &rng)
        }
        if features.figure && recipe.figure != .none {
            if recipe.figure.isPortrait {
                // Portraits: the scene becomes a soft, misty backdrop behind a head and shoulders.
                for i in layers.indices {
                    layers[i].color = FastMath.mix(layers[i].color, p.fog, 0.3)
                    layers[i].mist = max(layers[i].mist, 0.55)
                }
                let x = 0.5 * frame
                switch recipe.figure {
                case .catPortrait:
                    shapes.append(makeShape(.catHead, x: x, y: 1.02, size: 0.82, after: layers.count - 1, color: recipe.coat))
                case .dogPortrait:
                    shapes.append(makeShape(.dogHead, x: x, y: 1.02, size: 0.82, after: layers.count - 1, color: recipe.coat))
                default:
                    shapes.append(
                        makeShape(
                            .bust, x: x, y: 1.02, size: 0.78, after: layers.count - 1,
                            color: FastMath.mix(p.near, p.mid, 0.5) * 0.9))
                }
            } else if let index = foregroundIndex {
                var x = spec.subjectX * frame
                if f.lighthouse { x = (1 - spec.subjectX) * frame }
                let ground = edges[index].evaluate(x).top
                let kind: SceneShape.Kind = recipe.figure == .cat ? .cat : (recipe.figure == .dog ? .dog : .person)
                let size: Float = (kind == .person ? 0.21 : 0.15) * spec.subjectScale
                let color = kind == .person ? p.near * 0.55 : FastMath.mix(p.near * 0.55, recipe.coat, 0.35)
                shapes.append(makeShape(kind, x: x, y: ground + size * 0.03, size: size, after: index, color: color))
            }
        }

        // Per-column profiles.
        let count = layers.count * width
        tops = [Float](repeating: 10, count: count)
        slopes = [Float](repeating: 0, count: count)
        auxA = [Float](repeating: 0, count: count)
        auxB = [Float](repeating: 0, count: count)
        let upp = view.unitsPerPixel
        for (index, profile) in edges.enumerated() {
            let base = index * width
            // Slopes over a few thousandths of the frame: large faces, not per-pixel jitter.
            let step = max(upp, 0.01)
            for x in 0..<width {
                let sx = sceneX(x)
                let current = profile.evaluate(sx)
                let left = profile.evaluate(sx - step).top
                let right = profile.evaluate(sx + step).top
                tops[base + x] = current.top
                slopes[base + x] = (right - left) / (2 * step)
                auxA[base + x] = current.a
                auxB[base + x] = current.b
            }
        }
    }

    /// The layer buildings stand on: a mid-distance hill, cliff, dune or shore, else the nearest land.
    private func standIndex() -> Int? {
        let land: [SceneLayer.Kind] = [.hills, .cliff, .dunes, .shore]
        if let index = layers.indices.first(where: { land.contains(layers[$0].kind) && layers[$0].depth >= 0.55 && layers[$0].depth <= 0.9 }
        ) {
            return index
        }
        return layers.indices.last { (land + [.ground, .ridge]).contains(layers[$0].kind) }
    }

    /// The highest point of layer `index`'s edge within `range` of `x` (where a castle would be built).
    private func crest(of index: Int, near x: Float, range: Float) -> (x: Float, y: Float) {
        var best = (x: x, y: edges[index].evaluate(x).top)
        for step in 0...24 {
            let cx = x - range + 2 * range * Float(step) / 24
            let top = edges[index].evaluate(cx).top
            if top < best.y - 0.002 { best = (cx, top) }
        }
        return best
    }

    /// Castle, temple and village houses, when the prompt names them.
    private mutating func placeBuildings(frame: Float, rng: inout SplitMix64) {
        let f = features
        let recipe = spec.recipe
        guard f.castle || f.village || f.temple, let index = standIndex() else { return }
        let p = palette
        var stone = FastMath.mix(FastMath.mix(p.mid, p.fog, 0.3), p.near, 0.35)
        if recipe.time == .night { stone = FastMath.mix(p.far, p.fog, 0.35) * 0.8 }
        var mainX = spec.subjectX * frame
        if f.lighthouse { mainX = (1 - spec.subjectX) * frame }
        let cliff = layers[index].kind == .cliff
        if f.castle {
            let spot = cliff ? (x: mainX, y: edges[index].evaluate(mainX).top) : crest(of: index, near: mainX, range: 0.14 * frame)
            let size = 0.34 * spec.subjectScale
            shapes.append(makeShape(.castle, x: spot.x, y: spot.y + size * 0.05, size: size, after: index, color: stone))
        }
        if f.temple {
            let x = f.castle ? (spec.subjectX > 0.5 ? 0.2 : 0.8) * frame : mainX
            let spot = crest(of: index, near: x, range: 0.1 * frame)
            let size = (f.castle ? 0.16 : 0.26) * spec.subjectScale
            shapes.append(makeShape(.pagoda, x: spot.x, y: spot.y + size * 0.04, size: size, after: index, color: stone))
        }
        if f.village {
            let centre = f.castle || f.temple ? (spec.subjectX > 0.5 ? 0.26 : 0.74) * frame : mainX
            let count = 6 + rng.index(4)
            var houses: [SceneShape] = []
            for i in 0..<count {
                let x = centre + (Float(i) - Float(count - 1) / 2) * 0.075 + Float(rng.signed()) * 0.022
                let size = Float(rng.range(0.05, 0.075)) * spec.subjectScale
                let ground = edges[index].evaluate(x).top
                let y = ground + size * (0.12 + Float(rng.unit()) * 0.5)
                let wall = FastMath.mix(p.fog, p.ground, 0.45) * Float(rng.range(0.85, 1.05))
                houses.append(makeShape(.house, x: x, y: y, size: size, after: index, color: wall))
            }
            shapes += houses.sorted { $0.y < $1.y }
        }
    }

    /// One or two palm trees leaning in from the side of the frame.
    private mutating func placePalms(frame: Float, foreground: Int?, rng: inout SplitMix64) {
        guard let index = foreground ?? standIndex() else { return }
        let left = spec.subjectX > 0.5
        let color = palette.near * 0.5
        let x = (left ? 0.12 : 0.88) * frame
        shapes.append(makeShape(.palm, x: x, y: 1.04, size: 0.78 * spec.subjectScale, after: index, color: color))
        let x2 = x + (left ? 0.22 : -0.22) * frame
        let ground = edges[index].evaluate(x2).top
        if ground < 0.98 {
            shapes.append(makeShape(.palm, x: x2, y: ground + 0.01, size: 0.42 * spec.subjectScale, after: index, color: color * 1.1))
        }
    }

    /// The scene's features (shorthand).
    var features: SceneFeatures { spec.recipe.features }

    private func makeShape(_ kind: SceneShape.Kind, x: Float, y: Float, size: Float, after: Int, color: SIMD4<Float>) -> SceneShape {
        let halfWidth: Float
        let height: Float
        switch kind {
        case .lighthouse: halfWidth = size * 0.2; height = size * 1.05
        case .boat: halfWidth = size * 0.6; height = size * 1.1
        case .person: halfWidth = size * 0.3; height = size
        case .cat: halfWidth = size * 0.75; height = size * 1.1
        case .dog: halfWidth = size * 0.9; height = size * 1.2
        case .bust: halfWidth = size * 0.7; height = size * 1.05
        case .bird: halfWidth = size * 1.1; height = size * 0.7
        case .catHead, .dogHead: halfWidth = size * 0.75; height = size * 1.25
        case .castle: halfWidth = size * 0.5; height = size * 1.2
        case .house: halfWidth = size * 0.62; height = size * 1.05
        case .pagoda: halfWidth = size * 0.5; height = size * 1.1
        case .palm: halfWidth = size * 0.75; height = size * 1.15
        }
        var flip = (spec.layoutSeed >> 7) & 1 == 1
        if kind == .palm || kind == .house { flip = x > 0.5 * spec.aspect }
        // Figures carry a soft halo: their box reaches well beyond the silhouette.
        let halo: Float = (kind == .person || kind == .cat || kind == .dog) ? size * 0.9 : 0
        return SceneShape(
            kind: kind, x: x, y: y, size: size, afterLayer: after, color: color, flip: flip,
            minX: x - halfWidth - halo, minY: y - height - halo, maxX: x + halfWidth + halo, maxY: y + size * 0.35 + halo)
    }
}
