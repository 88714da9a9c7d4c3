import Foundation
import JourneymanCore
import Testing

@Suite("Prompt parameters")
struct PromptParserTests {
    @Test func plainPromptKeepsItsWordsAndDefaults() throws {
        let parsed = try PromptParser.parse("a lighthouse at dusk")
        #expect(parsed.text == "a lighthouse at dusk")
        #expect(parsed.aspect == .square)
        #expect(parsed.seed == nil)
        #expect(parsed.chaos == 0)
        #expect(parsed.stylize == 100)
    }

    @Test func engineParametersAreParsedInBothDashForms() throws {
        let parsed = try PromptParser.parse("a lighthouse —ar 3:2 --seed 42 --chaos 30 --s 750 --no red, boats")
        #expect(parsed.text == "a lighthouse")
        #expect(parsed.aspect == AspectRatio(width: 3, height: 2))
        #expect(parsed.seed == 42)
        #expect(parsed.chaos == 30)
        #expect(parsed.stylize == 750)
        #expect(parsed.exclusions == ["red", "boats"])
    }

    @Test func otherMidjourneyParametersAreKept() throws {
        let parsed = try PromptParser.parse("castle --v 6.1 --tile --style raw --q 2 --niji")
        #expect(parsed.otherParameters.map(\.name) == ["version", "tile", "style", "quality", "niji"])
        #expect(parsed.otherParameters.first?.value == "6.1")
    }

    @Test func imageURLsAtTheStartAreImagePrompts() throws {
        let parsed = try PromptParser.parse("https://example.com/a.png https://example.com/b.jpg a blend --ar 16:9")
        #expect(parsed.imageURLs.count == 2)
        #expect(parsed.text == "a blend")
    }

    @Test(arguments: [
        ("x --ar 5:1", "--ar"), ("x --ar 0:1", "--ar"), ("x --ar 65:64", "--ar"), ("x --ar wide", "--ar"),
        ("x --seed 4294967296", "--seed"), ("x --seed -1", "--seed"), ("x --chaos 101", "--chaos"),
        ("x --stylize 1001", "--stylize"), ("x --bogus 3", "--bogus"), ("x --tile yes", "--tile"), ("x --no", "--no"),
        ("x --q 9", "--q"),
    ])
    func outOfRangeOrUnknownParametersAreRefusedByName(prompt: String, named: String) {
        #expect {
            try PromptParser.parse(prompt)
        } throws: { error in
            guard let error = error as? ServiceError else { return false }
            return error.code == .badRequest && error.message.contains(named)
        }
    }

    @Test func moreThanFiveImagePromptsAreRefused() {
        let urls = (1...6).map { "https://example.com/\($0).png" }.joined(separator: " ")
        #expect(throws: ServiceError.self) { try PromptParser.parse("\(urls) blend") }
    }

    @Test func extremeAspectRatiosAtTheLimitsAreAccepted() throws {
        #expect(try PromptParser.parse("x --ar 1:4").aspect == AspectRatio(width: 1, height: 4))
        #expect(try PromptParser.parse("x --aspect 4:1").aspect == AspectRatio(width: 4, height: 1))
    }
}

@Suite("Geometry and the actions graph")
struct GeometryTests {
    @Test func tilesHaveALongSideOf1024AndTheOtherRoundedToEight() {
        #expect(ImageGeometry.tileSize(for: .square) == (1024, 1024))
        #expect(ImageGeometry.tileSize(for: AspectRatio(width: 16, height: 9)) == (1024, 576))
        #expect(ImageGeometry.tileSize(for: AspectRatio(width: 2, height: 3)) == (680, 1024))
        #expect(ImageGeometry.gridSize(for: AspectRatio(width: 3, height: 2)) == (2048, 1360))
    }

    @Test func panGrowsThePannedSideByHalf() {
        #expect(ImageGeometry.pannedSize(width: 1024, height: 576, action: .panLeft) == (1536, 576))
        #expect(ImageGeometry.pannedSize(width: 1024, height: 576, action: .panUp) == (1024, 864))
    }

    @Test func describeRatiosReduceAndApproximateLargeTerms() {
        #expect(AspectRatio.reduced(width: 1920, height: 1080).description == "16:9")
        #expect(AspectRatio.reduced(width: 451, height: 300).description == "3:2")
        #expect(AspectRatio.reduced(width: 1000, height: 1000).description == "1:1")
    }

    @Test func gridResultsOfferUpscalesVariationsAndReroll() {
        #expect(
            ImagineAction.generate.followUps.map(\.rawValue) == [
                "upscale1", "upscale2", "upscale3", "upscale4", "reroll", "variation1", "variation2", "variation3", "variation4",
            ])
        #expect(ImagineAction.upscale2.followUps.contains(.panLeft))
        #expect(ImagineAction.upscale4x.followUps.isEmpty)
        #expect(ImagineAction.zoomOut2x.producesGrid)
        #expect(!ImagineAction.upscale3.producesGrid)
    }

    @Test func snowflakeImageIDsHaveNineteenDigitsAndGrow() {
        let factory = IdentifierFactory()
        let now = Date()
        let first = factory.imageID(at: now)
        let second = factory.imageID(at: now)
        #expect(first.count == 19)
        #expect(UInt64(second)! > UInt64(first)!)
        let objectID = factory.objectID(at: now)
        #expect(objectID.count == 24)
        #expect(objectID.allSatisfy { "0123456789abcdef".contains($0) })
    }
}
