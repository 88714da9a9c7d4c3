import Foundation
import JourneymanImaging
import JourneymanServer
import MidjourneyAPI
import Testing

@Suite("Imagine API", .timeLimit(.minutes(10)))
struct ImagineAPITests {
    @Test func aGridAndItsThumbnailDownloadAtTheSizesTheRecordStates() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let response = try await api.imagine(#"{"prompt":"a lighthouse at dusk --ar 16:9"}"#).response()
            let raw = try await api.image(try #require(response.string("raw_image_url")))
            #expect(raw.status == .ok)
            #expect(raw.headers[.contentType] == "image/png")
            #expect(raw.headers[.contentLength] == String(raw.bytes.count))
            #expect(raw.headers[.eTag] != nil)
            let rawSize = try pngSize(raw.bytes)
            #expect(rawSize == (2048, 1152))
            #expect(rawSize == (response.int("raw_image_width")!, response.int("raw_image_height")!))
            let thumbnail = try await api.image(try #require(response.string("image_url")))
            #expect(try pngSize(thumbnail.bytes) == (1024, 576))
            #expect(try pngSize(thumbnail.bytes) == (response.int("image_width")!, response.int("image_height")!))
            let byWidth = try await api.image(response.string("raw_image_url")! + "?imageMogr2/thumbnail/300x")
            #expect(try pngSize(byWidth.bytes) == (300, 169))
        }
    }

    @Test func everyActionFollowsOnlyWhereTheGraphAllows() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let grid = try await api.imagine(#"{"prompt":"a red fox in snow --ar 4:1 --seed 11"}"#).response()
            let gridImage = try #require(grid.string("image_id"))
            #expect(
                grid["actions"]
                    == .array(
                        ["upscale1", "upscale2", "upscale3", "upscale4", "reroll", "variation1", "variation2", "variation3", "variation4"]
                            .map { .string($0) }))

            let upscale = try await api.imagine(#"{"action":"upscale2","image_id":"\#(gridImage)"}"#).response()
            #expect(upscale.int("raw_image_width") == 1024)
            #expect(upscale.int("raw_image_height") == 256)
            #expect(upscale.int("image_width") == 512)
            let upscaled = try #require(upscale.string("image_id"))

            let upscaleBytes = try await api.image(upscale.string("raw_image_url")!).bytes
            let gridBytes = try await api.image(grid.string("raw_image_url")!).bytes
            #expect(try PNG.decode(upscaleBytes) == PNG.decode(gridBytes).quadrant(2))

            for action in ["variation1", "reroll"] {
                let result = try await api.imagine(#"{"action":"\#(action)","image_id":"\#(gridImage)"}"#).response()
                #expect(result.int("raw_image_width") == 2048, "\(action) gives a grid")
            }
            let twice = try await api.imagine(#"{"action":"upscale_2x","image_id":"\#(upscaled)"}"#).response()
            #expect(twice.int("raw_image_width") == 2048)
            #expect(twice.int("raw_image_height") == 512)
            #expect(twice["actions"] == .array([]))
            #expect(try pngSize(try await api.image(twice.string("raw_image_url")!).bytes) == (2048, 512))

            let pan = try await api.imagine(#"{"action":"pan_up","image_id":"\#(upscaled)"}"#).response()
            #expect(pan.int("raw_image_width") == 2048)
            #expect(pan.int("raw_image_height") == 768)

            let zoom = try await api.imagine(#"{"action":"zoom_out_2x","image_id":"\#(upscaled)"}"#).response()
            #expect(zoom.int("raw_image_width") == 2048)
            #expect(zoom.int("raw_image_height") == 512)

            let refused = try await api.post("/midjourney/imagine", #"{"action":"upscale_4x","image_id":"\#(gridImage)"}"#)
            #expect(refused.status == .badRequest)
            #expect(refused.errorCode == "bad_request")
            #expect(refused.object["error"]?.objectValue?.string("message")?.contains("upscale_4x") == true)

            let afterFinal = try await api.post("/midjourney/imagine", #"{"action":"upscale1","image_id":"\#(twice.string("image_id")!)"}"#)
            #expect(afterFinal.status == .badRequest)
        }
    }

    @Test func variationRegionRepaintsOnlyTheMaskedArea() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let grid = try await api.imagine(#"{"prompt":"green hills under a blue sky --ar 4:1"}"#).response()
            let upscale = try await api.imagine(#"{"action":"upscale1","image_id":"\#(grid.string("image_id")!)"}"#).response()
            var mask = RGBAImage(width: 1024, height: 256, fill: RGBA(r: 0, g: 0, b: 0))
            for y in 64..<192 { for x in 256..<768 { mask[x, y] = RGBA(r: 255, g: 255, b: 255) } }
            let encoded = Data(try PNG.encode(mask)).base64EncodedString()
            let region = try await api.imagine(
                #"{"action":"variation_region","image_id":"\#(upscale.string("image_id")!)","mask":"\#(encoded)"}"#
            ).response()
            let source = try PNG.decode(try await api.image(upscale.string("raw_image_url")!).bytes)
            let result = try PNG.decode(try await api.image(region.string("raw_image_url")!).bytes).quadrant(1)
            #expect(result[10, 10] == source[10, 10])
            #expect(result[1000, 250] == source[1000, 250])
            var changed = 0
            for y in stride(from: 64, to: 192, by: 8) {
                for x in stride(from: 256, to: 768, by: 8) where result[x, y] != source[x, y] { changed += 1 }
            }
            #expect(changed > 100)

            let wrongSize = Data(try PNG.encode(RGBAImage(width: 8, height: 8))).base64EncodedString()
            let refused = try await api.post(
                "/midjourney/imagine", #"{"action":"variation_region","image_id":"\#(upscale.string("image_id")!)","mask":"\#(wrongSize)"}"#
            )
            #expect(refused.status == .badRequest)
        }
    }

    @Test func splitImagesGivesTheFourQuadrants() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let response = try await api.imagine(#"{"prompt":"four seasons --ar 4:1","split_images":true}"#).response()
            guard case .array(let urls) = response["sub_image_urls"] else {
                Issue.record("no sub_image_urls")
                return
            }
            #expect(urls.count == 4)
            let grid = try PNG.decode(try await api.image(response.string("raw_image_url")!).bytes)
            for (index, url) in urls.enumerated() {
                let quadrant = try PNG.decode(try await api.image(url.stringValue!).bytes)
                #expect(quadrant == grid.quadrant(index + 1))
            }
        }
    }

    @Test func aSynchronousCallAnswersTheFinishedBody() async throws {
        let server = try await TestServer.make()
        try await server.testLive { api in
            let reply = try await livePost(
                port: api.client.port!, path: "/midjourney/imagine", token: server.token,
                body: #"{"prompt":"a paper boat --ar 4:1","timeout":170}"#
            )
            #expect(reply.status == .ok)
            #expect(reply.object["success"] == .bool(true))
            #expect(reply.object.int("progress") == 100)
            let record = try await api.retrieve(try #require(reply.object.string("task_id")))
            #expect(record["response"] == .object(reply.object))
        }
    }

    @Test func aSynchronousCallPastItsTimeoutAnswers504WhileTheTaskGoesOn() async throws {
        let server = try await TestServer.make(workers: 1)
        try await server.testLive { api in
            // One worker and four full-size grids ahead of it: the synchronous task cannot finish within a second.
            for index in 0..<4 { _ = try await api.submit(#"{"prompt":"queue filler \#(index)"}"#) }
            let reply = try await livePost(
                port: api.client.port!, path: "/midjourney/imagine", token: server.token, body: #"{"prompt":"a slow sunrise","timeout":1}"#
            )
            #expect(reply.status == .gatewayTimeout)
            #expect(reply.errorCode == "timeout")
            let listed = try await api.post("/midjourney/tasks", #"{"action":"retrieve_batch","limit":1}"#).object
            let id = try #require(
                listed["items"].flatMap { value -> String? in
                    if case .array(let items) = value { return items.first?.objectValue?.string("id") } else { return nil }
                })
            let record = try await api.waitForRecord(id)
            #expect(record.string("state") == "succeeded")
        }
    }

    @Test func seedAnswersTheSeedAnImageWasMadeWith() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let response = try await api.imagine(#"{"prompt":"a lantern --ar 4:1 --seed 1234"}"#).response()
            let seed = try await api.post("/midjourney/seed", #"{"image_id":"\#(response.string("image_id")!)"}"#)
            #expect(seed.object == ["seed": "1234"])
        }
    }
}
