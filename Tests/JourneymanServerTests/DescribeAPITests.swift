import Foundation
import Hummingbird
import HummingbirdTesting
import JourneymanImaging
import JourneymanServer
import MidjourneyAPI
import NIOCore
import Testing

@Suite("Describe API", .timeLimit(.minutes(10)))
struct DescribeAPITests {
    @Test func describingOneOfOurOwnImagesGivesFourDescriptionsWithItsRatio() async throws {
        let server = try await TestServer.make()
        try await server.test { api in
            let grid = try await api.imagine(#"{"prompt":"a lighthouse at dusk --ar 16:9"}"#).response()
            let reply = try await api.post("/midjourney/describe", #"{"image_url":"\#(grid.string("raw_image_url")!)"}"#)
            #expect(reply.status == .ok)
            guard case .array(let descriptions) = reply.object["descriptions"] else {
                Issue.record("no descriptions in \(String(buffer: reply.body))")
                return
            }
            #expect(descriptions.count == 4)
            #expect(Set(descriptions.compactMap(\.stringValue)).count == 4)
            for description in descriptions { #expect(description.stringValue?.hasSuffix("--ar 16:9") == true) }
            let record = try await api.retrieve(try #require(reply.object.string("task_id")))
            #expect(record.string("type") == "describe")
            #expect(record["image_id"] == nil)
            #expect(record.response() == reply.object)
        }
    }

    @Test func aJPEGServedOverHTTPIsFetchedAndDescribed() async throws {
        // A real HTTP server on a loopback port serves a 451×300 JPEG.
        var image = RGBAImage(width: 451, height: 300, fill: RGBA(r: 30, g: 60, b: 160))
        for y in 150..<300 { for x in 0..<451 { image[x, y] = RGBA(r: 200, g: 170, b: 90) } }
        let jpeg = try JPEG.encode(image)
        let router = Router()
        router.get("/photo.jpg") { _, _ in
            Response(status: .ok, headers: [.contentType: "image/jpeg"], body: .init(byteBuffer: ByteBuffer(bytes: jpeg)))
        }
        router.get("/missing.jpg") { _, _ in Response(status: .notFound) }
        router.get("/text.jpg") { _, _ in Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "not an image"))) }
        let fixture = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let server = try await TestServer.make()
        try await fixture.test(.live) { fixtureClient in
            let base = "http://127.0.0.1:\(fixtureClient.port!)"
            try await server.test { api in
                let reply = try await api.post("/midjourney/describe", #"{"image_url":"\#(base)/photo.jpg"}"#)
                #expect(reply.status == .ok, "\(String(buffer: reply.body))")
                guard case .array(let descriptions) = reply.object["descriptions"] else { return }
                for description in descriptions { #expect(description.stringValue?.hasSuffix("--ar 3:2") == true) }

                let missing = try await api.post("/midjourney/describe", #"{"image_url":"\#(base)/missing.jpg"}"#)
                #expect(missing.status == .badRequest)
                #expect(missing.errorCode == "bad_request")
                #expect(missing.object["error"]?.objectValue?.string("message")?.contains("404") == true)

                let text = try await api.post("/midjourney/describe", #"{"image_url":"\#(base)/text.jpg","async":true}"#)
                let record = try await api.waitForRecord(try #require(text.object.string("task_id")))
                #expect(record.string("state") == "failed")
                #expect(record.response()["error"]?.objectValue?.string("code") == "bad_request")
            }
        }
    }
}
