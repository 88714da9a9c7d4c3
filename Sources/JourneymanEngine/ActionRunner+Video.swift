import JourneymanCore
import JourneymanImaging

extension ActionRunner {
    /// A picture wider and taller than `image` by `marginX` and `marginY` on each side: the prompt's scene rendered at
    /// the image's scale around it, with the image pasted exactly at (`marginX`, `marginY`) and its seams healed. A video
    /// camera pans across it.
    func panorama(around image: RGBAImage, marginX: Int, marginY: Int) throws -> RGBAImage {
        try flag.check()
        let w = image.width, h = image.height
        let recipe = SceneRecipe.make(from: job.prompt)
        let spec = TileSpec.make(
            recipe: recipe, seed: job.prompt.seed ?? job.seed, index: 0, chaos: job.prompt.chaos, aspect: Float(w) / Float(h))
        let tile = TileJob(
            spec: spec, view: Viewport.nominal(height: h).shifted(dx: marginX, dy: marginY), width: w + 2 * marginX,
            height: h + 2 * marginY)
        let rendered = try renderTiles([tile])[0]
        var panorama = rendered
        panorama.draw(image, atX: marginX, y: marginY)
        ImageOps.healSeams(
            result: &panorama, rendered: rendered, rectX: marginX, rectY: marginY, rectWidth: w, rectHeight: h,
            band: max(8, max(marginX, marginY) * 2 / 3))
        return panorama
    }
}
