import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JourneymanImaging
import JourneymanServer
import MidjourneyAPI
import MidjourneyProxyAPI
import NIOCore
import Testing

@Suite("Videos API", .timeLimit(.minutes(10)))
struct VideosAPITests {
    /// A 16:9 picture of this server: the first upscale of a grid.
    static func picture(_ api: APIClient) async throws -> JSONObject {
        let grid = try await api.imagine(#"{"prompt":"a lighthouse on a rocky coast at dusk --ar 16:9"}"#).response()
        return try await api.imagine(#"{"action":"upscale1","image_id":"\#(grid.string("image_id")!)"}"#).response()
    }

    /// Submits a video task asynchronously and waits for its record.
    static func video(_ api: APIClient, _ body: String) async throws -> JSONObject {
        let reply = try await api.post("/midjourney/videos", body)
        #expect(reply.status == .ok, "\(String(buffer: reply.body))")
        let record = try await api.waitForRecord(try #require(reply.object.string("task_id")))
        #expect(record.string("state") == "succeeded", "\(record["response"] ?? .null)")
        return record
    }

    @Test func aVideoStartsFromItsImageAndPansFourWaysAsRealH264() async throws {
        let server = try await TestServer.make(credits: 100)
        try await server.test { api in
            let picture = try await Self.picture(api)
            let source = try #require(picture.string("raw_image_url"))
            let record = try await Self.video(
                api, #"{"prompt":"waves rolling in, gulls in the wind","image_url":"\#(source)","resolution":"480p","async":true}"#)
            #expect(record.string("type") == "videos")
            let videoID = try #require(record.string("video_id"))
            #expect(record["image_id"] == nil)
            #expect(record["request"]?.objectValue?.string("action") == "generate")
            #expect(record["request"]?.objectValue?.string("mode") == "fast")
            let response = record.response()
            #expect(response["success"]?.boolValue == true)
            #expect(response.string("video_id") == videoID)
            // 480 lines, as wide as 16:9 makes them in whole macroblocks: 853 rounds to 848.
            #expect(response.int("image_width") == 848 && response.int("image_height") == 480, "\(response)")
            let cover = try PNG.decode(try await api.image(try #require(response.string("image_url"))).bytes)
            #expect(cover.width == 848 && cover.height == 480)
            let urls = (response["video_urls"]?.arrayValue ?? []).compactMap(\.stringValue)
            #expect(urls.count == 4, "\(response)")
            // generate 2 + upscale 2 + a fast video 4.
            #expect(try await server.server.store.application(id: server.applicationID)?.credits == 92)

            var lastFrames: [[UInt8]] = []
            for url in urls {
                let reply = try await api.image(url)
                #expect(reply.status == .ok)
                #expect(reply.headers[.contentType] == "video/mp4")
                #expect(reply.headers[.acceptRanges] == "bytes")
                let stream = try await FFmpeg.probe(reply.bytes)
                #expect(stream.codec == "h264" && stream.profile == "Constrained Baseline", "\(stream)")
                #expect(stream.width == 848 && stream.height == 480 && stream.frames == 120, "\(stream)")
                let frames = try await FFmpeg.rgbFrames(reply.bytes, indices: [0, 119], width: 848, height: 480)
                // What a player shows first is the cover (give or take the YUV round trip).
                let first = FFmpeg.meanDifference(rgb: frames[0], rgba: cover.pixels)
                #expect(first < 3, "the first frame differs from the cover by \(first) on average")
                #expect(FFmpeg.meanDifference(rgb: frames[1], rgba: cover.pixels) > 10, "the camera did not move")
                lastFrames.append(frames[1])
            }
            #expect(Set(lastFrames).count == 4, "the four videos end in the same picture")

            // Players fetch a video by ranges.
            let whole = try await api.image(urls[0]).bytes
            let path = String(urls[0].dropFirst(TestServer.publicURL.count))
            let part = try await api.raw(path, method: .get, headers: [.range: "bytes=100-199"])
            #expect(part.status == .partialContent)
            #expect(part.bytes == Array(whole[100..<200]))
            #expect(part.headers[.contentRange] == "bytes 100-199/\(whole.count)")
            let tail = try await api.raw(path, method: .get, headers: [.range: "bytes=-16"])
            #expect(tail.bytes == Array(whole.suffix(16)))
            let outside = try await api.raw(path, method: .get, headers: [.range: "bytes=\(whole.count)-"])
            #expect(outside.status == .rangeNotSatisfiable)
            #expect(outside.headers[.contentRange] == "bytes */\(whole.count)")
            let missing = try await api.raw("/midjourney/videos/00000000-0000-4000-8000-000000000000-v0.mp4", method: .get)
            #expect(missing.status == .notFound)
            #expect(missing.errorCode == "not_found")

            // Apps of the /mj contract see a VIDEO with its cover and videos.
            let seen = try await ProxyClient(api: api).fetch(ProxyTaskID.digits(fromUUID: try #require(record.string("id")))!)
            #expect(seen.string("action") == "VIDEO")
            #expect(seen.string("status") == "SUCCESS")
            #expect(seen.string("imageUrl") == response.string("image_url"))
            #expect((seen["videoUrls"]?.arrayValue ?? []).compactMap(\.stringValue) == urls)
        }
    }

    @Test func anExtendGoesOnFromTheLastFrameOfTheChosenVideoAndALoopEndsWhereItBegan() async throws {
        let server = try await TestServer.make(credits: 100)
        try await server.test { api in
            let source = try #require(try await Self.picture(api).string("raw_image_url"))
            let first = try await Self.video(
                api, #"{"prompt":"a slow drift over the sea","image_url":"\#(source)","resolution":"480p","mode":"turbo","async":true}"#)
            let firstURLs = (first.response()["video_urls"]?.arrayValue ?? []).compactMap(\.stringValue)
            let chosen = try await api.image(firstURLs[2]).bytes
            let lastOfChosen = try await FFmpeg.rgbFrames(chosen, indices: [119], width: 848, height: 480)[0]

            let extended = try await Self.video(
                api,
                #"{"action":"extend","video_id":"\#(try #require(first.string("video_id")))","video_index":2,"prompt":"on towards the horizon","loop":true,"resolution":"480p","async":true}"#
            )
            #expect(extended["request"]?.objectValue?.string("action") == "extend")
            #expect(extended.string("video_id") != first.string("video_id"))
            let response = extended.response()
            let cover = try PNG.decode(try await api.image(try #require(response.string("image_url"))).bytes)
            // The extension starts where video 2 ended.
            let difference = FFmpeg.meanDifference(rgb: lastOfChosen, rgba: cover.pixels)
            #expect(difference < 3, "the extension's first frame differs from the extended video's last by \(difference)")
            for url in (response["video_urls"]?.arrayValue ?? []).compactMap(\.stringValue) {
                let frames = try await FFmpeg.rgbFrames(try await api.image(url).bytes, indices: [0, 60, 119], width: 848, height: 480)
                // A loop goes out and comes back: its last frame is its first.
                #expect(frames[0] == frames[2])
                #expect(frames[0] != frames[1])
            }
            // upscale and grid 2 each, a turbo video 8, then a fast one 4.
            #expect(try await server.server.store.application(id: server.applicationID)?.credits == 84)
        }
    }

    @Test func badVideosAreRefusedInTheEnvelopeAndCostNothing() async throws {
        let server = try await TestServer.make(credits: 10)
        try await server.test { api in
            let image = "http://127.0.0.1:9/a.png"
            for (body, code, message) in [
                (#"{"image_url":"\#(image)"}"#, "bad_request", "prompt"),
                (#"{"prompt":"waves"}"#, "bad_request", "image_url"),
                (#"{"prompt":"waves","image_url":"ftp://example.com/a.png"}"#, "bad_request", "image_url"),
                (#"{"prompt":"waves","image_url":"\#(image)","mode":"relax"}"#, "bad_request", "mode"),
                (#"{"prompt":"waves","image_url":"\#(image)","resolution":"1080p"}"#, "bad_request", "resolution"),
                (#"{"prompt":"waves","image_url":"\#(image)","loop":"yes"}"#, "bad_request", "loop"),
                (#"{"action":"extend","prompt":"on"}"#, "bad_request", "video_id"),
                (#"{"action":"extend","prompt":"on","video_id":"nope"}"#, "bad_request", "unknown"),
                (#"{"action":"extend","prompt":"on","video_id":"nope","video_index":4}"#, "bad_request", "video_index"),
                (#"{"action":"remix","prompt":"on","image_url":"\#(image)"}"#, "api_not_implemented", "remix"),
            ] {
                let reply = try await api.post("/midjourney/videos", body)
                #expect(reply.status == .badRequest, "\(body) answered \(reply.status)")
                #expect(reply.errorCode == code, "\(body): \(String(buffer: reply.body))")
                let said = reply.object["error"]?.objectValue?.string("message") ?? ""
                #expect(said.contains(message), "\(body) said: \(said)")
            }
            // An image's id is no video's id.
            let grid = try await api.imagine(#"{"prompt":"a cat"}"#).response()
            let notVideo = try await api.post(
                "/midjourney/videos", #"{"action":"extend","prompt":"on","video_id":"\#(grid.string("image_id")!)"}"#)
            #expect(notVideo.status == .badRequest)
            #expect(try await server.server.store.application(id: server.applicationID)?.credits == 8)

            let wrongMethod = try await api.post("/midjourney/videos/00000000-0000-4000-8000-000000000000-v0.mp4", "{}")
            #expect(wrongMethod.status == .methodNotAllowed)
            let notAVideo = try await api.raw("/midjourney/videos/../secret.mp4", method: .get)
            #expect(notAVideo.status == .notFound)
        }
    }
}
