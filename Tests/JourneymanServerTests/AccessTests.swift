import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JourneymanCore
import JourneymanImaging
import JourneymanServer
import MidjourneyAPI
import NIOCore
import Testing

@Suite("Access, credits and limits", .timeLimit(.minutes(10)))
struct AccessTests {
    @Test func anotherApplicationCannotReachATaskOnAnyPath() async throws {
        let server = try await TestServer.make()
        let intruder = try await server.otherToken()
        try await server.test { api in
            let reply = try await api.post("/midjourney/imagine", #"{"prompt":"private harbour --ar 4:1 --seed 5","async":true}"#)
            let id = try #require(reply.object.string("task_id"))
            let traceID = try #require(reply.object.string("trace_id"))
            let record = try await api.waitForRecord(id)
            let imageID = try #require(record.string("image_id"))
            let unknownID = UUID().uuidString.lowercased()

            for body in [#"{"action":"retrieve","id":"\#(id)"}"#, #"{"action":"retrieve","trace_id":"\#(traceID)"}"#] {
                let foreign = try await api.post("/midjourney/tasks", body, token: intruder)
                #expect(foreign.status == .ok)
                #expect(String(buffer: foreign.body) == "{}")
            }
            for body in [
                #"{"action":"retrieve_batch","ids":["\#(id)"]}"#, #"{"action":"retrieve_batch","trace_ids":["\#(traceID)"]}"#,
                #"{"action":"retrieve_batch"}"#,
            ] {
                #expect(try await api.post("/midjourney/tasks", body, token: intruder).object.int("count") == 0)
            }
            // Refusals read the same whether the task is another's or does not exist at all.
            let foreignUpscale = try await api.post(
                "/midjourney/imagine", #"{"action":"upscale1","image_id":"\#(imageID)"}"#, token: intruder)
            let unknownUpscale = try await api.post(
                "/midjourney/imagine", #"{"action":"upscale1","image_id":"1000000000000000001"}"#, token: intruder)
            #expect(foreignUpscale.status == .badRequest)
            #expect(
                foreignUpscale.object["error"]?.objectValue?.string("message")?.replacingOccurrences(of: imageID, with: "X")
                    == unknownUpscale.object["error"]?.objectValue?.string("message")?.replacingOccurrences(
                        of: "1000000000000000001", with: "X"))
            let foreignSeed = try await api.post("/midjourney/seed", #"{"image_id":"\#(imageID)"}"#, token: intruder)
            #expect(foreignSeed.status == .badRequest)
            #expect(try await api.post("/midjourney/seed", #"{"image_id":"\#(imageID)"}"#).object == ["seed": "5"])
            let foreignCancel = try await api.post("/midjourney/tasks", #"{"action":"cancel","id":"\#(id)"}"#, token: intruder)
            let unknownCancel = try await api.post("/midjourney/tasks", #"{"action":"cancel","id":"\#(unknownID)"}"#, token: intruder)
            #expect(foreignCancel.status == .badRequest)
            #expect(
                foreignCancel.object["error"]?.objectValue?.string("message")?.replacingOccurrences(of: id, with: "X")
                    == unknownCancel.object["error"]?.objectValue?.string("message")?.replacingOccurrences(of: unknownID, with: "X"))
            let events = try await api.raw(
                "/midjourney/tasks/\(id)/events", method: .get, headers: [.authorization: "Bearer \(intruder)"]
            )
            #expect(String(buffer: events.body) == "event: finished\ndata: {}\n\n")
            // The owner still sees everything.
            #expect(try await api.retrieve(id).string("state") == "succeeded")
        }
    }

    @Test func fiftyConcurrentSubmissionsAgainstCreditsForTenAcceptExactlyTen() async throws {
        let server = try await TestServer.make(workers: 0, credits: 20)
        try await server.testLive { api in
            let port = api.client.port!
            let statuses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for index in 0..<50 {
                    group.addTask {
                        let reply = try await livePost(
                            port: port, path: "/midjourney/imagine", token: server.token,
                            body: #"{"prompt":"race \#(index)","async":true}"#
                        )
                        return (reply.status.code, reply.errorCode)
                    }
                }
                var all: [(Int, String?)] = []
                for try await status in group { all.append(status) }
                return all
            }
            #expect(statuses.filter { $0.0 == 200 }.count == 10)
            #expect(statuses.filter { $0.0 == 403 && $0.1 == "used_up" }.count == 40)
            #expect(try await server.server.store.application(id: server.applicationID)?.credits == 0)
            #expect(try await server.server.store.tasks(applicationID: server.applicationID, offset: 0, limit: 100).count == 10)
        }
    }

    @Test func aCredentialOverItsRateIsToldWhenToRetry() async throws {
        let server = try await TestServer.make(workers: 0)
        let credential = try #require(try await server.server.store.credentials().first)
        #expect(try await server.server.store.setRateLimit(credentialID: credential.id, perSecond: 0.01, burst: 2))
        try await server.test { api in
            let body = #"{"action":"retrieve_batch"}"#
            #expect(try await api.post("/midjourney/tasks", body).status == .ok)
            #expect(try await api.post("/midjourney/tasks", body).status == .ok)
            let limited = try await api.post("/midjourney/tasks", body)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "too_many_requests")
            // One token a hundred seconds: the wait it names is most of that, however slowly the test ran.
            let retryAfter = try #require(limited.headers[.retryAfter].flatMap { Int($0) })
            #expect((50...100).contains(retryAfter))
        }
    }

    @Test func anApplicationBeyondItsQueueIsRefusedAndBeyondItsConcurrencyWaits() async throws {
        let server = try await TestServer.make(workers: 0) { configuration in
            configuration.taskLimits = TaskLimits(maxRunningPerApplication: 1, maxPendingPerApplication: 2)
        }
        try await server.test { api in
            let first = try await api.submit(#"{"prompt":"one"}"#)
            _ = try await api.submit(#"{"prompt":"two"}"#)
            let refused = try await api.post("/midjourney/imagine", #"{"prompt":"three","async":true}"#)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] != nil)
            #expect(refused.object["error"]?.objectValue?.string("message")?.contains("queue limit") == true)
            #expect(try await api.retrieve(first)["hold"] == .bool(true))
            let store = server.server.store
            let claimed = try await store.claimTask(
                owner: "w", now: Date().timeIntervalSince1970, leaseSeconds: 30, limits: server.server.domain.submission.limits)
            #expect(claimed?.id == first)
            let blocked = try await store.claimTask(
                owner: "w2", now: Date().timeIntervalSince1970, leaseSeconds: 30, limits: server.server.domain.submission.limits)
            #expect(blocked == nil, "the second task waits while the first runs")
        }
    }

    @Test func aPromptOnTheModerationListIsForbiddenWithoutATaskOrACharge() async throws {
        let server = try await TestServer.make(workers: 0, credits: 10) { configuration in
            configuration.moderation = ModerationList(words: ["gore", "very bad phrase"])
        }
        try await server.test { api in
            for prompt in ["Gore in the streets", "a very  bad phrase indeed --ar 3:2"] {
                let refused = try await api.post("/midjourney/imagine", #"{"prompt":"\#(prompt)","async":true}"#)
                #expect(refused.status == .forbidden)
                #expect(refused.errorCode == "forbidden")
            }
            #expect(try await api.post("/midjourney/imagine", #"{"prompt":"a gorge at sunrise","async":true}"#).status == .ok)
            #expect(try await server.server.store.application(id: server.applicationID)?.credits == 8)
            #expect(try await server.server.store.tasks(applicationID: server.applicationID, offset: 0, limit: 10).count == 1)
        }
    }

    @Test func anExpiredTokenIsInvalid() async throws {
        let server = try await TestServer.make(workers: 0)
        let expired = try await Administration(store: server.server.store).createCredential(
            name: "old", applicationID: server.applicationID, scopes: [.tasks], credits: 0, expiresAt: Date().timeIntervalSince1970 - 1
        )
        try await server.test { api in
            let reply = try await api.post("/midjourney/tasks", #"{"action":"retrieve_batch"}"#, token: expired.token)
            #expect(reply.status == .unauthorized)
            #expect(reply.errorCode == "invalid_token")
            #expect(!String(buffer: reply.body).contains(expired.token))
        }
    }

    @Test func outboundURLsIntoTheServersNetworkAreRefusedWithTheReason() async throws {
        let server = try await TestServer.make(workers: 0) { configuration in
            configuration.allowPrivateNetwork = false
        }
        try await server.test { api in
            let refusals = [
                ("/midjourney/describe", #"{"image_url":"http://127.0.0.1:8080/secret.png"}"#),
                ("/midjourney/describe", #"{"image_url":"http://169.254.169.254/latest/meta-data"}"#),
                ("/midjourney/describe", #"{"image_url":"http://localhost/x.png"}"#),
                ("/midjourney/describe", #"{"image_url":"http://[::1]/x.png"}"#),
                ("/midjourney/describe", #"{"image_url":"http://10.1.2.3/x.png","async":true}"#),
                ("/midjourney/imagine", #"{"prompt":"x","callback_url":"http://192.168.1.10/hook"}"#),
                ("/midjourney/imagine", #"{"prompt":"x","callback_url":"http://[::ffff:127.0.0.1]/hook"}"#),
            ]
            for (path, body) in refusals {
                let reply = try await api.post(path, body)
                #expect(reply.status == .badRequest, "\(body)")
                #expect(reply.object["error"]?.objectValue?.string("message")?.contains("non-public") == true, "\(body)")
            }
            let scheme = try await api.post("/midjourney/describe", #"{"image_url":"file:///etc/passwd"}"#)
            #expect(scheme.status == .badRequest)
            #expect(try await server.server.store.tasks(applicationID: server.applicationID, offset: 0, limit: 10).isEmpty)
        }
    }

    @Test func publicAndNonPublicAddressesAreToldApart() {
        for address in [
            "127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "fe80::1",
            "fd00:ec2::254", "::ffff:10.0.0.1", "::",
        ] {
            #expect(!OutboundGuard.isPublic(address), "\(address)")
        }
        for address in ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"] {
            #expect(OutboundGuard.isPublic(address), "\(address)")
        }
    }

    @Test func describeFollowsAtMostThreeRedirects() async throws {
        var image = RGBAImage(width: 64, height: 48, fill: RGBA(r: 200, g: 40, b: 40))
        image[0, 0] = RGBA(r: 0, g: 0, b: 0)
        let png = try PNG.encode(image)
        let router = Router()
        router.get("/hop/:n") { _, context -> Response in
            let n = Int(context.parameters.get("n") ?? "0") ?? 0
            if n == 0 {
                return Response(status: .ok, headers: [.contentType: "image/png"], body: .init(byteBuffer: ByteBuffer(bytes: png)))
            }
            return Response(status: .found, headers: [.location: "/hop/\(n - 1)"])
        }
        let fixture = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let server = try await TestServer.make()
        try await fixture.test(.live) { fixtureClient in
            let base = "http://127.0.0.1:\(fixtureClient.port!)"
            try await server.test { api in
                let three = try await api.post("/midjourney/describe", #"{"image_url":"\#(base)/hop/3"}"#)
                #expect(three.status == .ok, "\(String(buffer: three.body))")
                let four = try await api.post("/midjourney/describe", #"{"image_url":"\#(base)/hop/4"}"#)
                #expect(four.status == .badRequest)
                #expect(four.object["error"]?.objectValue?.string("message")?.contains("redirects more than 3") == true)
            }
        }
    }
}
