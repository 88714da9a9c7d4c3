/// Renders one picture of a `TileSpec` through a `Viewport` into a floating-point canvas:
/// sky, sun, clouds and stars, silhouette layers back to front, water with reflections, shapes, lights.
struct SceneRenderer: Sendable {
    /// The picture's parameters.
    let spec: TileSpec
    /// Pixel-to-scene mapping.
    let view: Viewport
    /// Output width in pixels.
    let width: Int
    /// Output height in pixels.
    let height: Int
    /// Palette after the tile's hue shift, exposure and warmth.
    let palette: Palette
    /// Scene y of the horizon.
    let horizon: Float
    /// Sun (or moon) centre.
    let sunX: Float, sunY: Float
    /// Sun radius.
    let sunRadius: Float
    /// Which light is in the sky.
    let showSun: Bool, showMoon: Bool
    /// Layers back to front.
    var layers: [SceneLayer] = []
    /// Per-column profiles of all layers: top edge, slope, and two shading values.
    var tops: [Float] = []
    var slopes: [Float] = []
    var auxA: [Float] = []
    var auxB: [Float] = []
    /// Edge functions of the layers (same order as `layers`).
    var edges: [LayerProfile] = []
    /// Small objects.
    var shapes: [SceneShape] = []
    /// Elements of a geometric abstract composition.
    var abstractShapes: [AbstractShape] = []
    /// The lighthouse lamp, if any (x, y, strength).
    var lamp: SIMD3<Float>?
    /// Unit direction of the lamp's beams.
    let lampDirection: SIMD2<Float>
    /// Scene x range covered by the canvas.
    let minX: Float, maxX: Float

    /// Prepares the layout for a `width`×`height` canvas.
    init(spec: TileSpec, view: Viewport, width: Int, height: Int) {
        self.spec = spec
        self.view = view
        self.width = width
        self.height = height
        var palette = spec.recipe.palette
        let shift = spec.hueShift
        let exposure = spec.exposure
        let warmth = spec.warmth
        if abs(shift) > 0.01 || abs(warmth) > 0.001 || abs(exposure - 1) > 0.001 {
            palette.apply { color in
                var c = abs(shift) > 0.01 ? ColorMath.rotateHue(color, shift) : color
                c = c * exposure
                c.x += warmth * 0.5
                c.z -= warmth * 0.5
                c = ColorMath.clamp(c, 0, 1)
                c.w = 1
                return c
            }
            if !spec.recipe.excluded.isEmpty {
                SceneRecipe.removeHues(spec.recipe.excluded, from: &palette)
            }
        }
        self.palette = palette
        horizon = spec.horizon
        sunX = spec.sunX * spec.aspect
        sunY = spec.horizon - spec.sunY
        sunRadius = spec.sunSize
        let features = spec.recipe.features
        showMoon = features.moon && spec.recipe.subject != .space
        showSun = features.sun && !showMoon
        lampDirection = SceneRenderer.lampDirection(phase: spec.phases[6])
        minX = view.originX
        maxX = view.originX + Float(width) * view.unitsPerPixel
        buildLayout()
        if spec.recipe.subject == .abstract && !features.fluid {
            abstractShapes = SceneRenderer.makeAbstractShapes(spec: spec, palette: palette)
        }
    }

    /// Scene x of the centre of pixel column `x`.
    @inline(__always)
    func sceneX(_ x: Int) -> Float { view.originX + (Float(x) + 0.5) * view.unitsPerPixel }

    /// Scene y of the centre of pixel row `y`.
    @inline(__always)
    func sceneY(_ y: Int) -> Float { view.originY + (Float(y) + 0.5) * view.unitsPerPixel }

    /// Renders the canvas; `checkpoint(row)` is called every few rows and may throw to cancel.
    func render(checkpoint: (Int) throws -> Void) throws -> Canvas {
        var canvas = Canvas(width: width, height: height)
        let w = width
        let layerCount = layers.count
        var rowSky = [SIMD4<Float>](repeating: .zero, count: height)
        for y in 0..<height { rowSky[y] = skyGradient(sceneY(y)) }
        try tops.withUnsafeBufferPointer { tops in
            try slopes.withUnsafeBufferPointer { slopes in
                try auxA.withUnsafeBufferPointer { auxA in
                    try auxB.withUnsafeBufferPointer { auxB in
                        let profiles = Profiles(tops: tops, slopes: slopes, auxA: auxA, auxB: auxB)
                        try canvas.pixels.withUnsafeMutableBufferPointer { out in
                            for y in 0..<height {
                                if y & 15 == 0 { try checkpoint(y) }
                                let sy = sceneY(y)
                                let base = rowSky[y]
                                for x in 0..<w {
                                    let sx = sceneX(x)
                                    out[y * w + x] = shade(
                                        x: x, y: y, sx: sx, sy: sy, base: base, layerCount: layerCount, profiles: profiles, canvas: out)
                                }
                            }
                        }
                    }
                }
            }
        }
        try checkpoint(height)
        return canvas
    }

    /// Unsafe views of the profile buffers for the pixel loop.
    struct Profiles {
        let tops: UnsafeBufferPointer<Float>
        let slopes: UnsafeBufferPointer<Float>
        let auxA: UnsafeBufferPointer<Float>
        let auxB: UnsafeBufferPointer<Float>
    }

    /// The colour of one pixel.
    @inline(__always)
    private func shade(
        x: Int, y: Int, sx: Float, sy: Float, base: SIMD4<Float>, layerCount: Int,
        profiles: Profiles, canvas: UnsafeMutableBufferPointer<SIMD4<Float>>
    ) -> SIMD4<Float> {
        let aa = view.unitsPerPixel
        var start = -1
        var index = layerCount - 1
        while index >= 0 {
            if sy >= profiles.tops[index * width + x] + aa * 0.5 {
                start = index
                break
            }
            index -= 1
        }
        var color: SIMD4<Float>
        if start < 0 {
            color = sky(sx: sx, sy: sy, base: base)
            color = drawShapes(color, afterLayer: -1, sx: sx, sy: sy)
        } else {
            color = shadeLayer(start, x: x, y: y, sx: sx, sy: sy, profiles: profiles, canvas: canvas)
            color = drawShapes(color, afterLayer: start, sx: sx, sy: sy)
        }
        var next = start + 1
        while next < layerCount {
            let top = profiles.tops[next * width + x]
            let coverage = FastMath.clamp((sy - top) / aa + 0.5)
            if coverage > 0 {
                let layerColor = shadeLayer(next, x: x, y: y, sx: sx, sy: sy, profiles: profiles, canvas: canvas)
                color = color + (layerColor - color) * coverage
            }
            color = drawShapes(color, afterLayer: next, sx: sx, sy: sy)
            next += 1
        }
        if let lamp { color = addLamp(color, lamp: lamp, sx: sx, sy: sy) }
        if spec.recipe.features.rain { color = addRain(color, sx: sx, sy: sy) }
        return color
    }
}
