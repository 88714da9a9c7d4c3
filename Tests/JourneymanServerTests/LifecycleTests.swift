import AsyncHTTPClient
import Foundation
import JourneymanCore
import JourneymanEngine
import JourneymanImaging
import JourneymanServer
import MidjourneyAPI
import NIOCore
import Testing

/// An engine whose renders never end on their own (they do stop when cancelled): what a hung engine looks like.
struct HangingEngine: Engine {
    var name: String { "hanging" }
    var capabilities: EngineCapabilities { EngineCapabilities() }

    func imagine(_ job: ImagineJob, progress: @escaping @Sendable (Int) -> Void) async throws -> ImagineOutput {
        progress(5)
        try await Task.sleep(for: .seconds(3600))
        throw CancellationError()
    }

    func describe(_ image: DescribeInput) async throws -> [String] {
        try await Task.sleep(for: .seconds(3600))
        return []
    }

    func shorten(_ prompt: String) throws -> [String] { [prompt] }
}

@Suite("Task lifecycle", .timeLimit(.minutes(10)))
struct LifecycleTests {
    @Test func anEngineThatHangsPastTheTaskLimitFailsTheTaskWithTimeout() async throws {
        let server = try await TestServer.make(workers: 1, credits: 2, engine: HangingEngine()) { configuration in
            configuration.taskTimeoutSeconds = 1
        }
        try await server.test { api in
            let id = try await api.submit(#"{"prompt":"never finishes"}"#)
            let record = try await api.waitForRecord(id, seconds: 30)
            #expect(record.string("state") == "failed")
            #expect(record.response()["error"]?.objectValue?.string("code") == "timeout")
            #expect(record.response()["error"]?.objectValue?.string("message")?.contains("1 seconds") == true)
            // The failed task's credits came back.
            #expect(try await server.server.store.application(id: server.applicationID)?.credits == 2)
        }
    }

    @Test func aClientThatLeavesAnNDJSONStreamDoesNotStopItsTask() async throws {
        let server = try await TestServer.make(workers: 1)
        try await server.testLive { api in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(api.client.port!)/midjourney/imagine")
            request.method = .POST
            request.headers.add(name: "authorization", value: "Bearer \(server.token)")
            request.headers.add(name: "content-type", value: "application/json")
            request.headers.add(name: "accept", value: "application/x-ndjson")
            request.body = .bytes(ByteBuffer(string: #"{"prompt":"a lighthouse left behind --ar 16:9"}"#))
            // Read the first line, then walk away: the client drops the connection when this scope ends.
            let taskID: String = try await {
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
                var iterator = response.body.makeAsyncIterator()
                let first = try #require(try await iterator.next())
                let line = String(buffer: first).split(separator: "\n").first.map(String.init) ?? ""
                return try #require(try JSONValue.parse(Array(line.utf8)).objectValue?.string("task_id"))
            }()
            let record = try await api.waitForRecord(taskID)
            #expect(record.string("state") == "succeeded")
        }
    }

    @Test func shortenAnswersUpToFiveShorterPromptsKeepingParameters() async throws {
        let server = try await TestServer.make(workers: 0)
        try await server.test { api in
            let reply = try await api.post(
                "/midjourney/shorten",
                #"{"prompt":"a very beautiful and extremely detailed lighthouse standing on a rocky cliff at dusk --ar 3:2 --seed 9"}"#
            )
            #expect(reply.status == .ok)
            guard case .array(let prompts) = reply.object["prompts"] else {
                Issue.record("no prompts in \(String(buffer: reply.body))")
                return
            }
            #expect((1...5).contains(prompts.count))
            for prompt in prompts.compactMap(\.stringValue) {
                #expect(prompt.hasSuffix("--ar 3:2 --seed 9"))
                #expect(prompt.contains("lighthouse"))
                #expect(
                    prompt.count
                        < "a very beautiful and extremely detailed lighthouse standing on a rocky cliff at dusk --ar 3:2 --seed 9".count)
            }
            let refused = try await api.post("/midjourney/shorten", #"{"prompt":"--ar 3:2"}"#)
            #expect(refused.status == .badRequest)
        }
    }
}
