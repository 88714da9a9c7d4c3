import Foundation
import Hummingbird
import HummingbirdTesting
import JourneymanImaging
import JourneymanServer
import MidjourneyAPI
import MidjourneyProxyAPI
import NIOCore
import Testing

@Suite("Edits API", .timeLimit(.minutes(10)))
struct EditsAPITests {
    /// A 1024×256 mask, white in its middle (x 256..<768, y 64..<192), black elsewhere.
    static func middleMask() throws -> String {
        var mask = RGBAImage(width: 1024, height: 256, fill: RGBA(r: 0, g: 0, b: 0))
        for y in 64..<192 { for x in 256..<768 { mask[x, y] = RGBA(r: 255, g: 255, b: 255) } }
        return Data(try PNG.encode(mask)).base64EncodedString()
    }

    @Test func anEditRepaintsOnlyWhereTheMaskIsWhiteInFourPictures() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let grid = try await api.imagine(#"{"prompt":"a harbour at noon --ar 4:1"}"#).response()
            let upscale = try await api.imagine(#"{"action":"upscale1","image_id":"\#(grid.string("image_id")!)"}"#).response()
            let sourceURL = try #require(upscale.string("raw_image_url"))
            let reply = try await api.post(
                "/midjourney/edits",
                #"{"image_url":"\#(sourceURL)","prompt":"a red hot air balloon","mask":"\#(try Self.middleMask())","split_images":true}"#)
            #expect(reply.status == .ok, "\(String(buffer: reply.body))")
            let edited = reply.object
            #expect(edited["success"]?.boolValue == true)
            #expect(edited.string("image_id")?.isEmpty == false)
            #expect(
                edited["actions"]
                    == .array(["upscale1", "upscale2", "upscale3", "upscale4", "variation1", "variation2", "variation3", "variation4"]))
            guard case .array(let quadrants) = edited["sub_image_urls"] else {
                Issue.record("no sub_image_urls in \(String(buffer: reply.body))")
                return
            }
            #expect(quadrants.count == 4)
            #expect(edited.int("raw_image_width") == 2048)
            #expect(edited.int("raw_image_height") == 512)

            let source = try PNG.decode(try await api.image(sourceURL).bytes)
            var pictures: [RGBAImage] = []
            for url in quadrants { pictures.append(try PNG.decode(try await api.image(try #require(url.stringValue)).bytes)) }
            for picture in pictures {
                #expect(picture.width == 1024 && picture.height == 256)
                // Black in the mask: the source, pixel for pixel.
                for (x, y) in [(10, 10), (1000, 250), (100, 128), (900, 30), (512, 20), (512, 230)] {
                    #expect(picture[x, y] == source[x, y])
                }
                var changed = 0
                for y in stride(from: 64, to: 192, by: 8) {
                    for x in stride(from: 256, to: 768, by: 8) where picture[x, y] != source[x, y] { changed += 1 }
                }
                #expect(changed > 300, "only \(changed) of 1024 sampled pixels of the white region changed")
            }
            #expect(Set(pictures.map(\.pixels)).count == 4, "the four edits are not four different pictures")

            let record = try await api.retrieve(try #require(edited.string("task_id")))
            #expect(record.string("type") == "edits")
            #expect(record.string("image_id") == edited.string("image_id"))
            #expect(record.response() == edited)
            #expect(record["request"]?.objectValue?.string("prompt") == "a red hot air balloon")
            #expect(record["request"]?.objectValue?.string("mode") == "fast")
        }
    }

    @Test func anEditsGridIsFollowedUpLikeAGridButNotRerolled() async throws {
        let server = try await TestServer.make(credits: 100)
        try await server.test { api in
            let grid = try await api.imagine(#"{"prompt":"a quiet street --ar 4:1"}"#).response()
            let reply = try await api.post(
                "/midjourney/edits",
                #"{"image_url":"\#(grid.string("raw_image_url")!)","prompt":"snow falling","mode":"relax","async":true}"#)
            #expect(reply.status == .ok)
            let record = try await api.waitForRecord(try #require(reply.object.string("task_id")))
            #expect(record.string("state") == "succeeded", "\(record)")
            // The 2048×512 grid, scaled to 1024×256 and edited whole (no mask): a grid of four pictures of that size.
            let edited = record.response()
            #expect(edited.int("raw_image_width") == 2048)
            #expect(edited.int("raw_image_height") == 512)
            // generate 2 + relax edit 1.
            #expect(try await server.server.store.application(id: server.applicationID)?.credits == 97)

            let imageID = try #require(edited.string("image_id"))
            let upscale = try await api.imagine(#"{"action":"upscale2","image_id":"\#(imageID)"}"#).response()
            let picture = try PNG.decode(try await api.image(upscale.string("raw_image_url")!).bytes)
            let editedGrid = try PNG.decode(try await api.image(edited.string("raw_image_url")!).bytes)
            #expect(picture == editedGrid.quadrant(2))
            let variation = try await api.imagine(#"{"action":"variation3","image_id":"\#(imageID)"}"#)
            #expect(variation.string("state") == "succeeded")

            let reroll = try await api.post("/midjourney/imagine", #"{"action":"reroll","image_id":"\#(imageID)"}"#)
            #expect(reroll.status == .badRequest)
            #expect(reroll.object["error"]?.objectValue?.string("message")?.contains("cannot follow 'edit'") == true)

            // Apps of the /mj contract see it as an EDIT with the buttons of the actions that may follow it.
            let mj = ProxyClient(api: api)
            let seen = try await mj.fetch(ProxyTaskID.digits(fromUUID: try #require(edited.string("task_id")))!)
            #expect(seen.string("action") == "EDIT")
            #expect(seen.string("status") == "SUCCESS")
            #expect(seen.string("imageUrl") == edited.string("raw_image_url"))
            let buttons = (seen["buttons"]?.arrayValue ?? []).compactMap { $0.objectValue?.string("label") }
            #expect(buttons == ["U1", "U2", "U3", "U4", "V1", "V2", "V3", "V4"], "\(seen["buttons"] ?? .null)")
        }
    }

    @Test func badEditsAreRefusedInTheEnvelopeAndCostNothing() async throws {
        let router = Router()
        router.get("/missing.png") { _, _ in Response(status: .notFound) }
        let fixture = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let server = try await TestServer.make(credits: 10)
        try await fixture.test(.live) { fixtureClient in
            let base = "http://127.0.0.1:\(fixtureClient.port!)"
            try await server.test { api in
                let notPNG = Data("not a png".utf8).base64EncodedString()
                for (body, message) in [
                    (#"{"prompt":"a cat"}"#, "image_url"),
                    (#"{"image_url":"\#(base)/a.png"}"#, "prompt"),
                    (#"{"image_url":"\#(base)/a.png","prompt":"   "}"#, "prompt"),
                    (#"{"image_url":"ftp://example.com/a.png","prompt":"a cat"}"#, "image_url"),
                    (#"{"image_url":"\#(base)/a.png","prompt":"a cat","mode":"slow"}"#, "mode"),
                    (#"{"image_url":"\#(base)/a.png","prompt":"a cat","mask":"\#(notPNG)"}"#, "mask"),
                    (#"{"image_url":"\#(base)/a.png","prompt":"a cat","split_images":"yes"}"#, "split_images"),
                ] {
                    let reply = try await api.post("/midjourney/edits", body)
                    #expect(reply.status == .badRequest, "\(body) answered \(reply.status)")
                    #expect(reply.errorCode == "bad_request", "\(body)")
                    let said = reply.object["error"]?.objectValue?.string("message") ?? ""
                    #expect(said.contains(message), "\(body) said: \(said)")
                }
                #expect(try await server.server.store.application(id: server.applicationID)?.credits == 10)

                // An image that cannot be fetched fails the task as a bad request; a failed task is refunded.
                let missing = try await api.post("/midjourney/edits", #"{"image_url":"\#(base)/missing.png","prompt":"a cat"}"#)
                #expect(missing.status == .badRequest)
                #expect(missing.errorCode == "bad_request")
                #expect(missing.object["error"]?.objectValue?.string("message")?.contains("404") == true)
                #expect(try await server.server.store.application(id: server.applicationID)?.credits == 10)
            }
        }
    }
}
