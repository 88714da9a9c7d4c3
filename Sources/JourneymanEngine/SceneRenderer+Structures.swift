/// Buildings and palms drawn as shapes: a castle with towers and battlements, pitched-roof houses,
/// a pagoda and palm trees, each shaded from the light's side, with windows lit after dark.
extension SceneRenderer {
    /// Composites a castle, house, pagoda or palm over `color` at local coordinates (u, v).
    func drawStructure(_ shape: SceneShape, over color: SIMD4<Float>, u: Float, v: Float, sx: Float) -> SIMD4<Float> {
        let pixel = view.unitsPerPixel / shape.size
        let d = structureDistance(shape.kind, u, v)
        let coverage = FastMath.clamp(0.5 - d / pixel)
        if coverage <= 0 { return color }
        let side = FastMath.clamp((sunX - shape.x) * 5, -1, 1) * (shape.flip ? -1 : 1)
        let strength = lightStrength
        let dark = spec.recipe.time.isDark
        var fill: SIMD4<Float>
        switch shape.kind {
        case .castle:
            fill = castleColor(shape, u: u, v: v, side: side, strength: strength, dark: dark, pixel: pixel)
        case .house:
            fill = houseColor(shape, u: u, v: v, side: side, strength: strength, dark: dark, pixel: pixel)
        case .pagoda:
            fill = pagodaColor(shape, u: u, v: v, side: side, strength: strength, dark: dark, pixel: pixel)
        default:
            // Palm: a dark silhouette, faintly green by day, rimmed by the glow on the sunward side.
            fill = FastMath.mix(shape.color, palette.foliage * 0.6, 0.35 * strength)
            let e: Float = 0.01
            let facing = FastMath.clamp((structureDistance(.palm, u + side * e, v + e * 0.3) - d) / e)
            fill += palette.glow * facing * FastMath.exp(d / 0.012) * (0.15 + rimStrength * 1.2)
            if v < 0.86 {
                fill = fill * (0.9 + 0.12 * FastMath.sin(v * 160))
            }
        }
        // Back-light rim along the outline.
        fill += palette.glow * FastMath.exp(d / (pixel * 2.5)) * rimStrength * 0.4
        fill.w = 0
        return color + (fill - color) * coverage
    }

    /// Signed distance of a structure in its local units (v up from the base).
    @inline(__always)
    func structureDistance(_ kind: SceneShape.Kind, _ u: Float, _ v: Float) -> Float {
        typealias S = SignedDistance
        switch kind {
        case .castle:
            var d = S.box(u, v, 0, 0.19, 0.36, 0.19)
            d = min(d, battlements(u, v, cx: 0, top: 0.38, half: 0.36))
            d = min(d, S.box(u, v, 0.02, 0.33, 0.13, 0.33))
            d = min(d, battlements(u, v, cx: 0.02, top: 0.66, half: 0.13))
            d = min(d, S.box(u, v, -0.36, 0.27, 0.075, 0.27))
            d = min(d, S.triangle(u, v, -0.465, 0.53, -0.255, 0.53, -0.36, 0.8))
            d = min(d, S.box(u, v, 0.36, 0.25, 0.07, 0.25))
            d = min(d, battlements(u, v, cx: 0.36, top: 0.5, half: 0.085))
            d = min(d, S.box(u, v, 0.1, 0.77, 0.035, 0.11))
            d = min(d, S.triangle(u, v, 0.05, 0.87, 0.15, 0.87, 0.1, 1.0))
            d = min(d, S.capsule(u, v, 0.1, 0.98, 0.1, 1.1, 0.004))
            d = min(d, S.triangle(u, v, 0.1, 1.1, 0.1, 1.05, 0.17, 1.075))
            return d
        case .house:
            var d = S.box(u, v, 0, 0.27, 0.4, 0.27)
            d = min(d, S.triangle(u, v, -0.52, 0.5, 0.52, 0.5, 0, 0.92))
            d = min(d, S.box(u, v, 0.24, 0.76, 0.045, 0.12))
            return d
        case .pagoda:
            var d = S.capsule(u, v, 0, 0.8, 0, 1.06, 0.01)
            var base: Float = 0
            for tier in 0..<4 {
                let w = 0.3 - 0.055 * Float(tier)
                let h = 0.15 - 0.018 * Float(tier)
                d = min(d, S.box(u, v, 0, base + h * 0.5, w * 0.62, h * 0.5))
                // Roof with upturned eaves.
                d = min(d, S.trapezoid(u, v, 0, base + h - 0.01, w + 0.1, base + h + 0.045, w * 0.45))
                d = min(d, S.triangle(u, v, w + 0.04, base + h - 0.01, w + 0.14, base + h - 0.01, w + 0.15, base + h + 0.03))
                d = min(d, S.triangle(u, v, -w - 0.04, base + h - 0.01, -w - 0.14, base + h - 0.01, -w - 0.15, base + h + 0.03))
                base += h + 0.045
            }
            return d
        default:
            return palmDistance(u, v)
        }
    }

    /// A crenellated parapet on top of a wall of half width `half` ending at height `top`.
    @inline(__always)
    private func battlements(_ u: Float, _ v: Float, cx: Float, top: Float, half: Float) -> Float {
        let row = SignedDistance.box(u, v, cx, top + 0.024, half + 0.006, 0.024)
        let period: Float = 0.05
        let q = (u - cx) / period
        let g = q - q.rounded(.toNearestOrAwayFromZero)
        return max(row, (abs(g) - 0.26) * period)
    }

    /// A palm: a curved, tapering trunk and drooping, serrated fronds.
    @inline(__always)
    private func palmDistance(_ u: Float, _ v: Float) -> Float {
        // Trunk along (0.05 t + 0.28 t², 0.86 t).
        var d: Float = 10
        var px: Float = 0, py: Float = 0
        for i in 1...4 {
            let t = Float(i) / 4
            let nx = 0.05 * t + 0.28 * t * t, ny = 0.86 * t
            d = min(d, SignedDistance.capsule(u, v, px, py, nx, ny, 0.034 - 0.012 * t))
            px = nx; py = ny
        }
        let cx: Float = 0.33, cy: Float = 0.86
        if abs(u - cx) > 0.5 || v < 0.45 { return d }
        let angles: [Float] = [-0.35, 0.25, 0.85, 1.6, 2.3, 2.9, 3.5]
        for (index, angle) in angles.enumerated() {
            let dx = FastMath.cos(angle), dy = FastMath.sin(angle)
            let length: Float = 0.34 + 0.06 * Float(index % 3)
            let droop = 0.05 + 0.1 * abs(dx)
            let mx = cx + dx * length * 0.5, my = cy + dy * length * 0.4 + 0.035
            let ex = cx + dx * length, ey = cy + dy * length * 0.55 - droop
            d = min(d, frond(u, v, cx, cy, mx, my, 0, 0.5))
            d = min(d, frond(u, v, mx, my, ex, ey, 0.5, 1))
        }
        return d
    }

    /// One segment of a frond from parameter h0 to h1: tapering, with leaflets cut into its edge.
    @inline(__always)
    private func frond(_ u: Float, _ v: Float, _ ax: Float, _ ay: Float, _ bx: Float, _ by: Float, _ h0: Float, _ h1: Float) -> Float {
        let pax = u - ax, pay = v - ay
        let bax = bx - ax, bay = by - ay
        let k = FastMath.clamp((pax * bax + pay * bay) / max(bax * bax + bay * bay, 1e-9))
        let dx = pax - bax * k, dy = pay - bay * k
        let h = h0 + (h1 - h0) * k
        let width = 0.075 * (1 - h * 0.8) * (0.35 + 2.6 * h * (1 - h)) + 0.004
        // Leaflets hang below the rib: the lower edge is cut into fine teeth.
        let below = dy < 0 ? Float(1) : 0.35
        let leaflets = 1 - below * 0.45 * abs(FastMath.sin(h * 130))
        return (dx * dx + dy * dy).squareRoot() - width * leaflets
    }

    /// Distance to the nearest of a set of arched windows.
    @inline(__always)
    private func windows(_ u: Float, _ v: Float, _ spots: [SIMD2<Float>], halfWidth: Float, halfHeight: Float) -> Float {
        var d: Float = 10
        for spot in spots {
            d = min(d, SignedDistance.box(u, v, spot.x, spot.y, halfWidth, halfHeight))
            d = min(d, SignedDistance.circle(u, v, spot.x, spot.y + halfHeight, halfWidth))
        }
        return d
    }

    /// The glow of a lit window (after dark) or dark glass (by day), mixed into `wall`.
    @inline(__always)
    private func windowed(_ wall: SIMD4<Float>, distance d: Float, pixel: Float, dark: Bool, lit: Bool) -> SIMD4<Float> {
        let inside = FastMath.clamp(0.5 - d / pixel)
        let warm = FastMath.mix(palette.accent, SIMD4(1, 0.9, 0.6, 1), 0.3)
        let glass = dark && lit ? warm * 1.25 : wall * 0.35
        var c = FastMath.mix(wall, glass, inside)
        if dark && lit {
            c += warm * FastMath.exp(-max(d, 0) / (pixel * 3 + 0.01)) * 0.35 * (1 - inside)
        }
        return c
    }

    private func castleColor(_ shape: SceneShape, u: Float, v: Float, side: Float, strength: Float, dark: Bool, pixel: Float) -> SIMD4<
        Float
    > {
        var stone = shape.color
        // Round towers are lit across their width; flat walls by the light's side.
        var lit: Float = side * 0.15
        if abs(u + 0.36) < 0.1 && v < 0.56 { lit = (u + 0.36) / 0.075 * side * 0.5 }
        if abs(u - 0.36) < 0.09 && v < 0.56 { lit = (u - 0.36) / 0.07 * side * 0.5 }
        if abs(u - 0.02) < 0.13 && v > 0.38 { lit = (u - 0.02) / 0.13 * side * 0.35 }
        stone = stone * (0.9 + lit * strength * 0.6 + 0.15 * strength)
        // Courses of stone blocks.
        let row = v / 0.03
        let course = row - row.rounded(.down)
        let offset: Float = Int(row.rounded(.down)) & 1 == 0 ? 0 : 0.5
        let col = u / 0.05 + offset
        let joint = min(course, 1 - course) < 0.08 || abs(col - col.rounded(.toNearestOrAwayFromZero)) < 0.05
        if joint && pixel < 0.012 { stone = stone * 0.88 }
        // Roofs of the round tower and turret.
        if (v > 0.53 && abs(u + 0.36) < 0.11) || (v > 0.87 && abs(u - 0.1) < 0.06) {
            stone = FastMath.mix(palette.near, ColorMath.rgb(70, 50, 60), 0.3) * (0.8 + side * 0.2 * strength)
        }
        // Gate: a dark arch.
        let gate = min(SignedDistance.box(u, v, 0.02, 0.065, 0.05, 0.065), SignedDistance.circle(u, v, 0.02, 0.13, 0.05))
        stone = FastMath.mix(stone, palette.near * 0.3, FastMath.clamp(0.5 - gate / pixel))
        let spots: [SIMD2<Float>] = [
            SIMD2(-0.04, 0.46), SIMD2(0.08, 0.46), SIMD2(-0.04, 0.56), SIMD2(0.08, 0.56),
            SIMD2(-0.36, 0.4), SIMD2(0.36, 0.36), SIMD2(-0.2, 0.24), SIMD2(0.22, 0.24), SIMD2(0.1, 0.78),
        ]
        let w = windows(u, v, spots, halfWidth: 0.014, halfHeight: 0.022)
        let litWindow = FastMath.hash(Int32((u * 20).rounded(.down)), Int32((v * 20).rounded(.down)), shape.afterLayer > 0 ? 5 : 6) & 3 != 0
        return windowed(stone, distance: w, pixel: pixel, dark: dark, lit: litWindow)
    }

    private func houseColor(_ shape: SceneShape, u: Float, v: Float, side: Float, strength: Float, dark: Bool, pixel: Float) -> SIMD4<Float>
    {
        let id = FastMath.hash(Int32((shape.x * 1000).rounded()), 3, 11)
        if v > 0.52 || (v > 0.64 && abs(u - 0.24) < 0.05) {
            // Roof: two slopes, one toward the light.
            let terracotta = ColorMath.rgb(id & 1 == 0 ? 150 : 96, id & 1 == 0 ? 66 : 70, id & 1 == 0 ? 48 : 74)
            var roof = FastMath.mix(terracotta * (0.3 + 0.7 * strength), palette.near, dark ? 0.6 : 0.2)
            roof = roof * (1 + (u * side > 0 ? 0.2 : -0.15) * strength)
            let tile = v / 0.06
            if tile - tile.rounded(.down) < 0.15 && pixel < 0.03 { roof = roof * 0.85 }
            return roof
        }
        var wall = shape.color * (0.75 + 0.35 * strength + 0.1 * side * strength)
        if dark { wall = FastMath.mix(wall, palette.near, 0.6) }
        let door = SignedDistance.box(u, v, 0.16, 0.13, 0.07, 0.13)
        wall = FastMath.mix(wall, FastMath.mix(palette.near, ColorMath.rgb(90, 60, 40), 0.4), FastMath.clamp(0.5 - door / pixel))
        let window = SignedDistance.box(u, v, -0.18, 0.28, 0.08, 0.08)
        return windowed(wall, distance: window, pixel: pixel, dark: dark, lit: (id >> 4) & 3 != 0)
    }

    private func pagodaColor(_ shape: SceneShape, u: Float, v: Float, side: Float, strength: Float, dark: Bool, pixel: Float) -> SIMD4<
        Float
    > {
        // Which tier's roof the point is on: roofs are dark, walls a lacquer red.
        var base: Float = 0
        var onRoof = false
        for tier in 0..<4 {
            let h = 0.15 - 0.018 * Float(tier)
            if v >= base + h - 0.012 && v < base + h + 0.046 { onRoof = true }
            base += h + 0.045
        }
        if v > base - 0.01 { onRoof = true }
        if onRoof {
            return FastMath.mix(palette.near, ColorMath.rgb(50, 46, 52), 0.3) * (0.8 + 0.3 * strength * (u * side > 0 ? 1 : 0.3))
        }
        var wall = FastMath.mix(ColorMath.rgb(170, 52, 40) * (0.4 + 0.6 * strength), palette.near, dark ? 0.55 : 0.15)
        wall = wall * (1 + u * side * strength * 0.8)
        let column = abs(u * 30 - (u * 30).rounded(.toNearestOrAwayFromZero))
        if column < 0.12 { wall = wall * 0.7 }
        if dark && abs(u) < 0.05 {
            wall = FastMath.mix(wall, palette.accent, 0.6)
        }
        return wall
    }
}
