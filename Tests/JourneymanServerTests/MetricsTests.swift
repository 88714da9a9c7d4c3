import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JourneymanClient
import JourneymanCore
import JourneymanServer
import MidjourneyAPI
import NIOCore
import Testing

@Suite("Metrics and readiness", .timeLimit(.minutes(10)))
struct MetricsTests {
    /// Scrapes `/metrics` and parses it as the Prometheus text format.
    static func scrape(_ api: APIClient) async throws -> PrometheusText {
        let reply = try await api.raw("/metrics", method: .get)
        #expect(reply.status == .ok)
        #expect(reply.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
        return try PrometheusText(parsing: String(buffer: reply.body))
    }

    /// Scrapes until `condition` holds (a webhook's outcome is counted just after the receiver answers).
    static func scrape(_ api: APIClient, until condition: (PrometheusText) -> Bool) async throws -> PrometheusText {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let metrics = try await scrape(api)
            if condition(metrics) || ContinuousClock.now > deadline { return metrics }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test func aKnownSequenceOfRequestsAndTasksIsCountedExactly() async throws {
        let receiver = WebhookReceiver(failFirst: 1)
        let server = try await TestServer.make(workers: 1, webhooks: DeliveryTests.fastRetries)
        let store = server.server.store
        let limited = try await Administration(store: store).createCredential(
            name: "limited", applicationID: server.applicationID, scopes: Set(APIScope.allCases), credits: 0)
        #expect(try await store.setRateLimit(credentialID: limited.credential.id, perSecond: 0.001, burst: 1))
        try await receiver.application().test(.live) { hook in
            let callback = "http://127.0.0.1:\(hook.port!)/hook"
            try await server.test { api in
                // Three finished imagines: a relax one, a fast one with a callback that fails once, an upscale of the first.
                let first = try await api.post("/midjourney/imagine", #"{"prompt":"a red kite","mode":"relax"}"#)
                #expect(first.status == .ok, "\(String(buffer: first.body))")
                let imageID = try #require(first.object["image_id"]?.stringValue)
                // A callback makes the answer asynchronous; the worker runs tasks in order, so it is done before the upscale.
                #expect(try await api.post("/midjourney/imagine", #"{"prompt":"a blue boat --fast","callback_url":"\#(callback)"}"#).status == .ok)
                #expect(try await api.post("/midjourney/imagine", #"{"action":"upscale1","image_id":"\#(imageID)"}"#).status == .ok)
                // A refusal for a bad token, one for the limited token's rate, a path that does not exist.
                #expect(try await api.post("/midjourney/imagine", #"{"prompt":"x"}"#, token: "jm_wrong").status == .unauthorized)
                #expect(try await api.post("/midjourney/tasks", #"{"action":"retrieve_batch"}"#, token: limited.token).status == .ok)
                #expect(
                    try await api.post("/midjourney/tasks", #"{"action":"retrieve_batch"}"#, token: limited.token).status == .tooManyRequests)
                #expect(try await api.raw("/no/such/path/123", method: .get).status == .notFound)

                // A task that waits behind its application's running limit of 0: pending and holding.
                #expect(try await store.setLimits(applicationID: server.applicationID, maxRunning: 0, maxPending: nil))
                let waiting = try await api.submit(#"{"prompt":"a task that waits"}"#)
                let whileWaiting = try await Self.scrape(api, until: { $0.value("journeyman_webhook_deliveries_total", ["outcome": "delivered"]) == 1 })
                #expect(whileWaiting.value("journeyman_tasks", ["state": "pending"]) == 1)
                #expect(whileWaiting.value("journeyman_tasks", ["state": "holding"]) == 1)
                #expect(whileWaiting.value("journeyman_tasks", ["state": "running"]) == 0)
                #expect(try await api.post("/midjourney/tasks", #"{"action":"cancel","id":"\#(waiting)"}"#).status == .ok)

                let metrics = try await Self.scrape(api)
                let requests = "journeyman_http_requests_total"
                #expect(metrics.value(requests, ["route": "/midjourney/imagine", "method": "POST", "status": "200"]) == 4)
                #expect(metrics.value(requests, ["route": "/midjourney/imagine", "method": "POST", "status": "401"]) == 1)
                #expect(metrics.value(requests, ["route": "/midjourney/tasks", "method": "POST", "status": "200"]) == 2)
                #expect(metrics.value(requests, ["route": "/midjourney/tasks", "method": "POST", "status": "429"]) == 1)
                #expect(metrics.value(requests, ["route": "/metrics", "method": "GET", "status": "200"]) == whileWaiting.sum(requests, ["route": "/metrics"]) + 1)
                // No raw path becomes a series: the unknown path is counted under one route.
                #expect(metrics.series(requests).allSatisfy { !($0.labels["route"] ?? "").contains("123") })
                #expect(metrics.sum(requests, ["status": "404"]) == 1)

                let submitted = "journeyman_tasks_submitted_total"
                #expect(metrics.value(submitted, ["type": "imagine", "action": "generate", "mode": "relax"]) == 1)
                #expect(metrics.value(submitted, ["type": "imagine", "action": "generate", "mode": "fast"]) == 2)
                #expect(metrics.sum(submitted, ["action": "upscale1"]) == 1)
                #expect(metrics.sum(submitted) == 4)
                let finished = "journeyman_tasks_finished_total"
                #expect(metrics.value(finished, ["type": "imagine", "action": "generate", "state": "succeeded"]) == 2)
                #expect(metrics.value(finished, ["type": "imagine", "action": "upscale1", "state": "succeeded"]) == 1)
                #expect(metrics.value(finished, ["type": "imagine", "action": "generate", "state": "cancelled"]) == 1)
                // The cancelled task never started: three waits and three run times.
                #expect(metrics.sum("journeyman_task_duration_seconds_count") == 3)
                #expect(metrics.sum("journeyman_task_wait_seconds_count") == 3)
                #expect(
                    metrics.value("journeyman_task_duration_seconds_bucket", ["action": "upscale1", "le": "+Inf"])
                        == metrics.value("journeyman_task_duration_seconds_count", ["action": "upscale1"]))

                let tasks = try await store.tasks(applicationID: server.applicationID, offset: 0, limit: 100)
                #expect(metrics.value("journeyman_credits_charged_total") == Double(tasks.reduce(0) { $0 + $1.cost }))
                #expect(metrics.value("journeyman_rate_limited_total") == 1)
                #expect(metrics.value("journeyman_webhook_deliveries_total", ["outcome": "delivered"]) == 1)
                #expect(metrics.value("journeyman_webhook_deliveries_total", ["outcome": "retried"]) == 1)
                #expect(metrics.value("journeyman_webhook_deliveries_total", ["outcome": "given_up"]) == 0)
                #expect(metrics.value("journeyman_webhook_backlog") == 0)
                #expect(metrics.value("journeyman_tasks", ["state": "pending"]) == 0)
                #expect(metrics.value("journeyman_workers") == 1)
                #expect(metrics.value("journeyman_store_up") == 1)
            }
        }
        #expect(receiver.all.count == 2)
    }

    @Test func aMetricsPortTakesMetricsOffThePublicPortAndOffTurnsThemOff() async throws {
        let separate = try await TestServer.make(workers: 0) { $0.metrics = .port(0) }
        try await separate.test { (api: APIClient) async throws in
            #expect(try await api.raw("/metrics", method: .get).status == .notFound)
        }
        let off = try await TestServer.make(workers: 0) { $0.metrics = .off }
        #expect(off.server.metrics == nil)
        try await off.test { (api: APIClient) async throws in
            #expect(try await api.raw("/metrics", method: .get).status == .notFound)
            #expect(try await api.raw("/readyz", method: .get).status == .ok)
        }
    }

    @Test func readinessTurnsUnavailableWhileTheServerDrains() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { api in
            #expect(try await api.raw("/readyz", method: .get).status == .ok)
            server.server.readiness.beginDraining()
            let draining = try await api.raw("/readyz", method: .get)
            #expect(draining.status == .serviceUnavailable)
            #expect(draining.errorCode == "api_error")
            #expect(draining.object["error"]?.objectValue?.string("message") == "The server is shutting down.")
            // The process check is not readiness.
            #expect(try await api.raw("/healthz", method: .get).status == .ok)
        }
    }

    @Test func theTextFormatIsParsedWithLabelsEscapesAndSpecialValues() throws {
        let text = #"""
            # HELP a_total Things.
            # TYPE a_total counter
            a_total{route="/x",method="GET",status="200"} 3
            a_total{route="/y \"quoted\" \\ back\nslash",method="GET",status="500"} 2 1700000000000
            b_seconds_bucket{le="+Inf"} 7
            c NaN

            """#
        let parsed = try PrometheusText(parsing: text)
        #expect(parsed.samples.count == 4)
        #expect(parsed.sum("a_total") == 5)
        #expect(parsed.value("a_total", ["status": "500"]) == 2)
        #expect(parsed.series("a_total")[1].labels["route"] == "/y \"quoted\" \\ back\nslash")
        #expect(parsed.value("b_seconds_bucket", ["le": "+Inf"]) == 7)
        #expect(parsed.value("c")?.isNaN == true)
        #expect(throws: PrometheusText.SyntaxError.self) { try PrometheusText(parsing: "a{b=\"c} 1") }
        #expect(throws: PrometheusText.SyntaxError.self) { try PrometheusText(parsing: "a 1 2 3") }
        #expect(throws: PrometheusText.SyntaxError.self) { try PrometheusText(parsing: "a one") }
    }
}
