/// The parameters of one picture: the shared recipe plus this tile's own continuous choices.
/// Small changes of the continuous values give small changes of the picture (variations).
struct TileSpec: Codable, Sendable, Equatable {
    /// Shared scene recipe.
    var recipe: SceneRecipe
    /// Seed of discrete layout choices (counts, star field).
    var layoutSeed: UInt64
    /// Width over height of the original frame.
    var aspect: Float
    /// Scene y of the horizon.
    var horizon: Float
    /// Sun (or moon) x as a fraction of the frame width.
    var sunX: Float
    /// Sun height above the horizon.
    var sunY: Float
    /// Sun radius.
    var sunSize: Float
    /// Cloud cover, 0–1.
    var cloudCover: Float
    /// Cloud scale.
    var cloudScale: Float
    /// Height multiplier of ridges and skylines.
    var relief: Float
    /// Subject position as a fraction of the frame width.
    var subjectX: Float
    /// Subject size multiplier.
    var subjectScale: Float
    /// Palette hue rotation, degrees.
    var hueShift: Float
    /// Brightness multiplier.
    var exposure: Float
    /// Warm (+) or cool (−) tint.
    var warmth: Float
    /// Noise-space offsets of each layer (0 clouds x, 1 clouds y, 2 ridges, 3 city, 4 trees, 5 water, 6 shapes, 7 nebula).
    var phases: [Float]

    /// The spec of tile `index` (0–3) of a grid rendered with `seed`; `chaos` (0–100) spreads tiles apart.
    static func make(recipe: SceneRecipe, seed: UInt32, index: Int, chaos: Int, aspect: Float) -> TileSpec {
        var shared = SplitMix64(seed: StableHash.combine(recipe.textHash, UInt64(seed)))
        var own = SplitMix64(seed: StableHash.combine(recipe.textHash, UInt64(seed), UInt64(index) &+ 0x51))
        let spread = 0.55 + Double(max(0, min(100, chaos))) / 100 * 0.45
        func pick(_ lo: Double, _ hi: Double) -> Float {
            let base = shared.range(lo, hi)
            let mine = own.range(lo, hi)
            return Float(base + (mine - base) * spread)
        }
        let horizonRange: (Double, Double)
        switch recipe.subject {
        case .seascape: horizonRange = (0.52, 0.64)
        case .city: horizonRange = (0.66, 0.76)
        case .forest: horizonRange = (0.6, 0.72)
        case .synthwave: horizonRange = (0.56, 0.62)
        case .desert: horizonRange = (0.55, 0.66)
        default: horizonRange = (0.58, 0.7)
        }
        let chaosFactor = Float(max(0, min(100, chaos))) / 100
        var phases: [Float] = []
        for _ in 0..<8 { phases.append(Float(own.range(0, 400))) }
        let sunX: Float = recipe.subject == .synthwave ? 0.5 + pick(-0.06, 0.06) : pick(0.2, 0.8)
        return TileSpec(
            recipe: recipe,
            layoutSeed: own.next(),
            aspect: aspect,
            horizon: pick(horizonRange.0, horizonRange.1),
            sunX: sunX,
            sunY: recipe.subject == .synthwave ? pick(0.16, 0.22) : pick(0.05, 0.3),
            sunSize: recipe.subject == .synthwave ? pick(0.17, 0.22) : pick(0.035, 0.06),
            cloudCover: FastMath.clamp(recipe.cloudiness + pick(-0.15, 0.15)),
            cloudScale: pick(0.7, 1.4),
            relief: pick(0.75, 1.25),
            subjectX: pick(0.3, 0.7),
            subjectScale: pick(0.85, 1.15),
            hueShift: Float(own.signed()) * chaosFactor * 70 + Float(own.signed()) * 4,
            exposure: pick(0.95, 1.05),
            warmth: pick(-0.04, 0.04) + Float(own.signed()) * chaosFactor * 0.15,
            phases: phases
        )
    }

    /// A nearby spec: `amount` 0.1 is subtle, 0.4 strong; the layout keeps its structure.
    func perturbed(amount: Float, seed: UInt64) -> TileSpec {
        var rng = SplitMix64(seed: seed)
        func nudge(_ value: Float, _ scale: Float, _ lo: Float, _ hi: Float) -> Float {
            FastMath.clamp(value + Float(rng.signed()) * amount * scale, lo, hi)
        }
        var spec = self
        spec.horizon = nudge(horizon, 0.08, 0.3, 0.85)
        spec.sunX = nudge(sunX, 0.25, 0.05, 0.95)
        spec.sunY = nudge(sunY, 0.15, 0.02, 0.4)
        spec.sunSize = nudge(sunSize, 0.02, 0.02, 0.25)
        spec.cloudCover = recipe.cloudiness == 0 ? 0 : nudge(cloudCover, 0.3, 0, 1)
        spec.cloudScale = nudge(cloudScale, 0.3, 0.5, 1.8)
        spec.relief = nudge(relief, 0.4, 0.5, 1.5)
        spec.subjectX = nudge(subjectX, 0.2, 0.2, 0.8)
        spec.subjectScale = nudge(subjectScale, 0.2, 0.7, 1.3)
        spec.hueShift = hueShift + Float(rng.signed()) * amount * 25
        spec.exposure = nudge(exposure, 0.15, 0.8, 1.2)
        spec.warmth = nudge(warmth, 0.1, -0.3, 0.3)
        spec.phases = phases.map { $0 + Float(rng.signed()) * amount * 0.9 }
        return spec
    }
}
