import JourneymanCore
import JourneymanEngine
import JourneymanImaging
import Testing

@Suite("Rendering")
struct RenderingTests {
    @Test("the same prompt and seed give identical bytes")
    func sameSeedGivesIdenticalBytes() async throws {
        let a = try await TestSupport.render(.generate, "a lighthouse at dusk, orange and purple", seed: 42)
        let b = try await TestSupport.render(.generate, "a lighthouse at dusk, orange and purple", seed: 42)
        #expect(a.image == b.image)
        #expect(a.lineage == b.lineage)
    }

    @Test("different prompts give clearly different pictures")
    func differentPromptsDifferClearly() async throws {
        let a = try await TestSupport.render(.generate, "a lighthouse at dusk, orange and purple", seed: 42)
        let b = try await TestSupport.render(.generate, "a green forest in the morning mist", seed: 42)
        #expect(TestSupport.difference(a.image, b.image) > 20)
    }

    @Test("a different seed gives a different grid")
    func differentSeedsDiffer() async throws {
        let a = try await TestSupport.render(.generate, "mountains", seed: 1)
        let b = try await TestSupport.render(.generate, "mountains", seed: 2)
        #expect(TestSupport.difference(a.image, b.image) > 5)
    }

    @Test(
        "grids have the sizes ImageGeometry prescribes",
        arguments: [
            AspectRatio(width: 1, height: 1), AspectRatio(width: 16, height: 9), AspectRatio(width: 2, height: 3),
        ])
    func gridSizesFollowTheAspectRatio(aspect: AspectRatio) async throws {
        let result = try await TestSupport.render(.generate, "a calm sea", aspect: aspect)
        let expected = ImageGeometry.gridSize(for: aspect)
        #expect(result.image.width == expected.width)
        #expect(result.image.height == expected.height)
    }

    @Test("the four tiles of a grid are distinct pictures")
    func gridTilesAreDistinct() async throws {
        let grid = try await TestSupport.render(.generate, "a city skyline at night").image
        let tiles = (1...4).map { grid.quadrant($0) }
        for i in 0..<4 {
            for j in (i + 1)..<4 {
                #expect(TestSupport.difference(tiles[i], tiles[j]) > 3)
            }
        }
    }

    @Test("upscaleN returns exactly quadrant N of the grid", arguments: [1, 2, 3, 4])
    func upscaleReturnsTheQuadrant(n: Int) async throws {
        let grid = try await TestSupport.render(.generate, "desert dunes at sunset")
        let action = [ImagineAction.upscale1, .upscale2, .upscale3, .upscale4][n - 1]
        let upscaled = try await TestSupport.render(action, "desert dunes at sunset", source: grid)
        let tile = ImageGeometry.tileSize(for: TestSupport.thin)
        #expect(upscaled.image.width == tile.width && upscaled.image.height == tile.height)
        #expect(upscaled.image == grid.image.quadrant(n))
    }

    @Test("subtle variations stay closer than strong ones, and rerolls differ most")
    func variationStrengthsAreOrdered() async throws {
        let prompt = "snowy mountains above a lake at golden hour"
        let grid = try await TestSupport.render(.generate, prompt, seed: 11)
        let single = try await TestSupport.render(.upscale1, prompt, seed: 11, source: grid)
        let subtle = try await TestSupport.render(.variationSubtle, prompt, seed: 12, source: single)
        let strong = try await TestSupport.render(.variationStrong, prompt, seed: 12, source: single)
        let variation = try await TestSupport.render(.variation1, prompt, seed: 12, source: grid)
        let reroll = try await TestSupport.render(.reroll, prompt, seed: 99, source: grid)
        #expect(subtle.image.width == single.image.width * 2 && subtle.image.height == single.image.height * 2)
        func meanDifference(_ result: RenderedImage) -> Double {
            (1...4).map { TestSupport.difference(result.image.quadrant($0), single.image) }.reduce(0, +) / 4
        }
        let subtleDifference = meanDifference(subtle)
        let strongDifference = meanDifference(strong)
        let variationDifference = meanDifference(variation)
        let rerollDifference = meanDifference(reroll)
        #expect(subtleDifference > 0.5)
        #expect(subtleDifference < strongDifference)
        #expect(variationDifference < rerollDifference)
        #expect(strongDifference < rerollDifference)
    }

    @Test("zoom out keeps the source, scaled down, at the centre of each tile", arguments: [ImagineAction.zoomOut2x, .zoomOut1_5x])
    func zoomOutKeepsTheSourceAtTheCentre(action: ImagineAction) async throws {
        let prompt = "a lighthouse on a cliff above the sea"
        let grid = try await TestSupport.render(.generate, prompt)
        let single = try await TestSupport.render(.upscale2, prompt, source: grid)
        let zoomed = try await TestSupport.render(action, prompt, source: single)
        let w = single.image.width, h = single.image.height
        #expect(zoomed.image.width == w * 2 && zoomed.image.height == h * 2)
        let factor = action == .zoomOut2x ? 2.0 : 1.5
        let innerW = Int((Double(w) / factor).rounded()), innerH = Int((Double(h) / factor).rounded())
        let expected = single.image.resized(width: innerW, height: innerH)
        for n in 1...4 {
            let tile = zoomed.image.quadrant(n)
            let centre = tile.cropped(x: (w - innerW) / 2, y: (h - innerH) / 2, width: innerW, height: innerH)
            #expect(TestSupport.difference(centre, expected) < 1.0)
            // The border is new scene content, not a flat frame.
            let border = tile.cropped(x: 0, y: 0, width: w, height: max(1, (h - innerH) / 2))
            let first = border[0, 0]
            let varied = (0..<border.height).contains { y in (0..<border.width).contains { x in border[x, y] != first } }
            #expect(varied)
        }
    }

    @Test(
        "pans grow the canvas by half and keep the original pixels exactly",
        arguments: [
            ImagineAction.panLeft, .panRight, .panUp, .panDown,
        ])
    func panKeepsTheOriginalPixels(action: ImagineAction) async throws {
        let prompt = "a forest by a river"
        let grid = try await TestSupport.render(.generate, prompt, aspect: AspectRatio(width: 1, height: 2))
        let single = try await TestSupport.render(.upscale3, prompt, aspect: AspectRatio(width: 1, height: 2), source: grid)
        let panned = try await TestSupport.render(action, prompt, aspect: AspectRatio(width: 1, height: 2), source: single)
        let w = single.image.width, h = single.image.height
        let size = ImageGeometry.pannedSize(width: w, height: h, action: action)
        #expect(panned.image.width == size.width * 2 && panned.image.height == size.height * 2)
        let x = action == .panLeft ? size.width - w : 0
        let y = action == .panUp ? size.height - h : 0
        for n in 1...4 {
            let tile = panned.image.quadrant(n)
            #expect(tile.cropped(x: x, y: y, width: w, height: h) == single.image)
        }
    }

    @Test("region variation repaints inside the mask only")
    func regionVariationRespectsTheMask() async throws {
        let prompt = "a harbour city at dusk"
        let grid = try await TestSupport.render(.generate, prompt)
        let single = try await TestSupport.render(.upscale4, prompt, source: grid)
        let w = single.image.width, h = single.image.height
        var mask = RGBAImage(width: w, height: h, fill: RGBA(r: 0, g: 0, b: 0))
        for y in (h / 4)..<(h / 2) {
            for x in 0..<w { mask[x, y] = RGBA(r: 255, g: 255, b: 255) }
        }
        let result = try await TestSupport.render(.variationRegion, prompt, source: single, mask: mask)
        #expect(result.image.width == w * 2 && result.image.height == h * 2)
        for n in 1...4 {
            let tile = result.image.quadrant(n)
            #expect(tile.cropped(x: 0, y: 0, width: w, height: h / 4) == single.image.cropped(x: 0, y: 0, width: w, height: h / 4))
            #expect(
                tile.cropped(x: 0, y: h / 2, width: w, height: h - h / 2)
                    == single.image.cropped(x: 0, y: h / 2, width: w, height: h - h / 2))
            let inside = tile.cropped(x: 0, y: h / 4, width: w, height: h / 4)
            #expect(TestSupport.difference(inside, single.image.cropped(x: 0, y: h / 4, width: w, height: h / 4)) > 1)
        }
    }

    @Test("upscale_2x and upscale_4x double and quadruple the size with smooth resampling", arguments: [2, 4])
    func upscaleResamples(factor: Int) async throws {
        let grid = try await TestSupport.render(.generate, "a ringed planet in space")
        let single = try await TestSupport.render(.upscale1, "a ringed planet in space", source: grid)
        let small = single.image.cropped(x: 0, y: 0, width: 64, height: 96)
        let source = RenderedImage(image: small, lineage: "")
        let action: ImagineAction = factor == 2 ? .upscale2x : .upscale4x
        let big = try await TestSupport.render(action, "a ringed planet in space", source: source)
        #expect(big.image.width == 64 * factor && big.image.height == 96 * factor)
        // Not nearest neighbour: blocks of factor×factor pixels are not all copies of one pixel.
        var blocksWithVariation = 0
        for by in 0..<96 {
            for bx in 0..<64 {
                let first = big.image[bx * factor, by * factor]
                if big.image[bx * factor + factor - 1, by * factor + factor - 1] != first { blocksWithVariation += 1 }
            }
        }
        #expect(blocksWithVariation > 64 * 96 / 4)
    }

    @Test("a grid render reports at least five growing progress values")
    func progressGrows() async throws {
        let log = ProgressLog()
        _ = try await TestSupport.render(.generate, "an abstract composition", progress: { log.record($0) })
        let values = log.all
        #expect(Set(values).count >= 5)
        #expect(values == values.sorted())
        #expect(values.last == 100)
    }

    @Test("--no red removes red hues from the picture")
    func exclusionRemovesAHueFamily() async throws {
        let prompt = "a red sunset over the sea, crimson and scarlet sky"
        let with = try await TestSupport.render(.generate, prompt, seed: 5)
        let without = try await TestSupport.render(.generate, prompt, seed: 5, exclusions: ["red"])
        let before = TestSupport.hueShare(with.image, from: 350, to: 10)
        let after = TestSupport.hueShare(without.image, from: 350, to: 10)
        #expect(before > 0.05)
        #expect(after < 0.002)
    }

    @Test("--no sun removes the sun disc")
    func exclusionRemovesAnElement() async throws {
        let with = try await TestSupport.render(.generate, "a sunny beach", seed: 3)
        let without = try await TestSupport.render(.generate, "a sunny beach", seed: 3, exclusions: ["sun"])
        #expect(with.image != without.image)
    }

    @Test("cancelling the task stops the render")
    func cancellationStopsTheRender() async throws {
        let task = Task {
            try await TestSupport.render(.generate, "a galaxy", aspect: AspectRatio(width: 1, height: 1))
        }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
