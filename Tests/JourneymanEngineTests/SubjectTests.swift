import JourneymanCore
import JourneymanEngine
import JourneymanImaging
import Testing

@Suite("Subjects")
struct SubjectTests {
    /// Share of pixels in a rectangle (fractions of the image) that satisfy `test` on (r, g, b) in 0–1.
    private static func share(
        _ image: RGBAImage, x: ClosedRange<Double>, y: ClosedRange<Double>,
        _ test: (Double, Double, Double) -> Bool
    ) -> Double {
        let x0 = Int(x.lowerBound * Double(image.width)), x1 = Int(x.upperBound * Double(image.width))
        let y0 = Int(y.lowerBound * Double(image.height)), y1 = Int(y.upperBound * Double(image.height))
        var hits = 0
        for py in y0..<y1 {
            for px in x0..<x1 {
                let c = image[px, py]
                if test(Double(c.r) / 255, Double(c.g) / 255, Double(c.b) / 255) { hits += 1 }
            }
        }
        return Double(hits) / Double(max(1, (x1 - x0) * (y1 - y0)))
    }

    /// Whether a colour is a warm, fairly bright, fairly saturated sand, ochre or lamplight tone.
    private static func isWarm(_ r: Double, _ g: Double, _ b: Double) -> Bool {
        r > 0.45 && r >= g && g > b && (r - b) / r > 0.2 && (g - b) / max(r - b, 1e-6) > 0.25
    }

    @Test("a cat portrait shows pointed ears where a person's portrait shows sky")
    func catPortraitHasEarsWhereAPersonHasNone() async throws {
        let square = AspectRatio(width: 1, height: 1)
        let cat = try await TestSupport.render(.generate, "a black cat portrait on a sunny day", aspect: square).image.quadrant(1)
        let person = try await TestSupport.render(.generate, "a portrait of a man on a sunny day", aspect: square).image.quadrant(1)
        // Centre of an ear: u ≈ ±0.19, v ≈ 0.91 in the portrait's units (size 0.82, base at 1.02).
        let earY = (1.02 - 0.93 * 0.82)...(1.02 - 0.89 * 0.82)
        let dark: (Double, Double, Double) -> Bool = { r, g, b in 0.3 * r + 0.59 * g + 0.11 * b < 0.25 }
        for earX in [(0.5 - 0.21 * 0.82)...(0.5 - 0.17 * 0.82), (0.5 + 0.17 * 0.82)...(0.5 + 0.21 * 0.82)] {
            #expect(Self.share(cat, x: earX, y: earY, dark) > 0.8)
            #expect(Self.share(person, x: earX, y: earY, dark) < 0.2)
        }
        // The cat's eyes catch the light: saturated yellow-green pixels around the eye line.
        let eyes: (Double, Double, Double) -> Bool = { r, g, b in g > 0.45 && r > 0.35 && b < 0.5 * g }
        let eyeY = (1.02 - 0.77 * 0.82)...(1.02 - 0.7 * 0.82)
        #expect(Self.share(cat, x: 0.35...0.65, y: eyeY, eyes) > 0.03)
    }

    @Test("desert dunes are mostly sand-coloured below the horizon")
    func desertDunesAreSandColoured() async throws {
        let tile = try await TestSupport.render(.generate, "desert dunes at noon, minimal").image.quadrant(1)
        #expect(Self.share(tile, x: 0...1, y: 0.72...1, Self.isWarm) > 0.6)
        // A hot, pale sky: bright at the top, not saturated deep blue.
        let sky = tile[tile.width / 2, 4]
        #expect(Int(sky.r) + Int(sky.g) + Int(sky.b) > 3 * 120)
    }

    @Test("naming a castle adds a lit structure that --no castle removes")
    func castleAddsStructure() async throws {
        let prompt = "a castle on a hill at night"
        let with = try await TestSupport.render(.generate, prompt, aspect: AspectRatio(width: 1, height: 1)).image.quadrant(1)
        let without = try await TestSupport.render(
            .generate, prompt, aspect: AspectRatio(width: 1, height: 1),
            exclusions: ["castle"]
        ).image.quadrant(1)
        let lamplight: (Double, Double, Double) -> Bool = { r, g, b in r > 0.6 && g > 0.4 && b < 0.8 * r && r - b > 0.2 }
        #expect(Self.share(with, x: 0...1, y: 0.3...1, lamplight) > 0.001)
        #expect(Self.share(without, x: 0...1, y: 0.3...1, lamplight) < 0.0002)
        #expect(TestSupport.difference(with, without) > 0.3)
    }

    @Test("a tropical beach has a sandy foreground and palm silhouettes")
    func tropicalBeachHasSandAndPalms() async throws {
        let square = AspectRatio(width: 1, height: 1)
        let beach = try await TestSupport.render(.generate, "a tropical beach at noon", aspect: square).image.quadrant(1)
        let bare = try await TestSupport.render(.generate, "a tropical beach at noon", aspect: square, exclusions: ["palm"]).image.quadrant(
            1)
        #expect(Self.share(bare, x: 0...1, y: 0.9...1, Self.isWarm) > 0.5)
        let dark: (Double, Double, Double) -> Bool = { r, g, b in 0.3 * r + 0.59 * g + 0.11 * b < 0.2 }
        #expect(Self.share(beach, x: 0...1, y: 0...0.6, dark) > Self.share(bare, x: 0...1, y: 0...0.6, dark) + 0.03)
    }

    @Test("a village is made of small houses, not a skyline of towers")
    func villageIsNotACity() async throws {
        let village = try await TestSupport.render(.generate, "a village at dusk", aspect: AspectRatio(width: 1, height: 1)).image.quadrant(
            1)
        let city = try await TestSupport.render(.generate, "a city at dusk", aspect: AspectRatio(width: 1, height: 1)).image.quadrant(1)
        // Towers fill the band above the horizon with dark masses; the village leaves it to the sky and hills.
        let dark: (Double, Double, Double) -> Bool = { r, g, b in 0.3 * r + 0.59 * g + 0.11 * b < 0.12 }
        #expect(Self.share(city, x: 0...1, y: 0.45...0.6, dark) > Self.share(village, x: 0...1, y: 0.45...0.6, dark) + 0.1)
    }
}
