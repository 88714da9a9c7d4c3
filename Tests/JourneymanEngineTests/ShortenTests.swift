import JourneymanCore
import JourneymanEngine
import Testing

@Suite("Shorten")
struct ShortenTests {
    @Test("shortened prompts keep every parameter unchanged at the end")
    func shortenKeepsParameters() throws {
        let prompt = "a very beautiful highly detailed lighthouse on a rocky cliff at dusk --ar 16:9 --stylize 250 --no birds"
        let results = try LocalEngine().shorten(prompt)
        #expect(!results.isEmpty && results.count <= 5)
        #expect(Set(results).count == results.count)
        for result in results {
            #expect(result.hasSuffix(" --ar 16:9 --stylize 250 --no birds"))
            #expect(result.count < prompt.count)
            #expect(result.contains("lighthouse"))
        }
    }

    @Test("shortening drops filler words and duplicates first")
    func shortenDropsFiller() throws {
        let results = try LocalEngine().shorten("the beautiful stunning castle, castle of the old kings in the mountains")
        let first = try #require(results.first)
        #expect(!first.contains("the "))
        #expect(first.components(separatedBy: "castle").count == 2)
        #expect(first.contains("mountains"))
    }

    @Test("an em dash also starts the parameters")
    func emDashStartsParameters() throws {
        let results = try LocalEngine().shorten("a cat sitting on the roof of a red house —ar 2:3")
        #expect(results.allSatisfy { $0.hasSuffix(" —ar 2:3") })
    }

    @Test("empty and parameter-only prompts are rejected as bad requests", arguments: ["", "   ", "--ar 16:9 --v 6"])
    func shortenRejectsEmptyPrompts(prompt: String) {
        #expect(throws: EngineError.self) { try LocalEngine().shorten(prompt) }
        do {
            _ = try LocalEngine().shorten(prompt)
        } catch let error as EngineError {
            #expect(error.code == .badRequest)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
