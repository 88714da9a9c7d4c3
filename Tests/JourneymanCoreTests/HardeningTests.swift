import Foundation
import JourneymanCore
import MidjourneyAPI
import Testing

@Suite("Hardening: JSON, prompts, moderation, blob names")
struct CoreHardeningTests {
    // MARK: JSON (issue 11.2)

    @Test func anObjectOfAHundredThousandKeysIsRefusedAtOnceNamingTheLimit() throws {
        let body = "{" + (0..<105_000).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + "}"
        let start = ContinuousClock.now
        #expect(throws: RequestError("an object in the request body has more than 1000 keys")) {
            try JSONValue.parse(Array(body.utf8))
        }
        #expect(ContinuousClock.now - start < .seconds(1))
    }

    @Test func anObjectKeepsItsKeysInTheOrderWrittenAndBuildsInLinearTime() throws {
        let keys = (0..<1000).map { "key\(($0 * 7919) % 1000)" }
        let body = "{" + keys.map { "\"\($0)\":1" }.joined(separator: ",") + "}"
        let object = try #require(try JSONValue.parse(Array(body.utf8)).objectValue)
        #expect(object.keys == keys)

        let start = ContinuousClock.now
        var built = JSONObject()
        for index in 0..<100_000 { built["k\(index)"] = .int(Int64(index)) }
        #expect(built.count == 100_000)
        #expect(built["k99999"] == .int(99_999))
        built["k0"] = nil
        #expect(built.keys.first == "k1" && built["k1"] == .int(1))
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func deepNestingIsRefusedNamingTheLimitAndShallowNestingParses() throws {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: RequestError("the request body nests arrays and objects deeper than 64 levels")) {
            try JSONValue.parse(Array(deep.utf8))
        }
        let bomb = String(repeating: "{\"a\":", count: 100_000)
        #expect(throws: RequestError.self) { try JSONValue.parse(Array(bomb.utf8)) }
        let fine = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try JSONValue.parse(Array(fine.utf8)) }
    }

    @Test func theParserReadsWhatJSONAllowsAndNothingElse() throws {
        let value = try JSONValue.parse(Array(#" {"a":[1,-2.5,1e2,true,false,null,"x\"\u00e9\ud83d\ude00"],"a":7,"b":{}} "#.utf8))
        let object = try #require(value.objectValue)
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == .int(7))
        #expect(try JSONValue.parse(Array(#"["\ud83d\ude00é",1.5,100]"#.utf8)) == .array([.string("😀é"), .double(1.5), .int(100)]))
        for bad in ["{", "[1,]", "{\"a\"}", "01", "1.", "\"\\x\"", "\"\u{01}\"", "[1] x", "\"\\ud800\"", "tru", "nul", "1e999"] {
            #expect(throws: RequestError.self, "\(bad)") { try JSONValue.parse(Array(bad.utf8)) }
        }
        #expect(throws: RequestError.self) { try JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) }  // invalid UTF-8
    }

    // MARK: Prompts (issue 11.8)

    @Test func aPromptOfOnlyZeroWidthCharactersIsRefused() {
        #expect(throws: ServiceError.badRequest("field 'prompt' holds only invisible characters")) {
            try PromptParser.parse("\u{200B}\u{200C}\u{FEFF}\u{00AD}")
        }
        #expect(throws: Never.self) { try PromptParser.parse("   ") }
    }

    @Test func aWordOfOnlyInvisibleCharactersIsNoWord() throws {
        let parsed = try PromptParser.parse("\u{200B} --ar 2:1")
        #expect(parsed.text.isEmpty)
    }

    @Test func thePromptLimitCountsScalarsNotGraphemeClusters() {
        let marks = "a" + String(repeating: "\u{0301}", count: 6000)  // one grapheme cluster, 6001 scalars
        #expect(marks.count == 1)
        #expect(throws: ServiceError.badRequest("field 'prompt' is 6001 characters long; at most 6000 are allowed")) {
            try PromptParser.parse(marks)
        }
        let huge = "a" + String(repeating: "\u{0301}", count: 400_000)  // about 800 KB
        #expect(throws: ServiceError.self) { try PromptParser.parse(huge) }
        #expect(throws: Never.self) { try PromptParser.parse(String(repeating: "é", count: 3000)) }
    }

    // MARK: Moderation (issue 11.6)

    @Test func disguisedListedWordsAreStillHit() {
        let list = ModerationList(words: ["ass", "bad word"])
        let disguised = [
            "a\u{200B}ss", "a\u{00AD}ss", "a\u{200D}s\u{2060}s", "ＡＳＳ", "\u{0430}ss", "\u{0410}SS", "a\u{0301}ss", "ássy ass",
            "\u{0391}\u{0405}\u{0405}", "Bad Word", "bad  word", "a BAD-word here", "bad \u{200B}word", "ｂａｄ ｗｏｒｄ",
        ]
        for text in disguised { #expect(list.firstHit(in: text) != nil, "\(text.unicodeScalars.map { String($0.value, radix: 16) })") }
    }

    @Test func wordsThatOnlyContainAListedWordAreNotHit() {
        let list = ModerationList(words: ["ass", "bad word"])
        for text in ["grass", "a classic bassoon", "assess the mass", "badword", "bad words", "a bad sword", "Сергей"] {
            #expect(list.firstHit(in: text) == nil, "\(text)")
        }
    }

    // MARK: Blob names (issue 11.4)

    @Test func aSelfURLThatNamesNoImageIsA400WhereItIsParsed() throws {
        let links = ImageLinks(publicURL: "http://journeyman.test/")
        let id = "7489df4c-ef03-4de0-b598-e9a590793434"
        #expect(try links.ownImageName(of: links.raw(id)) == "\(id).png")
        #expect(try links.ownImageName(of: links.thumbnail(id)) == "\(id).png")
        #expect(try links.ownImageName(of: "https://example.com/x.png") == nil)
        for bad in ["../x", "..%2Fx", "\(id).png/../../etc", ".hidden", "", "\(id)-5.png", "\(id)@50.png"] {
            #expect(throws: ServiceError.self, "\(bad)") { try links.ownImageName(of: links.imagesPrefix + bad) }
            #expect(links.blobName(of: links.imagesPrefix + bad) == nil)
        }
        #expect(throws: ServiceError.self) { try BlobName.check("../x") }
        #expect(throws: Never.self) { try BlobName.check("\(id)@50.png") }
    }
}
