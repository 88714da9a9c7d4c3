/// Maps pixels to scene coordinates (scene height 1 = the original frame's height).
struct Viewport: Codable, Sendable, Equatable {
    /// Scene x of the left edge of pixel column 0.
    var originX: Float
    /// Scene y of the top edge of pixel row 0.
    var originY: Float
    /// Scene units per pixel.
    var unitsPerPixel: Float

    /// The original framing of a `width`×`height` tile.
    static func nominal(height: Int) -> Viewport {
        Viewport(originX: 0, originY: 0, unitsPerPixel: 1 / Float(height))
    }

    /// The view of a canvas `scale` times wider, centred on the same scene point.
    func zoomedOut(by scale: Float, width: Int, height: Int) -> Viewport {
        let centerX = originX + Float(width) * unitsPerPixel / 2
        let centerY = originY + Float(height) * unitsPerPixel / 2
        let upp = unitsPerPixel * scale
        return Viewport(originX: centerX - Float(width) * upp / 2, originY: centerY - Float(height) * upp / 2, unitsPerPixel: upp)
    }

    /// The view of a canvas that keeps this scale and starts `dx`, `dy` pixels earlier.
    func shifted(dx: Int, dy: Int) -> Viewport {
        Viewport(originX: originX - Float(dx) * unitsPerPixel, originY: originY - Float(dy) * unitsPerPixel, unitsPerPixel: unitsPerPixel)
    }
}
