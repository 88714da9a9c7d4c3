import JourneymanCore
import JourneymanImaging
import Synchronization

/// Carries out one `RenderJob` synchronously on the calling thread (one of the CPU pool's), rendering the tiles of a
/// grid in parallel on that pool.
struct ActionRunner: Sendable {
    /// The job.
    let job: RenderJob
    /// Where the tiles render: the calling thread and the pool's free ones.
    let pool: CPUPool
    /// Set when the awaiting task is cancelled.
    let flag: CancellationFlag
    /// Progress sink.
    let progress: @Sendable (Int) -> Void

    /// One picture to render.
    struct TileJob: Sendable {
        var spec: TileSpec
        var view: Viewport
        var width: Int
        var height: Int
    }

    /// Runs the job.
    func run() throws -> RenderedImage {
        try flag.check()
        switch job.action {
        case .generate, .reroll:
            return try generate()
        case .upscale1, .upscale2, .upscale3, .upscale4:
            return try upscaleTile(job.action.quadrant ?? 1)
        case .variation1, .variation2, .variation3, .variation4:
            return try varyGridTile(job.action.quadrant ?? 1)
        case .variationSubtle:
            return try varySingle(amount: 0.1)
        case .variationStrong:
            return try varySingle(amount: 0.38)
        case .variationRegion:
            return try varyRegion()
        case .zoomOut2x:
            return try zoomOut(2)
        case .zoomOut1_5x:
            return try zoomOut(1.5)
        case .panLeft, .panRight, .panUp, .panDown:
            return try pan(job.action)
        case .upscale2x:
            return try upscaleImage(2)
        case .upscale4x:
            return try upscaleImage(4)
        }
    }

    // MARK: - Rendering

    /// The seed in force: `--seed` when given, else the task's.
    private var seed: UInt32 { job.prompt.seed ?? job.seed }

    /// Renders tiles in parallel on the CPU pool, reporting progress.
    func renderTiles(_ tiles: [TileJob]) throws -> [RGBAImage] {
        let reporter = ProgressReporter(parts: tiles.count, callback: progress)
        let outcome = TileOutcome(count: tiles.count)
        let flag = self.flag
        pool.perform(iterations: tiles.count) { index in
            do {
                let image = try ActionRunner.renderTile(tiles[index], flag: flag) { fraction in
                    reporter.update(part: index, fraction: fraction)
                }
                outcome.images.withLock { $0[index] = image }
            } catch {
                outcome.failure.withLock { $0 = $0 ?? error }
                flag.cancel()
            }
        }
        if let error = outcome.failure.withLock({ $0 }) {
            if error is CancellationError || self.flag.isCancelled { throw CancellationError() }
            throw error
        }
        try self.flag.check()
        let images = outcome.images.withLock { $0.compactMap { $0 } }
        guard images.count == tiles.count else { throw EngineError(message: "a tile failed to render") }
        return images
    }

    /// Renders one picture (scene, then finishing), calling `report` with 0–1.
    static func renderTile(_ tile: TileJob, flag: CancellationFlag, report: (Double) -> Void) throws -> RGBAImage {
        let renderer = SceneRenderer(spec: tile.spec, view: tile.view, width: tile.width, height: tile.height)
        let height = Double(tile.height)
        let canvas = try renderer.render { row in
            try flag.check()
            report(Double(row) / height * 0.85)
        }
        let image = try Finisher(spec: tile.spec).finish(canvas) { _ in
            try flag.check()
        }
        report(1)
        return image
    }

    /// The result of a set of tiles: a grid (or the single image) with its lineage.
    private func result(_ images: [RGBAImage], tiles: [TileJob]) -> RenderedImage {
        let lineage = Lineage(tiles: tiles.map { Lineage.Tile(spec: $0.spec, view: $0.view, width: $0.width, height: $0.height) })
        let image = images.count == 1 ? images[0] : ImageOps.grid(images)
        ProgressReporter(parts: 1, callback: progress).finish()
        return RenderedImage(image: image, lineage: lineage.encoded())
    }

    // MARK: - Actions

    private func generate() throws -> RenderedImage {
        let recipe = SceneRecipe.make(from: job.prompt)
        let size = ImageGeometry.tileSize(for: job.prompt.aspect)
        let aspect = Float(size.width) / Float(size.height)
        let tiles = (0..<4).map { index in
            TileJob(
                spec: TileSpec.make(recipe: recipe, seed: seed, index: index, chaos: job.prompt.chaos, aspect: aspect),
                view: .nominal(height: size.height), width: size.width, height: size.height)
        }
        return result(try renderTiles(tiles), tiles: tiles)
    }

    /// The source image (throws a bad request when missing).
    private func requireSource() throws -> RenderSource {
        guard let source = job.source else {
            throw EngineError(code: .badRequest, message: "\(job.action.rawValue) needs a source image")
        }
        return source
    }

    /// The scene parameters of picture `index` of the source: from its lineage, or rebuilt from its prompt.
    private func sourceTile(_ source: RenderSource, index: Int, width: Int, height: Int) -> (tile: Lineage.Tile, exact: Bool) {
        if let lineage = Lineage.decode(source.lineage) {
            let tile = lineage.tiles[min(index, lineage.tiles.count - 1)]
            return (Lineage.Tile(spec: tile.spec, view: tile.view(forWidth: width, height: height), width: width, height: height), true)
        }
        let recipe = SceneRecipe.make(from: source.prompt)
        let spec = TileSpec.make(
            recipe: recipe, seed: source.seed, index: index, chaos: source.prompt.chaos,
            aspect: Float(width) / Float(height))
        return (Lineage.Tile(spec: spec, view: .nominal(height: height), width: width, height: height), false)
    }

    private func upscaleTile(_ n: Int) throws -> RenderedImage {
        let source = try requireSource()
        let grid = source.image
        guard grid.width >= 2 && grid.height >= 2 else {
            throw EngineError(code: .badRequest, message: "the source is too small to hold a grid")
        }
        let image = grid.quadrant(n)
        let tile = sourceTile(source, index: n - 1, width: image.width, height: image.height).tile
        ProgressReporter(parts: 1, callback: progress).finish()
        return RenderedImage(image: image, lineage: Lineage(tiles: [tile]).encoded())
    }

    /// Four perturbed renders of one source picture.
    private func variations(of base: Lineage.Tile, amount: Float) -> [TileJob] {
        (0..<4).map { index in
            let spec = base.spec.perturbed(amount: amount, seed: StableHash.combine(UInt64(job.seed), UInt64(index), 0x7a71))
            return TileJob(spec: spec, view: base.view, width: base.width, height: base.height)
        }
    }

    private func varyGridTile(_ n: Int) throws -> RenderedImage {
        let source = try requireSource()
        let tileImage = source.image.quadrant(n)
        let (base, exact) = sourceTile(source, index: n - 1, width: tileImage.width, height: tileImage.height)
        if !exact { return try warpVariations(of: tileImage, amount: 0.25, base: base) }
        let tiles = variations(of: base, amount: 0.25)
        return result(try renderTiles(tiles), tiles: tiles)
    }

    private func varySingle(amount: Float) throws -> RenderedImage {
        let source = try requireSource()
        let (base, exact) = sourceTile(source, index: 0, width: source.image.width, height: source.image.height)
        if !exact { return try warpVariations(of: source.image, amount: amount, base: base) }
        let tiles = variations(of: base, amount: amount)
        return result(try renderTiles(tiles), tiles: tiles)
    }

    /// Variations of a picture the engine knows nothing about: warped and recoloured copies.
    private func warpVariations(of image: RGBAImage, amount: Float, base: Lineage.Tile) throws -> RenderedImage {
        let reporter = ProgressReporter(parts: 4, callback: progress)
        var images: [RGBAImage] = []
        for index in 0..<4 {
            try flag.check()
            let seed = UInt32(truncatingIfNeeded: StableHash.combine(UInt64(job.seed), UInt64(index)))
            images.append(ImageOps.warpVariation(image, amount: amount, seed: seed))
            reporter.update(part: index, fraction: 1)
        }
        let tiles = (0..<4).map { _ in TileJob(spec: base.spec, view: base.view, width: image.width, height: image.height) }
        return result(images, tiles: tiles)
    }

    private func varyRegion() throws -> RenderedImage {
        let source = try requireSource()
        guard var mask = job.mask else {
            throw EngineError(code: .badRequest, message: "variation_region needs a mask")
        }
        let image = source.image
        if mask.width != image.width || mask.height != image.height {
            mask = mask.resized(width: image.width, height: image.height)
        }
        let (base, exact) = sourceTile(source, index: 0, width: image.width, height: image.height)
        var repaints: [RGBAImage]
        let tiles = variations(of: base, amount: 0.45)
        if exact {
            repaints = try renderTiles(tiles)
        } else {
            repaints = []
            for index in 0..<4 {
                try flag.check()
                let seed = UInt32(truncatingIfNeeded: StableHash.combine(UInt64(job.seed), UInt64(index), 0x12))
                repaints.append(ImageOps.warpVariation(image, amount: 0.6, seed: seed))
            }
        }
        let images = repaints.map { ImageOps.masked(source: image, repaint: $0, mask: mask) }
        return result(images, tiles: tiles)
    }

    /// Four edits of `image` as a grid: the prompt's scene rendered at the image's size with four seeds, painted in
    /// where `mask` is white (or, without one, over all of it at 60 %, so the image's layout shows through). The
    /// lineage is left empty: the grid's pictures are the edited ones, which no scene parameters describe.
    func edit(_ image: RGBAImage, mask: RGBAImage?) throws -> RenderedImage {
        try flag.check()
        let recipe = SceneRecipe.make(from: job.prompt)
        let aspect = Float(image.width) / Float(image.height)
        let tiles = (0..<4).map { index in
            TileJob(
                spec: TileSpec.make(recipe: recipe, seed: seed, index: index, chaos: job.prompt.chaos, aspect: aspect),
                view: .nominal(height: image.height), width: image.width, height: image.height)
        }
        let repaints = try renderTiles(tiles)
        let weights: RGBAImage
        if let mask {
            weights =
                mask.width == image.width && mask.height == image.height ? mask : mask.resized(width: image.width, height: image.height)
        } else {
            weights = RGBAImage(width: image.width, height: image.height, fill: RGBA(r: 153, g: 153, b: 153, a: 255))
        }
        let edited = repaints.map { ImageOps.masked(source: image, repaint: $0, mask: weights) }
        ProgressReporter(parts: 1, callback: progress).finish()
        return RenderedImage(image: ImageOps.grid(edited), lineage: "")
    }

    private func zoomOut(_ factor: Float) throws -> RenderedImage {
        let source = try requireSource()
        let image = source.image
        let w = image.width, h = image.height
        let (base, _) = sourceTile(source, index: 0, width: w, height: h)
        let view = base.view.zoomedOut(by: factor, width: w, height: h)
        let tiles = (0..<4).map { index in
            var spec = base.spec.perturbed(amount: 0.04, seed: StableHash.combine(UInt64(job.seed), UInt64(index), 0x200))
            spec.phases[0] += Float(index) * 1.3
            return TileJob(spec: spec, view: view, width: w, height: h)
        }
        let rendered = try renderTiles(tiles)
        let innerWidth = max(1, Int((Float(w) / factor).rounded()))
        let innerHeight = max(1, Int((Float(h) / factor).rounded()))
        let inner = image.resized(width: innerWidth, height: innerHeight)
        let x0 = (w - innerWidth) / 2, y0 = (h - innerHeight) / 2
        let images = rendered.map { render -> RGBAImage in
            var out = render
            out.draw(inner, atX: x0, y: y0)
            ImageOps.healSeams(
                result: &out, rendered: render, rectX: x0, rectY: y0, rectWidth: innerWidth,
                rectHeight: innerHeight, band: max(8, w / 6))
            return out
        }
        return result(images, tiles: tiles)
    }

    private func pan(_ action: ImagineAction) throws -> RenderedImage {
        let source = try requireSource()
        let image = source.image
        let w = image.width, h = image.height
        let size = ImageGeometry.pannedSize(width: w, height: h, action: action)
        let (base, _) = sourceTile(source, index: 0, width: w, height: h)
        let extraX = size.width - w, extraY = size.height - h
        let placeX = action == .panLeft ? extraX : 0
        let placeY = action == .panUp ? extraY : 0
        let view = base.view.shifted(dx: placeX, dy: placeY)
        let tiles = (0..<4).map { index in
            var spec = base.spec.perturbed(amount: 0.03, seed: StableHash.combine(UInt64(job.seed), UInt64(index), 0x300))
            spec.phases[0] += Float(index) * 1.3
            spec.phases[6] += Float(index) * 0.2
            return TileJob(spec: spec, view: view, width: size.width, height: size.height)
        }
        let rendered = try renderTiles(tiles)
        let images = rendered.map { render -> RGBAImage in
            var out = render
            out.draw(image, atX: placeX, y: placeY)
            ImageOps.healSeams(
                result: &out, rendered: render, rectX: placeX, rectY: placeY, rectWidth: w, rectHeight: h,
                band: max(8, max(extraX, extraY) * 2 / 3))
            return out
        }
        return result(images, tiles: tiles)
    }

    private func upscaleImage(_ factor: Int) throws -> RenderedImage {
        let source = try requireSource()
        let image = source.image
        progress(10)
        try flag.check()
        let big = image.resized(width: image.width * factor, height: image.height * factor)
        try flag.check()
        progress(70)
        let sharp = ImageOps.sharpen(big, amount: factor == 4 ? 0.45 : 0.35)
        var lineage = source.lineage
        if let parsed = Lineage.decode(source.lineage), let tile = parsed.tiles.first {
            let scaled = Lineage.Tile(
                spec: tile.spec, view: tile.view(forWidth: sharp.width, height: sharp.height),
                width: sharp.width, height: sharp.height)
            lineage = Lineage(tiles: [scaled]).encoded()
        }
        ProgressReporter(parts: 1, callback: progress).finish()
        return RenderedImage(image: sharp, lineage: lineage)
    }
}

/// What the tiles of one grid came to, filled in by whichever threads render them.
final class TileOutcome: Sendable {
    let images: Mutex<[RGBAImage?]>
    let failure = Mutex<(any Error)?>(nil)

    init(count: Int) {
        images = Mutex(Array(repeating: nil, count: count))
    }
}
