import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JourneymanCore
import MidjourneyAPI
import Testing

@Suite("MidjourneyProxy callbacks", .timeLimit(.minutes(10)))
struct MidjourneyProxyCallbackTests {
    @Test func notifyHookGetsTheTaskObjectOnEveryChangeInOrderSignedAndRetried() async throws {
        let receiver = WebhookReceiver(failFirst: 2)
        let server = try await TestServer.make(webhooks: DeliveryTests.fastRetries)
        let secret = try #require(try await server.server.store.application(id: server.applicationID)?.webhookSecret)
        try await receiver.application().test(.live) { hook in
            let url = "http://127.0.0.1:\(hook.port!)/hook"
            try await server.test { api in
                let mj = ProxyClient(api: api)
                let id = try await mj.submit(
                    "/mj/submit/imagine", #"{"prompt":"a storm over the sea --ar 4:1","state":"s-1","notifyHook":"\#(url)"}"#)
                let finished = try await mj.waitForTask(id)
                #expect(finished["properties"]?.objectValue?.string("notifyHook") == url)
                let deadline = Date().addingTimeInterval(60)
                while Date() < deadline, !receiver.accepted.contains(where: { $0.body.contains(#""status":"SUCCESS""#) }) {
                    try await Task.sleep(for: .milliseconds(50))
                }
                let bodies = receiver.accepted.compactMap { try? JSONValue.parse(Array($0.body.utf8)).objectValue }
                #expect(bodies.allSatisfy { $0.string("id") == id && $0.string("state") == "s-1" })
                let statuses = bodies.compactMap { $0.string("status") }
                #expect(statuses.last == "SUCCESS")
                #expect(statuses.dropLast().allSatisfy { $0 == "IN_PROGRESS" })
                #expect(statuses.count >= 2)
                let progress = bodies.dropLast().compactMap { Int($0.string("progress")?.dropLast() ?? "") }
                #expect(progress == progress.sorted())
                #expect(bodies.last?.string("progress") == "100%")
                #expect(bodies.last?.customIDs.count == 9)
                #expect(bodies.last?.string("imageUrl") == finished.string("imageUrl"))
                for delivery in receiver.all {
                    #expect(
                        WebhookSigner.verify(
                            secret: secret, id: delivery.id, timestamp: delivery.timestamp, body: delivery.body, header: delivery.signature)
                    )
                }
                // The two refused attempts were retried with the same webhook-id, and every id was accepted once.
                let refused = receiver.all.filter { !$0.accepted }.map(\.id)
                #expect(refused.count == 2)
                #expect(Set(refused).isSubset(of: Set(receiver.accepted.map(\.id))))
                #expect(Set(receiver.accepted.map(\.id)).count == receiver.accepted.count)
                let deliveries = try await server.server.store.deliveries(taskID: try journeymanID(id), limit: 100)
                #expect(deliveries.allSatisfy { $0.format == "midjourney-proxy" })
            }
        }
    }

    @Test func aNotifyHookTheServerMayNotCallIsRefusedWithCode4() async throws {
        let server = try await TestServer.make(workers: 0) { $0.allowPrivateNetwork = false }
        try await server.test { api in
            let mj = ProxyClient(api: api)
            let reply = try await mj.post("/mj/submit/imagine", #"{"prompt":"a cat","notifyHook":"http://127.0.0.1:9/hook"}"#)
            #expect(reply.status == .ok)
            #expect(reply.object.int("code") == 4)
        }
    }
}
