import Foundation
import JourneymanCore
import JourneymanImaging
import JourneymanServer
import JourneymanUpstream
import MidjourneyAPI
import Testing

extension ServerConfiguration {
    /// Sends every task to a midjourney-proxy upstream at `url` (`/mj/...`), with its `mj-api-secret`.
    mutating func useProxyUpstream(_ url: String, secret: String) {
        upstream = UpstreamSettings(
            kind: .midjourneyProxy, url: url, token: secret, pollInterval: .milliseconds(100), maxBackoffSeconds: 0.5)
    }
}

@Suite("Journeyman in front of a midjourney-proxy upstream", .serialized, .timeLimit(.minutes(10)))
struct UpstreamProxyTests {
    @Test("A grid and its follow-ups go through a second Journeyman's /mj contract: buttons, the region window, the seed")
    func aGridAndItsFollowUpsGoThroughTheProxyContract() async throws {
        try await RunningJourneyman.with { upstream in
            try await RunningJourneyman.with(configure: { $0.useProxyUpstream(upstream.url, secret: upstream.token) }) { front in
                let grid = try await front.imagine(#"{"prompt":"a red fox in snow --ar 3:2"}"#)
                #expect(grid.string("state") == "succeeded", "\(grid)")
                let gridImage = try #require(grid.response().string("image_id"))
                let raw = try #require(grid.response().string("raw_image_url"))
                #expect(raw.hasPrefix(front.url + "/midjourney/images/"), "the links are the front's own: \(raw)")

                let variation = try await front.imagine(#"{"action":"variation1","image_id":"\#(gridImage)"}"#)
                #expect(variation.string("state") == "succeeded", "\(variation)")
                let upscale = try await front.imagine(#"{"action":"upscale2","image_id":"\#(gridImage)"}"#)
                let upscaleImage = try #require(upscale.response().string("image_id"))
                let width = try #require(upscale.response().int("raw_image_width"))
                let height = try #require(upscale.response().int("raw_image_height"))
                #expect(width * 2 == grid.response().int("raw_image_width"))
                let mask = try PNG.encode(RGBAImage(width: width, height: height, fill: RGBA(r: 255, g: 255, b: 255)))
                let region = try await front.imagine(
                    #"{"action":"variation_region","image_id":"\#(upscaleImage)","prompt":"a fox with a scarf","mask":"\#(Data(mask).base64EncodedString())"}"#
                )
                #expect(region.string("state") == "succeeded", "\(region)")
                let zoom = try await front.imagine(#"{"action":"zoom_out_2x","image_id":"\#(upscaleImage)"}"#)
                #expect(zoom.string("state") == "succeeded", "\(zoom)")

                // Upstream: the tasks came through /mj (their accepted requests are the proxy's echoes), and each
                // follow-up names the upstream task its front parent was made by.
                let tasks = try await upstream.server.store.tasks(applicationID: upstream.applicationID, offset: 0, limit: 50)
                #expect(tasks.count == 5)
                func task(_ action: ImagineAction) -> TaskSnapshot? { tasks.first { $0.command.imagine?.action == action } }
                let upstreamGrid = try #require(task(.generate))
                let upstreamUpscale = try #require(task(.upscale2))
                #expect(upstreamGrid.acceptedRequest.contains("/imagine"), "\(upstreamGrid.acceptedRequest)")
                #expect(task(.variation1)?.command.imagine?.parentTaskID == upstreamGrid.id)
                #expect(upstreamUpscale.command.imagine?.parentTaskID == upstreamGrid.id)
                #expect(task(.zoomOut2x)?.command.imagine?.parentTaskID == upstreamUpscale.id)
                let upstreamRegion = try #require(task(.variationRegion))
                #expect(upstreamRegion.command.imagine?.parentTaskID == upstreamUpscale.id)
                #expect(upstreamRegion.command.imagine?.prompt == "a fox with a scarf", "the window took the task's own prompt")
                #expect(upstreamRegion.command.imagine?.mask == Data(mask), "the mask went through the window")

                // The seed is the upstream's, read through /mj/task/{id}/image-seed.
                let frontSeed = try await front.post("/midjourney/seed", #"{"image_id":"\#(gridImage)"}"#)
                #expect(frontSeed.status == .ok)
                #expect(frontSeed.object.string("seed") == upstreamGrid.result?.seed.map(String.init), "\(frontSeed.object)")
            }
        }
    }

    @Test("Describe and shorten go through the proxy's describe and shorten tasks")
    func describeAndShortenGoThroughTheProxy() async throws {
        try await RunningJourneyman.with { upstream in
            try await RunningJourneyman.with(configure: { $0.useProxyUpstream(upstream.url, secret: upstream.token) }) { front in
                let record = try await front.imagine(#"{"prompt":"a blue teapot on a wooden table"}"#)
                let imageURL = try #require(record.response().string("raw_image_url"))
                let described = try await front.post("/midjourney/describe", #"{"image_url":"\#(imageURL)"}"#)
                #expect(described.status == .ok, "\(String(buffer: described.body))")
                let upstreamDescribe = try #require(
                    try await upstream.server.store.tasks(applicationID: upstream.applicationID, offset: 0, limit: 50)
                        .first { $0.command.describe != nil })
                guard case .array(let descriptions)? = described.object["descriptions"] else {
                    Issue.record("no descriptions: \(described.object)")
                    return
                }
                #expect(descriptions.compactMap(\.stringValue) == upstreamDescribe.result?.descriptions, "each prompt unnumbered")

                let prompt = #"{"prompt":"a very large and quite old blue teapot on a table"}"#
                let shortened = try await front.post("/midjourney/shorten", prompt)
                let direct = try await upstream.post("/midjourney/shorten", prompt)
                #expect(shortened.status == .ok, "\(String(buffer: shortened.body))")
                #expect(shortened.object["prompts"] == direct.object["prompts"])
            }
        }
    }

    @Test("A wrong mj-api-secret marks the proxy upstream down and fails the task, its cost refunded")
    func aWrongSecretMarksTheProxyDown() async throws {
        let secret = "jm_wrong_secret_that_must_never_appear"
        let log = CapturedLog()
        try await RunningJourneyman.with { upstream in
            try await RunningJourneyman.with(logger: log.logger(), configure: { $0.useProxyUpstream(upstream.url, secret: secret) }) {
                front in
                let before = try #require(try await front.server.store.application(id: front.applicationID)?.credits)
                let record = try await front.waitForRecord(try await front.submit(#"{"prompt":"a locked gate"}"#))
                #expect(record.string("state") == "failed")
                #expect(record.response()["error"]?.objectValue?.string("message")?.contains("credentials") == true, "\(record)")
                #expect(front.upstreamEngine?.health.downReason != nil)
                let after = try #require(try await front.server.store.application(id: front.applicationID)?.credits)
                #expect(after == before)
                #expect(log.all.allSatisfy { !$0.contains(secret) })

                // Operators see it in the metrics (and `journeyman status`, which reads them).
                let metrics = String(decoding: try await front.get(front.url + "/metrics").bytes, as: UTF8.self)
                #expect(metrics.contains(#"journeyman_upstream_up{upstream="upstream",kind="midjourney-proxy"} 0"#), "\(metrics)")
                #expect(metrics.contains(#"journeyman_upstream_calls_total{upstream="upstream",purpose="error"} 1"#), "\(metrics)")

                // And administrators in the console's operate panel.
                let admin = try await Administration(store: front.server.store).createCredential(
                    name: "ops", applicationID: nil, scopes: Set(APIScope.allCases), credits: 0)
                _ = try await front.server.store.setAdministrator(applicationID: admin.application.id, administrator: true)
                let overview = try await front.get(front.url + "/console/api/overview", token: admin.token)
                let object = try JSONDecoder().decode(JSONValue.self, from: Data(overview.bytes)).objectValue
                let rows = object?["engine"]?.objectValue?["upstreams"]?.arrayValue?.compactMap(\.objectValue) ?? []
                #expect(rows.count == 1)
                #expect(rows.first?.string("kind") == "midjourney-proxy")
                #expect(rows.first?["up"] == .bool(false))
                #expect(rows.first?.string("down_reason")?.contains("401") == true, "\(rows)")
                #expect(!String(decoding: overview.bytes, as: UTF8.self).contains(secret))
                // `journeyman upstreams` exits with 1 while one is down.
                do {
                    _ = try await runJourneyman(["upstreams", "--url", front.url, "--token", admin.token])
                    Issue.record("journeyman upstreams exited 0 with its upstream down")
                } catch let failure as CommandLineFailure {
                    #expect(failure.message.contains("exited 1"), "\(failure.message)")
                }
            }
        }
    }

    @Test("A healthy proxy upstream is up in the metrics, with its calls counted by purpose")
    func aHealthyProxyUpstreamIsUpInTheMetrics() async throws {
        try await RunningJourneyman.with { upstream in
            try await RunningJourneyman.with(configure: { $0.useProxyUpstream(upstream.url, secret: upstream.token) }) { front in
                _ = try await front.imagine(#"{"prompt":"a counted lantern"}"#)
                let metrics = String(decoding: try await front.get(front.url + "/metrics").bytes, as: UTF8.self)
                #expect(metrics.contains(#"journeyman_upstream_up{upstream="upstream",kind="midjourney-proxy"} 1"#), "\(metrics)")
                #expect(metrics.contains(#"journeyman_upstream_in_flight{upstream="upstream"} 0"#), "\(metrics)")
                #expect(metrics.contains(#"journeyman_upstream_calls_total{upstream="upstream",purpose="submit"} 1"#), "\(metrics)")
                // A second scrape adds nothing that was counted already.
                let again = String(decoding: try await front.get(front.url + "/metrics").bytes, as: UTF8.self)
                #expect(again.contains(#"journeyman_upstream_calls_total{upstream="upstream",purpose="submit"} 1"#), "\(again)")

                // `journeyman upstreams`, with an administrator's token.
                let admin = try await Administration(store: front.server.store).createCredential(
                    name: "ops", applicationID: nil, scopes: Set(APIScope.allCases), credits: 0)
                _ = try await front.server.store.setAdministrator(applicationID: admin.application.id, administrator: true)
                let table = try await runJourneyman(["upstreams", "--url", front.url, "--token", admin.token])
                #expect(table.contains("UPSTREAM") && table.contains("midjourney-proxy") && table.contains("healthy"), "\(table)")
                let json = try await runJourneyman(["upstreams", "--url", front.url, "--token", admin.token, "--json"])
                #expect(json.contains(#""up":true"#) && json.contains(#""kind":"midjourney-proxy""#), "\(json)")
            }
        }
    }
}

@Suite("Journeyman in front of the open-source midjourney-proxy's shapes", .serialized, .timeLimit(.minutes(10)))
struct NovicezkUpstreamTests {
    @Test("Queue full is retried, queued is accepted, \"45%\" shows, change carries the upscale, and a banned word is forbidden")
    func theOpenSourceProxysShapesAreFollowed() async throws {
        let proxy = try NovicezkProxy()
        try await proxy.application().test(.live) { client in
            let port = try #require(client.port)
            proxy.port.withLock { $0 = port }
            try await RunningJourneyman.with(configure: { $0.useProxyUpstream("http://127.0.0.1:\(port)", secret: "mj-secret-42") }) {
                front in
                let before = try #require(try await front.server.store.application(id: front.applicationID)?.credits)
                let banned = try await front.waitForRecord(try await front.submit(#"{"prompt":"a gargoyle on a roof"}"#))
                #expect(banned.string("state") == "failed")
                #expect(banned.response()["error"]?.objectValue?.string("code") == "forbidden", "\(banned)")
                #expect(try await front.server.store.application(id: front.applicationID)?.credits == before, "refunded")

                let id = try await front.submit(#"{"prompt":"a lighthouse at dusk"}"#)
                let running = try await waitUntil("the upstream's 45% shows") {
                    let record = try await front.retrieve(id)
                    return record.int("progress") == 45 ? record : nil
                }
                #expect(running.string("state") == "running")
                proxy.finish()
                let grid = try await front.waitForRecord(id)
                #expect(grid.string("state") == "succeeded", "\(grid)")
                #expect(grid.response().int("raw_image_width") == 96)
                let imagines = proxy.all.filter { $0.path == "/mj/submit/imagine" && $0.body.string("prompt") == "a lighthouse at dusk" }
                #expect(imagines.count == 2, "23 (queue full) was retried once, 22 (queued) accepted")
                let seed = try await front.post("/midjourney/seed", #"{"image_id":"\#(grid.response().string("image_id") ?? "")"}"#)
                #expect(seed.object.string("seed") == "31337")

                let gridImage = try #require(grid.response().string("image_id"))
                let upscale = try await front.imagine(#"{"action":"upscale2","image_id":"\#(gridImage)"}"#)
                let change = try #require(proxy.all.first { $0.path == "/mj/submit/change" })
                #expect(change.body.string("action") == "UPSCALE")
                #expect(change.body["index"]?.doubleValue == 2)
                #expect(change.body.string("taskId") == "1689231405853401", "the proxy's id of the grid (its first accepted task)")

                let zoom = try await front.waitForRecord(
                    try await front.submit(#"{"action":"zoom_out_2x","image_id":"\#(upscale.response().string("image_id") ?? "")"}"#))
                #expect(zoom.string("state") == "failed")
                #expect(zoom.response()["error"]?.objectValue?.string("code") == "api_not_implemented", "\(zoom)")
                #expect(proxy.all.allSatisfy { $0.secret == "mj-secret-42" }, "every call carries the mj-api-secret")
            }
        }
    }
}
