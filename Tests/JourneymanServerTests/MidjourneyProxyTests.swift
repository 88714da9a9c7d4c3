import Foundation
import HTTPTypes
import JourneymanCore
import JourneymanImaging
import MidjourneyAPI
import MidjourneyProxyAPI
import NIOCore
import Testing

@Suite("MidjourneyProxy ids and buttons", .timeLimit(.minutes(10)))
struct MidjourneyProxyIDTests {
    @Test func aTaskIDTurnsIntoDigitsAndBackExactly() throws {
        for _ in 0..<200 {
            let uuid = UUID().uuidString.lowercased()
            let digits = try #require(ProxyTaskID.digits(fromUUID: uuid))
            #expect(isDigits(digits))
            #expect(ProxyTaskID.uuid(from: digits) == uuid)
        }
        #expect(ProxyTaskID.digits(fromUUID: "00000000-0000-0000-0000-000000000000") == "0")
        #expect(ProxyTaskID.digits(fromUUID: "ffffffff-ffff-ffff-ffff-ffffffffffff") == "340282366920938463463374607431768211455")
        #expect(ProxyTaskID.uuid(from: "340282366920938463463374607431768211456") == nil)
        #expect(ProxyTaskID.uuid(from: "0123") == nil)
        #expect(ProxyTaskID.uuid(from: "12a") == nil)
        #expect(ProxyTaskID.uuid(from: "") == nil)
    }

    @Test func everyButtonsCustomIDParsesBackToItsJob() {
        let jobs: [ButtonJob] = [
            .upsample(1), .upsample(4), .variation(2), .reroll, .lowVariation, .highVariation, .inpaint, .outpaint(50), .outpaint(75),
            .pan("left"), .pan("down"), .upscaleSubtle, .upscaleCreative,
        ]
        for job in jobs {
            let parsed = ButtonJob.parse(job.customID(hash: "123"))
            #expect(parsed?.job == job)
            #expect(parsed?.hash == "123")
        }
        #expect(ButtonJob.parse("MJ::JOB::upsample::5::1") == nil)
        #expect(ButtonJob.parse("nonsense") == nil)
    }

    @Test func everyActionButGenerateHasExactlyOneButtonAndBack() {
        let names = ImagineAction.allCases.filter { $0 != .generate }.map(\.rawValue)
        #expect(ButtonJob.all.map(\.actionName).sorted() == names.sorted())
        for name in names {
            #expect(ButtonJob(actionName: name)?.actionName == name)
            let job = ButtonJob(actionName: name)
            #expect(job.flatMap { ButtonJob.parse($0.customID(hash: "9"))?.job } == job, "\(name)")
        }
        #expect(ButtonJob(actionName: "generate") == nil)
    }
}

@Suite("MidjourneyProxy contract", .timeLimit(.minutes(10)))
struct MidjourneyProxyTests {
    @Test func anImagineIsSubmittedFetchedListedAndCarriesTheProxysTaskObject() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let mj = ProxyClient(api: api)
            let submitted = try await mj.post("/mj/submit/imagine", #"{"prompt":"a red lighthouse at dusk","state":"chat-42"}"#)
            #expect(submitted.status == .ok)
            #expect(submitted.object.keys == ["code", "description", "result", "properties"])
            #expect(submitted.object.int("code") == 1)
            let id = try #require(submitted.object.string("result"))
            #expect(isDigits(id))

            let task = try await mj.waitForTask(id)
            #expect(task.string("id") == id)
            #expect(task.string("action") == "IMAGINE")
            #expect(task.string("status") == "SUCCESS")
            #expect(task.string("prompt") == "a red lighthouse at dusk")
            #expect(task.string("promptEn") == "a red lighthouse at dusk")
            #expect(task.string("description") == "/imagine a red lighthouse at dusk")
            #expect(task.string("state") == "chat-42")
            #expect(task.string("progress") == "100%")
            #expect(task["failReason"] == .null)
            let submitTime = try #require(task.int("submitTime"))
            let startTime = try #require(task.int("startTime"))
            let finishTime = try #require(task.int("finishTime"))
            #expect(submitTime > 1_600_000_000_000 && submitTime <= startTime && startTime <= finishTime)
            let imageURL = try #require(task.string("imageUrl"))
            #expect(imageURL.hasPrefix(TestServer.publicURL + "/midjourney/images/"))
            #expect(try await api.image(imageURL).status == .ok)
            #expect(task.customIDs.count == 9)
            #expect(task.customIDs.first == "MJ::JOB::upsample::1::\(id)")
            #expect(task.customIDs.contains("MJ::JOB::reroll::0::\(id)::SOLO"))
            let first = try #require(task["buttons"]?.arrayValue?.first?.objectValue)
            #expect(first.keys == ["customId", "emoji", "label", "type", "style"])
            #expect(first.string("label") == "U1")
            #expect(first.int("type") == 2)

            let seed = try await mj.get("/mj/task/\(id)/image-seed").object
            #expect(seed.int("code") == 1)
            let record = try await api.retrieve(try journeymanID(id))
            let publicSeed = try await api.post("/midjourney/seed", #"{"image_id":"\#(record.string("image_id")!)"}"#).object
            #expect(seed.string("result") == publicSeed.string("seed"))

            let byCondition = try await mj.post("/mj/task/list-by-condition", #"{"ids":["\#(id)","12345","not-an-id"]}"#)
            #expect(byCondition.status == .ok)
            #expect(byCondition.json.arrayValue?.count == 1)
            #expect(byCondition.json.arrayValue?.first?.objectValue?.string("id") == id)
            let list = try await mj.get("/mj/task/list").json.arrayValue ?? []
            #expect(list.contains { $0.objectValue?.string("id") == id })

            let wrongMethod = try await api.raw("/mj/submit/imagine", method: .get, headers: [.mjAPISecret: api.token])
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers[.allow] == "POST")
            #expect(wrongMethod.object.int("code") == 4)
            let wrongFetch = try await api.raw("/mj/task/\(id)/fetch", method: .post, headers: [.mjAPISecret: api.token])
            #expect(wrongFetch.status == .methodNotAllowed)
            #expect(wrongFetch.headers[.allow] == "GET, HEAD")
            for path in ["/mj/nothing/here", "/mj-relax/mj/x"] {
                let missing = try await api.raw(path, method: .get, headers: [.mjAPISecret: api.token])
                #expect(missing.status == .notFound)
                #expect(missing.object.int("code") == 4)
            }
            let unknown = try await mj.get("/mj/task/12345/fetch")
            #expect(unknown.status == .ok)
            #expect(String(buffer: unknown.body) == "null")
        }
    }

    @Test func anImaginesBase64ArrayBecomesImagePromptsKeptOnThisServer() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let mj = ProxyClient(api: api)
            let image = try pngDataURL(width: 40, height: 30, fill: RGBA(r: 10, g: 200, b: 90))
            let task = try await mj.finished("/mj/submit/imagine", #"{"prompt":"a green field","base64Array":["\#(image)"]}"#)
            #expect(task.string("prompt") == "a green field")
            let stored = try #require(try await server.server.store.task(id: try journeymanID(task.string("id")!)))
            let prompt = try #require(stored.command.imagine?.prompt)
            let imageURL = try #require(prompt.split(separator: " ").first.map(String.init))
            #expect(imageURL.hasPrefix(TestServer.publicURL + "/midjourney/images/"))
            #expect(try await api.image(imageURL).status == .ok)
            #expect(prompt.hasSuffix(" a green field"))

            let tooMany = try await mj.post(
                "/mj/submit/imagine",
                #"{"prompt":"x","base64Array":["\#(image)","\#(image)","\#(image)","\#(image)","\#(image)","\#(image)"]}"#)
            #expect(tooMany.status == .badRequest)
            let notImages = try await mj.post("/mj/submit/imagine", #"{"prompt":"x","base64Array":["data:image/png;base64,AAAA"]}"#).object
            #expect(notImages.int("code") == 4)
        }
    }

    @Test func theTokenIsReadFromMjApiSecretOrAuthorizationAndAMissingOneIsA401InTheProxyShape() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { api in
            let mj = ProxyClient(api: api)
            for headers: HTTPFields in [[.mjAPISecret: api.token], [.authorization: api.token], [.authorization: "Bearer \(api.token)"]] {
                let reply = try await mj.post("/mj/submit/imagine", #"{"prompt":"a cat"}"#, headers: headers)
                #expect(reply.status == .ok)
                #expect(reply.object.int("code") == 1)
            }
            for headers: HTTPFields in [[:], [.mjAPISecret: "wrong"], [.authorization: "Bearer wrong"]] {
                let reply = try await mj.post("/mj/submit/imagine", #"{"prompt":"a cat"}"#, headers: headers)
                #expect(reply.status == .unauthorized)
                #expect(reply.object.keys == ["code", "description", "result", "properties"])
                #expect(reply.object.int("code") != 1)
                #expect(reply.object["error"] == nil)
            }
            let unauthorizedFetch = try await api.raw("/mj/task/1/fetch", method: .get)
            #expect(unauthorizedFetch.status == .unauthorized)

            let describeOnly = try await server.otherToken(scopes: [.describe])
            let refused = try await mj.post("/mj/submit/imagine", #"{"prompt":"a cat"}"#, token: describeOnly)
            #expect(refused.status == .forbidden)
            #expect(refused.object.int("code") == 4)
            let imagineOnly = try await server.otherToken(scopes: [.imagine])
            #expect(try await mj.get("/mj/task/1/fetch", token: imagineOnly).status == .forbidden)
            #expect(try await mj.get("/mj/task/list", token: imagineOnly).status == .forbidden)
            #expect(
                try await mj.post("/mj/submit/describe", #"{"link":"https://example.com/a.png"}"#, token: imagineOnly).status == .forbidden)
        }
    }

    @Test func submitsAnswerTheProxysCodesForQueuedFullBannedUnknownAndInvalid() async throws {
        let server = try await TestServer.make(workers: 0) { configuration in
            configuration.taskLimits = TaskLimits(maxRunningPerApplication: 1, maxPendingPerApplication: 2)
            configuration.moderation = ModerationList(words: ["forbiddenword"])
        }
        try await server.test { api in
            let mj = ProxyClient(api: api)
            let first = try await mj.post("/mj/submit/imagine", #"{"prompt":"one"}"#).object
            #expect(first.int("code") == 1)
            let second = try await mj.post("/mj/submit/imagine", #"{"prompt":"two"}"#).object
            #expect(second.int("code") == 22)
            #expect(second["properties"]?.objectValue?.int("numberOfQueues") == 1)
            #expect(isDigits(second.string("result")))
            let third = try await mj.post("/mj/submit/imagine", #"{"prompt":"three"}"#)
            #expect(third.status == .ok)
            #expect(third.object.int("code") == 23)

            let banned = try await mj.post("/mj/submit/imagine", #"{"prompt":"a forbiddenword here"}"#).object
            #expect(banned.int("code") == 24)
            #expect(banned["properties"]?.objectValue?.string("bannedWord") == "forbiddenword")

            let unknown = try await mj.post("/mj/submit/change", #"{"taskId":"12345","action":"UPSCALE","index":1}"#).object
            #expect(unknown.int("code") == 3)
            let malformed = try await mj.post("/mj/submit/simple-change", #"{"content":"zzz U1"}"#).object
            #expect(malformed.int("code") == 3)
            let invalid = try await mj.post("/mj/submit/imagine", #"{"prompt":"  "}"#)
            #expect(invalid.status == .ok)
            #expect(invalid.object.int("code") == 4)
            let badContent = try await mj.post("/mj/submit/simple-change", #"{"content":"123 U9"}"#).object
            #expect(badContent.int("code") == 4)
            let wrongType = try await mj.post("/mj/submit/imagine", #"{"prompt":5}"#)
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.object.int("code") == 4)
        }
    }

    @Test func aRateLimitedTokenGetsA429WithCode23AndAnEmptyBalanceGetsCode4() async throws {
        let server = try await TestServer.make(workers: 0) { $0.rateLimit = RatePolicy(perSecond: 0.01, burst: 1) }
        try await server.test { api in
            let mj = ProxyClient(api: api)
            #expect(try await mj.post("/mj/submit/imagine", #"{"prompt":"a cat"}"#).object.int("code") == 1)
            let limited = try await mj.post("/mj/submit/imagine", #"{"prompt":"a cat"}"#)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.object.int("code") == 23)
            #expect(limited.headers[.retryAfter] != nil)

            let broke = try await server.otherToken(credits: 0)
            let refused = try await mj.post("/mj/submit/imagine", #"{"prompt":"a cat"}"#, token: broke)
            #expect(refused.status == .ok)
            #expect(refused.object.int("code") == 4)
            #expect(refused.object.string("description")?.contains("credits") == true)
        }
    }

    @Test func everyButtonsCustomIDLeadsToTheActionItNames() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let mj = ProxyClient(api: api)
            let grid = try await mj.finished("/mj/submit/imagine", #"{"prompt":"green hills under a blue sky --ar 4:1"}"#)
            let gridID = try #require(grid.string("id"))
            var upscaleID = ""
            let expected: [String: ImagineAction] = [
                "upsample::1": .upscale1, "upsample::2": .upscale2, "upsample::3": .upscale3, "upsample::4": .upscale4,
                "variation::1": .variation1, "variation::2": .variation2, "variation::3": .variation3, "variation::4": .variation4,
                "reroll": .reroll,
            ]
            for customID in grid.customIDs {
                let id = try await mj.submit("/mj/submit/action", #"{"taskId":"\#(gridID)","customId":"\#(customID)"}"#)
                let task = try #require(try await server.server.store.task(id: try journeymanID(id)))
                let key = try #require(expected.keys.first { customID.contains("::\($0)::") })
                #expect(task.action == expected[key], "\(customID)")
                if task.action == .upscale1 { upscaleID = id }
            }
            let upscale = try await mj.waitForTask(upscaleID)
            #expect(upscale.string("action") == "UPSCALE")
            #expect(upscale.string("description") == "/up \(gridID) U1")
            let followUps: [ImagineAction] = [
                .upscale2x, .upscale4x, .variationSubtle, .variationStrong, .variationRegion, .zoomOut2x, .zoomOut1_5x, .panLeft, .panRight,
                .panUp, .panDown,
            ]
            #expect(upscale.customIDs.count == followUps.count)
            for (customID, action) in zip(upscale.customIDs, followUps) {
                let reply = try await mj.post("/mj/submit/action", #"{"taskId":"\#(upscaleID)","customId":"\#(customID)"}"#).object
                if action == .variationRegion {
                    #expect(reply.int("code") == 21, "\(customID)")
                    #expect(reply.string("result") == upscaleID)
                    continue
                }
                #expect(reply.int("code") == 1, "\(customID): \(reply)")
                let task = try #require(try await server.server.store.task(id: try journeymanID(reply.string("result") ?? "")))
                #expect(task.action == action, "\(customID)")
            }
            let foreign = try await mj.post(
                "/mj/submit/action", #"{"taskId":"\#(gridID)","customId":"MJ::JOB::upsample::1::\#(upscaleID)"}"#)
            #expect(foreign.object.int("code") == 4)
            let notAFollowUp = try await mj.post(
                "/mj/submit/action", #"{"taskId":"\#(upscaleID)","customId":"MJ::JOB::upsample::1::\#(upscaleID)"}"#)
            #expect(notAFollowUp.object.int("code") == 4)
        }
    }

    @Test func changeAndSimpleChangePerformUpscalesVariationsAndRerolls() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let mj = ProxyClient(api: api)
            let grid = try #require(try await mj.finished("/mj/submit/imagine", #"{"prompt":"a quiet harbour"}"#).string("id"))
            let cases: [(String, String, ImagineAction)] = [
                ("/mj/submit/change", #"{"taskId":"\#(grid)","action":"UPSCALE","index":2}"#, .upscale2),
                ("/mj/submit/change", #"{"taskId":"\#(grid)","action":"VARIATION","index":4}"#, .variation4),
                ("/mj/submit/change", #"{"taskId":"\#(grid)","action":"REROLL"}"#, .reroll),
                ("/mj/submit/simple-change", #"{"content":"\#(grid) U3"}"#, .upscale3),
                ("/mj/submit/simple-change", #"{"content":"\#(grid) V1"}"#, .variation1),
                ("/mj/submit/simple-change", #"{"content":"\#(grid) R"}"#, .reroll),
            ]
            for (path, body, action) in cases {
                let id = try await mj.submit(path, body)
                let task = try #require(try await server.server.store.task(id: try journeymanID(id)))
                #expect(task.action == action, "\(body)")
                #expect(task.parentID == (try journeymanID(grid)))
            }
            let missingIndex = try await mj.post("/mj/submit/change", #"{"taskId":"\#(grid)","action":"UPSCALE"}"#).object
            #expect(missingIndex.int("code") == 4)
        }
    }

    @Test func aRegionVariationIsCompletedThroughModalWithMaskBase64() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let mj = ProxyClient(api: api)
            let grid = try #require(
                try await mj.finished("/mj/submit/imagine", #"{"prompt":"green hills under a blue sky --ar 4:1"}"#).string("id"))
            let upscale = try await mj.finished("/mj/submit/simple-change", #"{"content":"\#(grid) U1"}"#)
            let upscaleID = try #require(upscale.string("id"))
            let inpaint = try #require(upscale.customIDs.first { $0.hasPrefix("MJ::Inpaint::") })
            let window = try await mj.post("/mj/submit/action", #"{"taskId":"\#(upscaleID)","customId":"\#(inpaint)"}"#).object
            #expect(window.int("code") == 21)
            let modalID = try #require(window.string("result"))

            var mask = RGBAImage(width: 1024, height: 256, fill: RGBA(r: 0, g: 0, b: 0))
            for y in 64..<192 { for x in 256..<768 { mask[x, y] = RGBA(r: 255, g: 255, b: 255) } }
            let maskURL = "data:image/png;base64," + Data(try PNG.encode(mask)).base64EncodedString()
            let missing = try await mj.post("/mj/submit/modal", #"{"taskId":"\#(modalID)"}"#).object
            #expect(missing.int("code") == 4)
            let region = try await mj.finished(
                "/mj/submit/modal", #"{"taskId":"\#(modalID)","prompt":"a red barn","maskBase64":"\#(maskURL)"}"#)
            #expect(region.string("action") == "INPAINT")
            #expect(region.string("prompt") == "a red barn")
            let source = try PNG.decode(try await api.image(upscale.string("imageUrl")!).bytes)
            let result = try PNG.decode(try await api.image(region.string("imageUrl")!).bytes).quadrant(1)
            #expect(result[10, 10] == source[10, 10])
            let wrongSize = try pngDataURL(width: 8, height: 8, fill: RGBA(r: 255, g: 255, b: 255))
            let refused = try await mj.post("/mj/submit/modal", #"{"taskId":"\#(modalID)","maskBase64":"\#(wrongSize)"}"#).object
            #expect(refused.int("code") == 4)
        }
    }

    @Test func modalWithAPromptAndNoMaskRemixesAnUpscaleOrAGridUnderTheNewPrompt() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let mj = ProxyClient(api: api)
            let grid = try #require(try await mj.finished("/mj/submit/imagine", #"{"prompt":"a grey castle --ar 1:1"}"#).string("id"))
            let upscale = try #require(try await mj.finished("/mj/submit/simple-change", #"{"content":"\#(grid) U2"}"#).string("id"))

            let remixed = try await mj.finished("/mj/submit/modal", #"{"taskId":"\#(upscale)","prompt":"a golden castle --ar 1:1"}"#)
            #expect(remixed.string("status") == "SUCCESS")
            #expect(remixed.string("prompt") == "a golden castle --ar 1:1")
            let remixedID = try #require(remixed.string("id"))
            let strong = try #require(try await server.server.store.task(id: try journeymanID(remixedID)))
            #expect(strong.action == .variationStrong)
            #expect(strong.command.imagine?.prompt == "a golden castle --ar 1:1")
            #expect(strong.parentID == (try journeymanID(upscale)))

            let rerolled = try await mj.submit("/mj/submit/modal", #"{"taskId":"\#(grid)","prompt":"a silver castle --ar 1:1"}"#)
            #expect(try await server.server.store.task(id: try journeymanID(rerolled))?.action == .reroll)

            let nothing = try await mj.post("/mj/submit/modal", #"{"taskId":"\#(grid)","prompt":"  "}"#).object
            #expect(nothing.int("code") == 4)
            let unknown = try await mj.post("/mj/submit/modal", #"{"taskId":"123","prompt":"a castle"}"#).object
            #expect(unknown.int("code") == 3)
        }
    }

    @Test func describeReadsAnImageFromBase64AndFromALink() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let mj = ProxyClient(api: api)
            let image = try pngDataURL(width: 120, height: 80, fill: RGBA(r: 30, g: 60, b: 160))
            let fromBase64 = try await mj.finished("/mj/submit/describe", #"{"base64":"\#(image)","state":"d1"}"#)
            #expect(fromBase64.string("action") == "DESCRIBE")
            #expect(fromBase64.string("state") == "d1")
            let finalPrompt = try #require(fromBase64["properties"]?.objectValue?.string("finalPrompt"))
            #expect(finalPrompt.hasPrefix("1️⃣ "))
            #expect(finalPrompt.contains("4️⃣ "))
            #expect(try await api.image(fromBase64.string("imageUrl")!).status == .ok)

            let grid = try await mj.finished("/mj/submit/imagine", #"{"prompt":"an orange desert"}"#)
            let link = try #require(grid.string("imageUrl"))
            let fromLink = try await mj.finished("/mj/submit/describe", #"{"link":"\#(link)"}"#)
            #expect(fromLink["properties"]?.objectValue?.string("finalPrompt")?.contains("2️⃣") == true)

            // A link to an image of this server that does not exist: the task fails, and says why.
            let missingLink = "\(TestServer.publicURL)/midjourney/images/\(UUID().uuidString.lowercased()).png"
            let failed = try await mj.waitForTask(try await mj.submit("/mj/submit/describe", #"{"link":"\#(missingLink)"}"#))
            #expect(failed.string("status") == "FAILURE")
            #expect(failed.string("progress") == "")
            #expect(failed.string("failReason")?.isEmpty == false)
            #expect(failed["finishTime"] != .null)

            let neither = try await mj.post("/mj/submit/describe", #"{}"#).object
            #expect(neither.int("code") == 4)
            let notAnImage = try await mj.post("/mj/submit/describe", #"{"base64":"data:image/png;base64,aGVsbG8="}"#).object
            #expect(notAnImage.int("code") == 4)
        }
    }

    @Test func blendOfThreeImagesRendersOneGridInTheChosenDimensions() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let mj = ProxyClient(api: api)
            let images = try [
                pngDataURL(width: 64, height: 64, fill: RGBA(r: 200, g: 0, b: 0)),
                pngDataURL(width: 64, height: 48, fill: RGBA(r: 0, g: 200, b: 0)),
                pngDataURL(width: 48, height: 64, fill: RGBA(r: 0, g: 0, b: 200)),
            ]
            let array = images.map { "\"\($0)\"" }.joined(separator: ",")
            let blend = try await mj.finished("/mj/submit/blend", #"{"base64Array":[\#(array)],"dimensions":"PORTRAIT"}"#)
            #expect(blend.string("action") == "BLEND")
            #expect(blend.string("description") == "/blend")
            #expect(blend.customIDs.count == 9)
            let size = try pngSize(try await api.image(blend.string("imageUrl")!).bytes)
            #expect(size.width < size.height)

            let one = try await mj.post("/mj/submit/blend", #"{"base64Array":["\#(images[0])"]}"#).object
            #expect(one.int("code") == 4)
            let badShape = try await mj.post("/mj/submit/blend", #"{"base64Array":[\#(array)],"dimensions":"ROUND"}"#).object
            #expect(badShape.int("code") == 4)
        }
    }

    @Test func cancelEndsAWaitingTaskAndModePrefixesChooseTheMode() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { api in
            let mj = ProxyClient(api: api)
            for (prefix, mode) in [
                ("/mj", JourneymanCore.TaskMode.fast), ("/mj-fast/mj", .fast), ("/mj-relax/mj", .relax), ("/mj-turbo/mj", .turbo),
            ] {
                let id = try await mj.submit("\(prefix)/submit/imagine", #"{"prompt":"a moth"}"#)
                let task = try #require(try await server.server.store.task(id: try journeymanID(id)))
                #expect(task.command.imagine?.mode == mode, "\(prefix)")
                let fetched = try await mj.get("\(prefix)/task/\(id)/fetch").object
                #expect(fetched.string("status") == "SUBMITTED")
                #expect(fetched.string("progress") == "0%")
                #expect(fetched["buttons"]?.arrayValue?.isEmpty == true)
            }
            let id = try await mj.submit("/mj/submit/imagine", #"{"prompt":"a beetle"}"#)
            let cancelled = try await mj.post("/mj/task/\(id)/cancel", "").object
            #expect(cancelled.int("code") == 1)
            let task = try await mj.fetch(id)
            #expect(task.string("status") == "CANCEL")
            #expect(task.string("progress") == "")
            #expect(task.string("failReason") != nil)
            #expect(try await mj.post("/mj/task/\(id)/cancel", "").object.int("code") == 4)
            #expect(try await mj.post("/mj/task/12345/cancel", "").object.int("code") == 3)
            #expect(try await mj.get("/mj/task/12345/image-seed").object.int("code") == 3)
            #expect(try await mj.get("/mj/task/\(id)/image-seed").object.int("code") == 4)
        }
    }

    @Test func shortenIsATaskWhoseShorterPromptsArriveInFinalPrompt() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let mj = ProxyClient(api: api)
            let prompt = "a very detailed and extremely beautiful painting of an old stone lighthouse on a cliff at dusk, dramatic clouds"
            let task = try await mj.finished("/mj/submit/shorten", #"{"prompt":"\#(prompt)","state":"s"}"#)
            #expect(task.string("action") == "SHORTEN")
            #expect(task.string("prompt") == prompt)
            #expect(task.string("state") == "s")
            #expect(task["imageUrl"] == .null)
            #expect(task.customIDs.isEmpty)
            let finalPrompt = try #require(task["properties"]?.objectValue?.string("finalPrompt"))
            #expect(finalPrompt.hasPrefix("1️⃣ "))
            let record = try await api.retrieve(try journeymanID(task.string("id")!))
            #expect(record.string("type") == "shorten")
            #expect(record.response()["prompts"]?.arrayValue?.isEmpty == false)
            #expect(try await mj.post("/mj/submit/shorten", #"{"prompt":" "}"#).object.int("code") == 4)
        }
    }

    @Test func anotherApplicationsTasksAreInvisibleAsIfUnknown() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let mj = ProxyClient(api: api)
            let other = try await server.otherToken()
            let id = try #require(try await mj.finished("/mj/submit/imagine", #"{"prompt":"a private garden"}"#).string("id"))
            #expect(String(buffer: try await mj.get("/mj/task/\(id)/fetch", token: other).body) == "null")
            #expect(try await mj.post("/mj/task/list-by-condition", #"{"ids":["\#(id)"]}"#, token: other).json.arrayValue?.isEmpty == true)
            #expect(try await mj.get("/mj/task/list", token: other).json.arrayValue?.isEmpty == true)
            #expect(try await mj.post("/mj/submit/simple-change", #"{"content":"\#(id) U1"}"#, token: other).object.int("code") == 3)
            let button = "MJ::JOB::upsample::1::\(id)"
            #expect(
                try await mj.post("/mj/submit/action", #"{"taskId":"\#(id)","customId":"\#(button)"}"#, token: other).object.int("code")
                    == 3)
            #expect(try await mj.post("/mj/task/\(id)/cancel", "", token: other).object.int("code") == 3)
            #expect(try await mj.get("/mj/task/\(id)/image-seed", token: other).object.int("code") == 3)
        }
    }

    @Test func tasksAreOneSetAcrossBothContractsAndFollowUpsMayCrossThem() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let mj = ProxyClient(api: api)
            let proxyTask = try #require(try await mj.finished("/mj/submit/imagine", #"{"prompt":"a blue kite"}"#).string("id"))
            let record = try await api.retrieve(try journeymanID(proxyTask))
            #expect(record.string("state") == "succeeded")
            #expect(record.response().string("raw_image_url") != nil)

            let publicRecord = try await api.imagine(#"{"prompt":"a yellow kite"}"#)
            let publicID = try #require(publicRecord.string("id"))
            let digits = try #require(ProxyTaskID.digits(fromUUID: publicID))
            let seen = try await mj.fetch(digits)
            #expect(seen.string("status") == "SUCCESS")
            #expect(seen.string("prompt") == "a yellow kite")
            #expect(seen.customIDs.count == 9)
            let upscale = try await mj.finished("/mj/submit/simple-change", #"{"content":"\#(digits) U4"}"#)
            let upscaleRecord = try await api.retrieve(try journeymanID(upscale.string("id")!))
            #expect(upscaleRecord.response().string("image_id") != nil)
            // And back: the public contract acts on the /mj task's image.
            let variation = try await api.imagine(#"{"action":"variation2","image_id":"\#(record.string("image_id")!)"}"#)
            #expect(variation.string("state") == "succeeded")
            #expect(try await mj.fetch(ProxyTaskID.digits(fromUUID: variation.string("id")!)!).string("action") == "VARIATION")
        }
    }

    @Test func malformedBodiesOnEveryPathGetProxyShapedFourHundredsNeverFiveHundreds() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { api in
            let mj = ProxyClient(api: api)
            let paths = [
                "/mj/submit/imagine", "/mj/submit/change", "/mj/submit/simple-change", "/mj/submit/action", "/mj/submit/modal",
                "/mj/submit/blend", "/mj/submit/describe", "/mj/submit/shorten", "/mj/task/list-by-condition",
                "/mj-relax/mj/submit/imagine",
            ]
            let bodies = [
                "not json", "[]", "\"text\"", "{", #"{"prompt":5,"taskId":7,"content":[],"customId":{},"base64Array":"x","ids":"y"}"#,
                #"{"base64Array":[1,2],"dimensions":3,"base64":false,"link":"ftp://x","notifyHook":"nowhere","index":9}"#,
                #"{"taskId":"1","customId":"MJ::JOB::upsample::1::1","maskBase64":"!!","prompt":"x","state":5}"#,
            ]
            for path in paths {
                for body in bodies {
                    let reply = try await mj.post(path, body)
                    #expect(reply.status.code < 500, "\(path) \(body): \(reply.status)")
                    // A list asked for no ids is a valid (empty) answer; everything else is refused with a code.
                    if path.hasSuffix("list-by-condition"), reply.status == .ok {
                        #expect(reply.json.arrayValue != nil)
                        continue
                    }
                    #expect(reply.object["code"] != nil, "\(path) \(body): \(String(buffer: reply.body))")
                    #expect(reply.object["error"] == nil)
                }
            }
        }
    }
}
