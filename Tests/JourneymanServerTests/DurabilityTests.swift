import Foundation
import JourneymanServer
import MidjourneyAPI
import Testing

@Suite("Durability", .timeLimit(.minutes(10)))
struct DurabilityTests {
    @Test func aTaskAcceptedBeforeShutdownIsFinishedByTheNextServerOnTheSameData() async throws {
        let first = try await TestServer.make(workers: 0)
        let id = try await first.test { api in try await api.submit(#"{"prompt":"kept across restarts --ar 4:1"}"#) }

        let second = try await TestServer.make(workers: 1, dataDirectory: first.dataDirectory)
        try await second.server.application.test(.router) { client in
            let api = APIClient(client: client, token: first.token)
            let record = try await api.waitForRecord(id)
            #expect(record.string("state") == "succeeded")
            let raw = try await api.image(record.response().string("raw_image_url")!)
            #expect(try pngSize(raw.bytes) == (2048, 512))
        }
    }

    @Test func aTaskAbandonedByAWorkerIsClaimedAgainWhenItsLeaseLapses() async throws {
        let first = try await TestServer.make(workers: 0)
        let id = try await first.test { api in try await api.submit(#"{"prompt":"an orphan --ar 4:1"}"#) }
        // A worker that died mid-task: it claimed the task with a short lease and never came back.
        let claimed = try await first.server.store.claimTask(
            owner: "dead-worker", now: Date().timeIntervalSince1970 - 60, leaseSeconds: 1, limits: .none)
        #expect(claimed?.id == id)

        let second = try await TestServer.make(workers: 1, dataDirectory: first.dataDirectory)
        try await second.server.application.test(.router) { client in
            let record = try await APIClient(client: client, token: first.token).waitForRecord(id)
            #expect(record.string("state") == "succeeded")
        }
    }
}
