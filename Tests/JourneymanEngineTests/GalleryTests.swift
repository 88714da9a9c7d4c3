import JourneymanEngine
import JourneymanImaging
import Testing

@Suite("Gallery")
struct GalleryTests {
    @Test("a contact sheet holds one captioned picture per prompt")
    func contactSheetHasAPicturePerPrompt() async throws {
        let sheet = try await Gallery.contactSheet(prompts: ["a lighthouse at dusk", "neon city at night"], seed: 3)
        // Two columns of 512 px pictures with margins, one row plus caption and title.
        #expect(sheet.width == 24 + 2 * (512 + 24))
        #expect(sheet.height > 512 + 60)
        // Caption text is drawn in light pixels on the dark background below the first picture.
        let captionTop = sheet.height - 24 - 3 * 20 - 12
        var light = 0
        for y in captionTop..<(sheet.height - 24) {
            for x in 24..<(24 + 512) where sheet[x, y].r > 150 { light += 1 }
        }
        #expect(light > 100)
    }

    @Test("a contact sheet is deterministic")
    func contactSheetIsDeterministic() async throws {
        let a = try await Gallery.contactSheet(prompts: ["pixel art forest"], seed: 9)
        let b = try await Gallery.contactSheet(prompts: ["pixel art forest"], seed: 9)
        #expect(a == b)
    }
}
