import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JourneymanCore
import JourneymanServer
import MidjourneyAPI
import NIOCore
import Synchronization
import Testing

/// A real webhook receiver: answers 503 to the first `failFirst` requests, then 200; keeps everything it got.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        let id: String
        let timestamp: Int
        let signature: String
        let body: String
        let accepted: Bool
    }

    let failFirst: Int
    let received = Mutex<[Received]>([])

    init(failFirst: Int) {
        self.failFirst = failFirst
    }

    var accepted: [Received] { received.withLock { $0.filter(\.accepted) } }
    var all: [Received] { received.withLock { $0 } }

    func application() -> some ApplicationProtocol {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            let accepted = self.received.withLock { received -> Bool in
                let accepted = received.count >= self.failFirst
                received.append(
                    Received(
                        id: request.headers[HTTPField.Name("webhook-id")!] ?? "",
                        timestamp: Int(request.headers[HTTPField.Name("webhook-timestamp")!] ?? "") ?? 0,
                        signature: request.headers[HTTPField.Name("webhook-signature")!] ?? "",
                        body: String(buffer: body),
                        accepted: accepted
                    )
                )
                return accepted
            }
            return Response(status: accepted ? .ok : .serviceUnavailable)
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}

@Suite("Webhooks, streams and events", .timeLimit(.minutes(10)))
struct DeliveryTests {
    static let fastRetries = WebhookPolicy(maxAttempts: 8, baseDelay: 0.05, maxDelay: 0.5, timeout: 5)

    func makeServer(workers: Int = 2) async throws -> TestServer {
        try await TestServer.make(workers: workers, webhooks: Self.fastRetries)
    }

    @Test func callbacksArriveSignedWithStableIDsThroughFailuresAndInOrder() async throws {
        let receiver = WebhookReceiver(failFirst: 5)
        let server = try await makeServer()
        let secret = try #require(try await server.server.store.application(id: server.applicationID)?.webhookSecret)
        try await receiver.application().test(.live) { hook in
            let url = "http://127.0.0.1:\(hook.port!)/hook"
            try await server.test { api in
                var ids: [String] = []
                for index in 0..<3 {
                    let reply = try await api.post(
                        "/midjourney/imagine", #"{"prompt":"signal \#(index) --ar 4:1","callback_url":"\#(url)"}"#,
                        headers: index == 0 ? [.accept: "application/x-ndjson"] : [:]
                    )
                    if index == 0 {
                        // ndjson + callback: the stream's last line is the finished body, and progress is POSTed too.
                        let lines = String(buffer: reply.body).split(separator: "\n")
                        let last = try JSONValue.parse(Array(lines.last!.utf8)).objectValue!
                        ids.append(try #require(last.string("task_id")))
                    } else {
                        #expect(reply.object.string("trace_id") != nil)
                        ids.append(try #require(reply.object.string("task_id")))
                    }
                }
                for id in ids { _ = try await api.waitForRecord(id) }
                let deadline = Date().addingTimeInterval(60)
                while Date() < deadline {
                    let finished = receiver.accepted.filter { $0.body.contains("\"actions\":[\"upscale1\"") }
                    if finished.count >= 3 { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                let accepted = receiver.accepted
                let finishedBodies = accepted.filter { $0.body.contains(#""raw_image_url""#) }
                #expect(
                    Set(finishedBodies.compactMap { try? JSONValue.parse(Array($0.body.utf8)).objectValue?.string("task_id") }) == Set(ids))
                for delivery in receiver.all {
                    #expect(
                        WebhookSigner.verify(
                            secret: secret, id: delivery.id, timestamp: delivery.timestamp, body: delivery.body, header: delivery.signature)
                    )
                }
                // Every refused attempt was retried with the same webhook-id, and each id was accepted exactly once.
                let refusedIDs = Set(receiver.all.filter { !$0.accepted }.map(\.id))
                let acceptedIDs = accepted.map(\.id)
                #expect(refusedIDs.isSubset(of: Set(acceptedIDs)))
                #expect(Set(acceptedIDs).count == acceptedIDs.count)

                // The first task's progress deliveries came in growing order, before its finished body.
                let firstTask = accepted.filter { $0.body.contains(ids[0]) }.compactMap {
                    try? JSONValue.parse(Array($0.body.utf8)).objectValue
                }
                let progress = firstTask.compactMap { $0.int("progress") }
                #expect(progress.count >= 2)
                #expect(progress == progress.sorted())
                #expect(firstTask.last?["raw_image_url"] != nil)

                // The receiver answers before the sender records the delivery: wait (a bounded time) for the record.
                var deliveries = try await server.server.store.deliveries(taskID: ids[1], limit: 10)
                let recordDeadline = Date().addingTimeInterval(10)
                while deliveries.first?.state != .delivered, Date() < recordDeadline {
                    try await Task.sleep(for: .milliseconds(50))
                    deliveries = try await server.server.store.deliveries(taskID: ids[1], limit: 10)
                }
                #expect(deliveries.count == 1)
                #expect(deliveries.first?.state == .delivered)
            }
        }
    }

    @Test func anNDJSONStreamGrowsLineByLineAndEndsWithTheFinishedBody() async throws {
        let server = try await makeServer()
        try await server.testLive { api in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(api.client.port!)/midjourney/imagine")
            request.method = .POST
            request.headers.add(name: "authorization", value: "Bearer \(server.token)")
            request.headers.add(name: "content-type", value: "application/json")
            request.headers.add(name: "accept", value: "application/x-ndjson")
            request.body = .bytes(ByteBuffer(string: #"{"prompt":"a river delta seen from above"}"#))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "content-type") == "application/x-ndjson")
            var pending = ""
            var lines: [JSONObject] = []
            for try await chunk in response.body {
                pending += String(buffer: chunk)
                while let newline = pending.firstIndex(of: "\n") {
                    let line = String(pending[..<newline])
                    pending = String(pending[pending.index(after: newline)...])
                    lines.append(try #require(try JSONValue.parse(Array(line.utf8)).objectValue))
                }
            }
            #expect(lines.count >= 3)
            let progress = lines.compactMap { $0.int("progress") }
            #expect(progress == progress.sorted())
            for line in lines.dropLast() {
                #expect(line["actions"] == .array([]))
                #expect(line["raw_image_url"] == nil)
            }
            #expect(lines.last?.int("progress") == 100)
            #expect(lines.last?["raw_image_url"] != nil)
        }
    }

    @Test func serverSentEventsFollowAQueuedTaskToItsFinishedRecord() async throws {
        // No workers: the task stays queued until the test cancels it, so the stream's course is certain.
        let server = try await makeServer(workers: 0)
        try await server.testLive { api in
            let id = try await api.submit(#"{"prompt":"lanterns on a lake at night"}"#)
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(api.client.port!)/midjourney/tasks/\(id)/events")
            request.headers.add(name: "authorization", value: "Bearer \(server.token)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            #expect(response.headers.first(name: "content-type") == "text/event-stream")
            var iterator = response.body.makeAsyncIterator()
            let first = String(buffer: try #require(try await iterator.next()))
            #expect(first.hasPrefix("event: state\ndata: "))
            #expect(first.contains(#""state":"pending""#))
            let cancelled = try await api.post("/midjourney/tasks", #"{"action":"cancel","id":"\#(id)"}"#)
            #expect(cancelled.status == .ok)
            var rest = ""
            while let chunk = try await iterator.next() { rest += String(buffer: chunk) }
            let events = (first + rest).components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(events.count == 2)
            #expect(events.last?.hasPrefix("event: finished\ndata: ") == true)
            let finished = try JSONValue.parse(Array(events.last!.dropFirst("event: finished\ndata: ".count).utf8)).objectValue
            #expect(finished?.string("state") == "cancelled")
            #expect(finished?.string("id") == id)

            // A finished task answers one event; another application's task answers an empty record.
            let again = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let once = String(buffer: try await again.body.collect(upTo: 1 << 22)).components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(once.count == 1)
            var foreign = HTTPClientRequest(url: request.url)
            foreign.headers.add(name: "authorization", value: "Bearer \(try await server.otherToken())")
            let hidden = try await HTTPClient.shared.execute(foreign, timeout: .seconds(30))
            #expect(String(buffer: try await hidden.body.collect(upTo: 1024)) == "event: finished\ndata: {}\n\n")
        }
    }

    @Test func serverSentEventsReportProgressOfARunningTask() async throws {
        let server = try await makeServer(workers: 1)
        try await server.testLive { api in
            let id = try await api.submit(#"{"prompt":"a harbour at dawn --ar 16:9"}"#)
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(api.client.port!)/midjourney/tasks/\(id)/events")
            request.headers.add(name: "authorization", value: "Bearer \(server.token)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            let text = String(buffer: try await response.body.collect(upTo: 1 << 22))
            let events = text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(events.last?.hasPrefix("event: finished\ndata: ") == true)
            #expect(events.last?.contains(#""state":"succeeded""#) == true)
            let progress = events.dropLast().compactMap { event -> Int? in
                guard let data = event.split(separator: "\n").last?.dropFirst("data: ".count) else { return nil }
                return (try? JSONValue.parse(Array(data.utf8)))?.objectValue?.int("progress")
            }
            #expect(progress == progress.sorted())
        }
    }

    @Test func cancellingARunningTaskStopsItAndNothingIsDeliveredAsSuccess() async throws {
        let server = try await makeServer(workers: 1)
        try await server.test { api in
            let id = try await api.submit(#"{"prompt":"something long --ar 16:9"}"#)
            // Wait until a worker holds it.
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline, try await api.retrieve(id).string("state") == "pending" {
                try await Task.sleep(for: .milliseconds(5))
            }
            let cancelled = try await api.post("/midjourney/tasks", #"{"action":"cancel","id":"\#(id)"}"#)
            if cancelled.status == .ok {
                #expect(cancelled.object.string("state") == "cancelled")
                try await Task.sleep(for: .seconds(2))
                let record = try await api.retrieve(id)
                #expect(record.string("state") == "cancelled")
                #expect(record.response()["success"] == .bool(false))
            } else {
                // The render beat the cancel: then it finished, and cancelling a finished task is a 400.
                #expect(cancelled.status == .badRequest)
                #expect(try await api.retrieve(id).string("state") == "succeeded")
            }
        }
    }
}
