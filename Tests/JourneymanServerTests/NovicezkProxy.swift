import Foundation
import HTTPTypes
import Hummingbird
import JourneymanImaging
import MidjourneyAPI
import NIOCore
import Synchronization

/// A small server of the suite that answers as the open-source midjourney-proxy (novicezk) documents: HTTP 200
/// always, outcomes in `code`; the first accepted imagine is refused with 23 (queue full), later ones queued with
/// 22; a prompt with "gargoyle" refused with 24; tasks report `"45%"` until `finish()`, then SUCCESS with an image
/// this server serves; no buttons, so follow-ups come through `/mj/submit/change`.
final class NovicezkProxy: Sendable {
    struct Arrival: Sendable {
        let path: String
        let body: JSONObject
        let secret: String
    }

    private let arrivals = Mutex<[Arrival]>([])
    private let finished = Mutex(false)
    private let nextID = Mutex(1_689_231_405_853_400)
    /// The port it listens on, once the test knows it (its image links point there).
    let port = Mutex(0)
    let image: [UInt8]

    init() throws {
        image = try PNG.encode(RGBAImage(width: 96, height: 64, fill: RGBA(r: 30, g: 90, b: 160)))
    }

    var all: [Arrival] { arrivals.withLock { $0 } }

    /// From now on, every task is SUCCESS.
    func finish() { finished.withLock { $0 = true } }

    func application() -> some ApplicationProtocol {
        let router = Router()
        router.post("/mj/submit/imagine") { request, _ -> Response in
            let body = try await self.record("/mj/submit/imagine", request)
            if body.string("prompt")?.contains("gargoyle") == true {
                return Self.json(
                    #"{"code":24,"description":"可能包含敏感词","result":null,"properties":{"promptEn":"a gargoyle","bannedWord":"gargoyle"}}"#)
            }
            let accepted = self.all.filter { $0.path == "/mj/submit/imagine" && $0.body.string("prompt")?.contains("gargoyle") != true }
            if accepted.count == 1 { return Self.json(#"{"code":23,"description":"队列已满，请稍后尝试","result":null,"properties":{}}"#) }
            return Self.json(#"{"code":22,"description":"排队中，前面还有1个任务","result":"\#(self.newID())","properties":{"numberOfQueues":1}}"#)
        }
        router.post("/mj/submit/change") { request, _ -> Response in
            _ = try await self.record("/mj/submit/change", request)
            return Self.json(#"{"code":1,"description":"提交成功","result":"\#(self.newID())","properties":{}}"#)
        }
        router.post("/mj/task/list-by-condition") { request, _ -> Response in
            let body = try await self.record("/mj/task/list-by-condition", request)
            let ids = body["ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let done = self.finished.withLock { $0 }
            let port = self.port.withLock { $0 }
            let tasks = ids.map { id in
                done
                    ? #"{"id":"\#(id)","action":"IMAGINE","status":"SUCCESS","progress":"100%","imageUrl":"http://127.0.0.1:\#(port)/attachments/\#(id).png","failReason":null,"properties":{}}"#
                    : #"{"id":"\#(id)","action":"IMAGINE","status":"IN_PROGRESS","progress":"45%","imageUrl":null,"failReason":null,"properties":{}}"#
            }
            return Self.json("[" + tasks.joined(separator: ",") + "]")
        }
        router.get("/mj/task/:id/image-seed") { _, _ -> Response in
            Self.json(#"{"code":1,"description":"成功","result":"31337"}"#)
        }
        router.get("/attachments/:name") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "image/png"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: self.image)))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    private func newID() -> String {
        nextID.withLock { id in
            id += 1
            return String(id)
        }
    }

    /// Records an arrival with its JSON body and its `mj-api-secret`.
    private func record(_ path: String, _ request: Request) async throws -> JSONObject {
        var request = request
        let bytes = Array(buffer: try await request.collectBody(upTo: 1 << 20))
        let body = (try? JSONValue.parse(bytes))?.objectValue ?? JSONObject()
        let secret = request.headers[HTTPField.Name("mj-api-secret")!] ?? ""
        arrivals.withLock { $0.append(Arrival(path: path, body: body, secret: secret)) }
        return body
    }

    private static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
