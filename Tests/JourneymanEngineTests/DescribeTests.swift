import JourneymanCore
import JourneymanEngine
import JourneymanImaging
import Testing

@Suite("Describe")
struct DescribeTests {
    @Test("describing a render recovers its palette words")
    func describeRecoversPaletteWords() async throws {
        let prompt = "a lighthouse at dusk, orange and purple"
        let grid = try await TestSupport.render(.generate, prompt, aspect: .square)
        for n in 1...2 {
            let tile = grid.image.quadrant(n)
            let descriptions = try await LocalEngine().describe(tile, originalWidth: tile.width, originalHeight: tile.height)
            let text = descriptions.joined(separator: " ")
            #expect(text.contains("orange"), "\(descriptions)")
            #expect(text.contains("purple"), "\(descriptions)")
        }
    }

    @Test("descriptions end with the reduced aspect ratio of the original size")
    func descriptionsEndWithAspectRatio() async throws {
        let image = RGBAImage(width: 451, height: 300, fill: RGBA(r: 40, g: 90, b: 160))
        let descriptions = try await LocalEngine().describe(image, originalWidth: 451, originalHeight: 300)
        #expect(descriptions.count == 4)
        #expect(Set(descriptions).count == 4)
        for description in descriptions {
            #expect(description.hasSuffix(" --ar 3:2"))
        }
    }

    @Test("a downscaled image is described with the original's aspect ratio")
    func downscaledImageUsesOriginalSize() async throws {
        let image = RGBAImage(width: 100, height: 100, fill: RGBA(r: 200, g: 200, b: 200))
        let descriptions = try await LocalEngine().describe(image, originalWidth: 1920, originalHeight: 1080)
        #expect(descriptions.allSatisfy { $0.hasSuffix(" --ar 16:9") })
    }

    @Test("a photo-like picture gets colour, light and orientation words")
    func photoLikePictureIsDescribed() async throws {
        // Blue sky over green fields with a bright sun: a synthetic "photograph".
        var image = RGBAImage(width: 300, height: 200)
        for y in 0..<200 {
            for x in 0..<300 {
                let noise = UInt8((x * 7 + y * 13) % 9)
                if y < 110 {
                    image[x, y] = RGBA(r: 70 + UInt8(y / 4) + noise, g: 130 + UInt8(y / 3), b: 220)
                } else {
                    image[x, y] = RGBA(r: 50 + noise, g: 140 + noise, b: 50)
                }
            }
        }
        let descriptions = try await LocalEngine().describe(image, originalWidth: 300, originalHeight: 200)
        let text = descriptions.joined(separator: " ")
        #expect(text.contains("blue"))
        #expect(text.contains("green"))
        #expect(text.contains("landscape"))
        #expect(text.contains("horizon"))
    }
}
