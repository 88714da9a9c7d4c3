import AsyncHTTPClient
import Foundation
import JourneymanClient
import JourneymanServer
import MidjourneyAPI
import Testing

import struct JourneymanCore.RatePolicy

@Suite("The Swift client against a live server", .timeLimit(.minutes(10)))
struct ClientTests {
    @Test func aGridIsUpscaledVariedZoomedPannedAndRerolledThroughMethodsOnItsResults() async throws {
        // The region mask below is a whole 1024×680 PNG in base64: more than the default 1 MiB body.
        try await LiveServer.with(workers: 2, configure: { $0.maxBodyBytes = 8 << 20 }) { live in
            let client = live.client
            let grid = try await client.imagine("a lighthouse at dusk --ar 3:2 --seed 7")
            #expect(grid.isGrid)
            #expect(
                grid.actions == [.upscale1, .upscale2, .upscale3, .upscale4, .reroll, .variation1, .variation2, .variation3, .variation4])
            #expect(grid.rawImageWidth == 2048 && grid.rawImageHeight == 1360)
            #expect(grid.imageWidth == 1024 && grid.imageHeight == 680)
            #expect(grid.task?.prompt == "a lighthouse at dusk --ar 3:2 --seed 7")
            #expect(try pngSize(try await grid.download()) == (2048, 1360))
            #expect(try pngSize(try await grid.download(thumbnail: true)) == (1024, 680))

            let image = try await grid.upscale(2)
            #expect(!image.isGrid)
            #expect(image.rawImageWidth == 1024 && image.rawImageHeight == 680)
            #expect(image.actions.contains(.zoomOut2x) && image.actions.contains(.panLeft))
            #expect(image.task?.request["action"]?.stringValue == "upscale2")

            async let varied = grid.vary(3)
            async let rerolled = grid.reroll()
            async let zoomed = image.zoomOut(.x2)
            async let panned = image.pan(.left)
            async let subtle = image.vary(.subtle)
            async let strong = image.vary(.strong)
            async let larger = image.upscale(.x2)
            let results = try await [varied, rerolled, zoomed, panned, subtle, strong, larger]
            let actions = results.map { $0.task?.request["action"]?.stringValue }
            #expect(actions == ["variation3", "reroll", "zoom_out_2x", "pan_left", "variation_subtle", "variation_strong", "upscale_2x"])
            #expect(results.dropLast().allSatisfy { $0.isGrid })
            // Pan grows the panned dimension by half; upscale_2x doubles.
            #expect(results[3].rawImageWidth == 2 * 1536)
            #expect(results[6].rawImageWidth == 2048 && results[6].actions.isEmpty)

            let mask = try await image.download()
            let repainted = try await image.varyRegion(mask: Data(mask).base64EncodedString())
            #expect(repainted.isGrid)

            // An image known only by its id is acted on the same way.
            let byID = try await client.image(id: grid.imageID).upscale(4)
            #expect(byID.task?.request["image_id"]?.stringValue == grid.imageID)

            let seed = try await grid.seed()
            #expect(seed == "7")
            #expect(try await client.seed(imageID: grid.imageID) == seed)
        }
    }

    @Test func describeReadsAnImageByURLAndALocalFileServedForTheCall() async throws {
        try await LiveServer.with { live in
            let client = live.client
            let grid = try await client.imagine("a red fox in snow --ar 1:1")
            let byURL = try await client.describe(imageURL: try #require(grid.rawImageURL))
            #expect(byURL.descriptions.count == 4)
            #expect(byURL.descriptions.allSatisfy { $0.hasSuffix("--ar 1:1") })
            #expect(byURL.task.type == "describe")

            let file = FileManager.default.temporaryDirectory.appendingPathComponent("describe-\(UUID().uuidString).png")
            try Data(try await grid.upscale(1).download()).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let byFile = try await client.describe(fileAt: file)
            #expect(byFile.descriptions.count == 4)
            // The server fetched it from the short-lived listener: the request names a loopback URL of ours.
            let fetched = try #require(byFile.task.request["image_url"]?.stringValue)
            #expect(fetched.hasPrefix("http://127.0.0.1:") && fetched.hasSuffix(".png"))

            // The listener is closed once the call returns.
            await #expect(throws: (any Error).self) {
                _ = try await HTTPClient.shared.execute(HTTPClientRequest(url: fetched), timeout: .seconds(5))
            }

            let notAnImage = FileManager.default.temporaryDirectory.appendingPathComponent("describe-\(UUID().uuidString).txt")
            try Data("hello".utf8).write(to: notAnImage)
            defer { try? FileManager.default.removeItem(at: notAnImage) }
            await #expect(throws: ClientError.self) { _ = try await client.describe(fileAt: notAnImage) }
        }
    }

    @Test func tasksAreFoundByIDTraceIDBatchAndPageAndShortenAnswersShorterPrompts() async throws {
        try await LiveServer.with { live in
            let client = live.client
            let first = try await client.submitImagine("a castle on a hill --ar 1:1")
            let second = try await client.submitImagine("a village by the sea --ar 1:1")
            let finished = try await client.wait(for: [first.taskID, second.taskID])
            #expect(finished.map(\.id) == [first.taskID, second.taskID])
            #expect(finished.allSatisfy { $0.state == .succeeded })

            let byID = try await client.task(first.taskID)
            #expect(byID.prompt == "a castle on a hill --ar 1:1")
            #expect(byID.duration != nil && byID.finishedAt != nil)
            let byTrace = try await client.task(traceID: try #require(second.traceID))
            #expect(byTrace.id == second.taskID)
            let batch = try await client.tasks(ids: [second.taskID, "00000000-0000-4000-8000-000000000000", first.taskID])
            #expect(batch.map(\.id) == [second.taskID, first.taskID])
            let page = try await client.tasks(offset: 0, limit: 1)
            #expect(page.items.map(\.id) == [second.taskID])
            #expect(try await client.tasks(offset: 1, limit: 5).items.map(\.id) == [first.taskID])

            await #expect(throws: ClientError.taskNotFound("00000000-0000-4000-8000-000000000000")) {
                _ = try await client.task("00000000-0000-4000-8000-000000000000")
            }

            let prompts = try await client.shorten("a very detailed oil painting of an old lighthouse on a cliff at dusk")
            #expect((1...5).contains(prompts.count))
            #expect(prompts.allSatisfy { !$0.isEmpty && $0.count < 70 })
        }
    }

    @Test func waitingFollowsServerSentEventsByDefaultWithGrowingProgress() async throws {
        // The engine goes on from 10, 40 and 70 only once this stream has delivered each.
        let engine = PacedEngine()
        try await LiveServer.with(engine: engine) { live in
            // Polling once a minute: only the events stream can finish this wait in seconds.
            let client = live.client.with { $0.pollInterval = .seconds(60) }
            let submitted = try await client.submitImagine("a harbour at night with boats --ar 1:1")
            let started = ContinuousClock.now
            var updates: [TaskSnapshot] = []
            for try await update in client.updates(of: submitted.taskID) {
                updates.append(update)
                engine.saw(update.progress)
            }
            #expect(ContinuousClock.now - started < .seconds(50))
            let progress = updates.map(\.progress)
            #expect(Set(engine.steps).isSubset(of: progress))
            #expect(progress == progress.sorted())
            #expect(updates.last?.state == .succeeded)
            #expect(updates.dropLast().allSatisfy { !$0.isFinished })
            let finished = try await client.wait(for: submitted.taskID)
            #expect(finished.response?["raw_image_url"] != nil)
        }
    }

    @Test func pollingIsUsedWhenAskedForAndWhenTheServerHasNoEventsPath() async throws {
        try await LiveServer.with { live in
            let front = PublicServiceFront(upstream: live.url)
            try await front.with { url in
                let base = JourneymanClient(
                    baseURL: url, token: live.token, configuration: ClientConfiguration(pollInterval: .milliseconds(100)))

                // Asked for: no events request at all.
                let polling = base.with { $0.waitStrategy = .polling }
                _ = try await polling.imagine("a windmill in a field --ar 1:1")
                #expect(front.requests.filter { $0.method == "GET" }.isEmpty)
                #expect(front.requests.filter { $0.body["action"]?.stringValue == "retrieve" }.count >= 2)

                // Automatic: the events path answers 404 once, then the client polls and does not ask again.
                _ = try await base.imagine("a bridge over a river --ar 1:1")
                _ = try await base.imagine("a tower in the clouds --ar 1:1")
                #expect(front.requests.filter { $0.method == "GET" }.count == 1)
            }
        }
    }

    @Test func manyTasksAreWaitedForWithOneBatchCallPerPoll() async throws {
        try await LiveServer.with(workers: 2) { live in
            let front = PublicServiceFront(upstream: live.url)
            try await front.with { url in
                let client = JourneymanClient(
                    baseURL: url, token: live.token, configuration: ClientConfiguration(pollInterval: .milliseconds(100)))
                var ids: [String] = []
                for prompt in ["a desert at noon", "a forest at dawn", "a glacier under stars"] {
                    ids.append(try await client.submitImagine("\(prompt) --ar 1:1").taskID)
                }
                var seen: [String: [Int]] = [:]
                for try await update in client.updates(of: ids) { seen[update.id, default: []].append(update.progress) }
                #expect(Set(seen.keys) == Set(ids))
                #expect(seen.values.allSatisfy { $0.last == 100 && $0 == $0.sorted() })
                let queries = front.requests.filter { $0.path == "/midjourney/tasks" }
                #expect(!queries.isEmpty)
                #expect(queries.allSatisfy { $0.body["action"]?.stringValue == "retrieve_batch" })
                // The first poll asks for all three at once; later ones only for those still running.
                #expect(queries.first?.body["ids"] == .array(ids.map { .string($0) }))
            }
        }
    }

    @Test func theNDJSONStrategyReadsProgressFromTheSubmissionItself() async throws {
        try await LiveServer.with { live in
            let front = PublicServiceFront(upstream: live.url)
            try await front.with { url in
                let client = JourneymanClient(
                    baseURL: url, token: live.token, configuration: ClientConfiguration(waitStrategy: .ndjson, pollInterval: .seconds(60)))
                let grid = try await client.imagine("a lantern festival --ar 1:1")
                #expect(grid.isGrid)
                let imagine = front.requests.filter { $0.path == "/midjourney/imagine" }
                #expect(imagine.count == 1)
                #expect(imagine.first?.body["async"] == nil)
                #expect(front.requests.filter { $0.method == "GET" }.isEmpty)
                let described = try await client.describe(imageURL: try #require(grid.rawImageURL))
                #expect(described.descriptions.count == 4)
            }
        }
    }

    @Test func recordsOfThePublicServiceVariantsAreReadAsJourneymansAre() async throws {
        try await LiveServer.with { live in
            let front = PublicServiceFront(upstream: live.url)
            try await front.with { url in
                let client = JourneymanClient(
                    baseURL: url, token: live.token, configuration: ClientConfiguration(pollInterval: .milliseconds(100)))
                let grid = try await client.imagine("a lighthouse at dusk --ar 3:2")
                let task = try #require(grid.task)
                // No `state`, `progress` or `duration` reached the client: they were told by `response` and `elapsed`.
                #expect(task.raw["state"] == nil && task.raw["elapsed"] != nil && task.raw["user_id"] != nil)
                #expect(task.state == .succeeded && task.progress == 100)
                #expect(task.duration != nil)
                // Sizes came as strings.
                #expect(task.response?["raw_image_width"] == .string("2048"))
                #expect(grid.rawImageWidth == 2048 && grid.imageHeight == 680)
                let page = try await client.tasks(offset: 0, limit: 5)
                #expect(page.items.first?.state == .succeeded)
            }
        }
    }

    @Test func rateLimitedCallsAreRetriedAfterTheRetryAfterTheServerSends() async throws {
        // One request every 12 s: slow enough that even a loaded machine cannot refill the bucket between two calls.
        try await LiveServer.with(workers: 0, configure: { $0.rateLimit = RatePolicy(perSecond: 1.0 / 12, burst: 1) }) { live in
            // Backoff of 10 ms: only by waiting for `retry-after` (up to 12 s) can five attempts get past the limit.
            let retry = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(10), maxDelay: .milliseconds(20))
            let client = live.client.with { $0.retry = retry }
            let impatient = live.client.with { $0.retry = .none }

            _ = try await client.tasks(offset: 0, limit: 1)
            let refused = await #expect(throws: ServerError.self) { _ = try await impatient.tasks(offset: 0, limit: 1) }
            #expect(refused?.status == 429 && refused?.code == "too_many_requests" && (1...12).contains(refused?.retryAfter ?? 0))

            let started = ContinuousClock.now
            _ = try await client.tasks(offset: 0, limit: 1)
            _ = try await client.submitImagine("a quiet pond --ar 1:1")
            #expect(ContinuousClock.now - started >= .seconds(12))
        }
    }

    @Test func aFailedTaskThrowsItsCodeAndMessageAndARefusalThrowsTheServers() async throws {
        try await LiveServer.with { live in
            let client = live.client
            // Describe checks a fetch only when it runs: an image that is not there fails the task.
            let missing = "\(live.url)/midjourney/images/00000000-0000-4000-8000-000000000000.png"
            let failure = await #expect(throws: TaskFailure.self) { _ = try await client.describe(imageURL: missing) }
            #expect(failure?.state == .failed)
            #expect(failure?.code == "bad_request")
            #expect(failure?.message.isEmpty == false)

            let refused = await #expect(throws: ServerError.self) { _ = try await client.imagine("a cat --ar 9:1") }
            #expect(refused?.status == 400 && refused?.errorCode == .badRequest)
            #expect(refused?.message.contains("--ar") == true)
            #expect(refused?.traceID != nil)

            let stranger = JourneymanClient(baseURL: live.url, token: "jm_not-a-token")
            let unauthorized = await #expect(throws: ServerError.self) { _ = try await stranger.tasks() }
            #expect(unauthorized?.status == 401 && unauthorized?.code == "invalid_token")
        }
    }

    @Test func cancellingTheSwiftTaskStopsTheWaitButNotTheServersTask() async throws {
        // No workers: the task stays pending, so only cancellation can end the wait.
        try await LiveServer.with(workers: 0) { live in
            for strategy in [WaitStrategy.automatic, .polling] {
                let client = live.client.with { $0.waitStrategy = strategy }
                let submitted = try await client.submitImagine("a clock tower --ar 1:1")
                let waiting = Task { try await client.wait(for: submitted.taskID) }
                try await Task.sleep(for: .milliseconds(300))
                let cancelledAt = ContinuousClock.now
                waiting.cancel()
                await #expect(throws: CancellationError.self, "\(strategy)") { _ = try await waiting.value }
                #expect(ContinuousClock.now - cancelledAt < .seconds(2), "\(strategy)")
                #expect(try await client.task(submitted.taskID).state == .pending, "\(strategy)")
            }
        }
    }

    @Test func cancelEndsATaskAndItsWaitThrowsACancelledFailure() async throws {
        try await LiveServer.with(workers: 0) { live in
            let client = live.client
            let submitted = try await client.submitImagine("a paper boat --ar 1:1")
            let waiting = Task { try await client.wait(for: submitted.taskID) }
            try await Task.sleep(for: .milliseconds(200))
            let cancelled = try await client.cancel(submitted.taskID)
            #expect(cancelled.state == .cancelled)
            guard case .failure(let error as TaskFailure) = await waiting.result else {
                Issue.record("the wait did not throw a TaskFailure")
                return
            }
            #expect(error.state == .cancelled && error.code == "cancelled")
            let again = await #expect(throws: ServerError.self) { _ = try await client.cancel(submitted.taskID) }
            #expect(again?.status == 400)
        }
    }

    @Test func aWaitGivesUpAfterItsTimeoutWhileTheTaskGoesOn() async throws {
        try await LiveServer.with(workers: 0) { live in
            let client = live.client.with { $0.waitTimeout = .milliseconds(300) }
            let submitted = try await client.submitImagine("a slow snail --ar 1:1")
            await #expect(throws: ClientError.waitTimedOut(taskID: submitted.taskID, seconds: 0.3)) {
                _ = try await client.wait(for: submitted.taskID)
            }
            #expect(try await client.task(submitted.taskID).state == .pending)
        }
    }

    @Test func theEnvironmentConfiguresAClientAndItsAbsenceIsExplained() throws {
        let client = try JourneymanClient.fromEnvironment(environment: [
            "JOURNEYMAN_URL": "http://127.0.0.1:8080/", "JOURNEYMAN_TOKEN": "jm_x",
        ])
        #expect(client.baseURL == "http://127.0.0.1:8080")
        #expect(throws: ClientError.self) { try JourneymanClient.fromEnvironment(environment: ["JOURNEYMAN_TOKEN": "jm_x"]) }
        #expect(throws: ClientError.self) {
            try JourneymanClient.fromEnvironment(environment: ["JOURNEYMAN_URL": "ftp://x", "JOURNEYMAN_TOKEN": "t"])
        }
        #expect(throws: ClientError.self) { try JourneymanClient.fromEnvironment(environment: ["JOURNEYMAN_URL": "http://x"]) }
        #expect(
            try JourneymanClient.fromEnvironment(url: "https://api.example.com", token: "t", environment: [:]).baseURL
                == "https://api.example.com")
    }
}
