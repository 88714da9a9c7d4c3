import Foundation
import JourneymanCore
import JourneymanServer
import JourneymanUpstream
import MidjourneyAPI
import Testing

extension ServerConfiguration {
    /// Sends tasks to several upstreams (loopback servers), polling each every 100 ms.
    mutating func useUpstreams(_ upstreams: [(name: String, url: String, token: String, maxRunning: Int?)], breakerFailures: Int = 3) {
        self.upstreams = upstreams.map { upstream in
            var settings = UpstreamSettings(
                name: upstream.name, url: upstream.url, token: upstream.token, pollInterval: .milliseconds(100), maxBackoffSeconds: 0.3)
            settings.maxRunning = upstream.maxRunning
            settings.breakerFailures = breakerFailures
            // Longer than any test: an opened circuit stays open while the test looks at it.
            settings.breakerProbeSeconds = 600
            return settings
        }
    }
}

@Suite("Journeyman in front of several upstreams", .serialized, .timeLimit(.minutes(10)))
struct UpstreamRouterTests {
    @Test("Several upstreams share the tasks, each within its max_running, and a follow-up goes where its source was made")
    func severalUpstreamsShareTheTasksWithinTheirLimits() async throws {
        try await RunningJourneyman.with { north in
            try await RunningJourneyman.with { south in
                let upstreams = [
                    (name: "north", url: north.url, token: north.token, maxRunning: Optional(1)),
                    (name: "south", url: south.url, token: south.token, maxRunning: Optional(1)),
                ]
                try await RunningJourneyman.with(workers: 4, configure: { $0.useUpstreams(upstreams) }) { front in
                    let ids = try await withThrowingTaskGroup(of: String.self) { group in
                        for index in 0..<4 { group.addTask { try await front.submit(#"{"prompt":"a shared harbour \#(index)"}"#) } }
                        return try await group.reduce(into: []) { $0.append($1) }
                    }
                    // Two places for four tasks: two wait, each counted at both upstreams (either could take it).
                    let reporting = try #require(front.server.engine as? any UpstreamReporting)
                    let mostWaiting = try await waitUntil("tasks waiting for a place", seconds: 60) { () -> Int? in
                        let waiting = await reporting.upstreamReadings().map(\.waiting)
                        return waiting.allSatisfy({ $0 >= 1 }) ? waiting.min() : nil
                    }
                    #expect(mostWaiting <= 2)
                    for id in ids {
                        #expect(try await front.waitForRecord(id).string("state") == "succeeded")
                    }
                    #expect(await reporting.upstreamReadings().map(\.waiting) == [0, 0], "nothing waits once all have run")
                    let northTasks = try await north.server.store.tasks(applicationID: north.applicationID, offset: 0, limit: 50)
                    let southTasks = try await south.server.store.tasks(applicationID: south.applicationID, offset: 0, limit: 50)
                    #expect(northTasks.count + southTasks.count == 4)
                    #expect(!northTasks.isEmpty && !southTasks.isEmpty, "both took tasks: \(northTasks.count) and \(southTasks.count)")
                    // max_running 1: an upstream never ran two of the front's tasks at once.
                    for tasks in [northTasks, southTasks] {
                        let runs = tasks.compactMap { task in task.startedAt.flatMap { start in task.finishedAt.map { (start, $0) } } }
                            .sorted { $0.0 < $1.0 }
                        #expect(runs.count == tasks.count)
                        for (earlier, later) in zip(runs, runs.dropFirst()) {
                            #expect(later.0 >= earlier.1, "a task started upstream before the one before it had finished")
                        }
                    }

                    // The follow-up of a grid goes to the upstream that made the grid.
                    let grid = try await front.waitForRecord(ids[0])
                    let madeByNorth =
                        try await front.server.store.task(id: ids[0])?.result?.lineage?.contains(#""upstream":"north""#) == true
                    _ = try await front.imagine(#"{"action":"upscale1","image_id":"\#(grid.response().string("image_id") ?? "")"}"#)
                    let maker = madeByNorth ? north : south
                    let upscales = try await maker.server.store.tasks(applicationID: maker.applicationID, offset: 0, limit: 50)
                        .filter { $0.command.imagine?.action == .upscale1 }
                    #expect(upscales.count == 1, "the upscale went to \(madeByNorth ? "north" : "south"), which made the grid")

                    let readings = try #require(front.server.engine as? any UpstreamReporting)
                    #expect(await readings.upstreamReadings().map(\.name) == ["north", "south"])
                }
            }
        }
    }

    @Test("A stopped upstream's new tasks fail over to the other, and its circuit opens after repeated failures")
    func aStoppedUpstreamsTasksFailOver() async throws {
        let stopped = try freePort()  // nothing listens there: a provider that is down
        try await RunningJourneyman.with { south in
            let upstreams = [
                (name: "north", url: "http://127.0.0.1:\(stopped)", token: "jm_unused", maxRunning: Int?.none),
                (name: "south", url: south.url, token: south.token, maxRunning: Int?.none),
            ]
            let log = CapturedLog()
            try await RunningJourneyman.with(logger: log.logger(), configure: { $0.useUpstreams(upstreams, breakerFailures: 2) }) { front in
                var states: [String?] = []
                for index in 0..<3 {
                    let record = try await front.waitForRecord(try await front.submit(#"{"prompt":"a failed-over lighthouse \#(index)"}"#))
                    states.append(record.string("state"))
                }
                #expect(states == ["succeeded", "succeeded", "succeeded"], "every task was made by the upstream that runs")
                let southTasks = try await south.server.store.tasks(applicationID: south.applicationID, offset: 0, limit: 50)
                #expect(southTasks.count == 3)
                let readings = try #require(front.server.engine as? any UpstreamReporting)
                let north = try #require(await readings.upstreamReadings().first { $0.name == "north" })
                #expect(north.downReason?.contains("circuit open") == true, "\(north)")
                #expect(log.all.contains { $0.contains("failing over") })
                #expect(log.all.contains { $0.contains("circuit opened") })
            }
        }
    }
}

@Suite("The --upstreams file", .timeLimit(.minutes(2)))
struct UpstreamFileTests {
    @Test func aFileListsUpstreamsWithTheirTokensFromTheEnvironment() throws {
        let text = """
            [{"name": "main", "url": "https://api.example/", "token_env": "MAIN_TOKEN", "weight": 3, "max_running": 20, "modes": ["fast", "turbo"]},
             {"name": "proxy", "kind": "midjourney-proxy", "url": "http://10.0.0.5:8080", "token": "s3cret", "poll_interval": 1.5,
              "breaker_failures": 5, "breaker_probe_seconds": 60}]
            """
        let upstreams = try UpstreamFile.parse(Data(text.utf8), environment: ["MAIN_TOKEN": "jm_main"])
        #expect(upstreams.map(\.name) == ["main", "proxy"])
        #expect(upstreams[0].token == "jm_main")
        #expect(upstreams[0].url == "https://api.example")
        #expect(upstreams[0].weight == 3)
        #expect(upstreams[0].maxRunning == 20)
        #expect(upstreams[0].modes == ["fast", "turbo"])
        #expect(upstreams[1].kind == .midjourneyProxy)
        #expect(upstreams[1].pollInterval == .milliseconds(1500))
        #expect(upstreams[1].breakerFailures == 5)
        #expect(upstreams[1].breakerProbeSeconds == 60)
        #expect(!"\(upstreams)".contains("s3cret"), "descriptions never show a token")
    }

    @Test(arguments: [
        (#"{"name":"x"}"#, "JSON list"),
        ("[]", "no upstream"),
        (#"[{"url":"https://a"}]"#, "'name' is required"),
        (#"[{"name":"a","url":"ftp://a","token":"t"}]"#, "'url'"),
        (#"[{"name":"a","url":"https://a"}]"#, "'token' or 'token_env'"),
        (#"[{"name":"a","url":"https://a","token_env":"NOPE"}]"#, "NOPE"),
        (#"[{"name":"a","url":"https://a","token":"t","weight":0}]"#, "'weight'"),
        (#"[{"name":"a","url":"https://a","token":"t","max_running":0}]"#, "'max_running'"),
        (#"[{"name":"a","url":"https://a","token":"t","modes":["slow"]}]"#, "'modes'"),
        (#"[{"name":"a","url":"https://a","token":"t","kind":"other"}]"#, "'kind'"),
        (#"[{"name":"a","url":"https://a","token":"t","colour":"red"}]"#, "unknown field 'colour'"),
        (#"[{"name":"a","url":"https://a","token":"t"},{"name":"a","url":"https://b","token":"t"}]"#, "used twice"),
    ])
    func aBadFileIsRefusedSayingWhat(_ text: String, _ complaint: String) {
        do {
            _ = try UpstreamFile.parse(Data(text.utf8), environment: [:])
            Issue.record("accepted: \(text)")
        } catch {
            #expect("\(error)".contains(complaint), "\(error)")
        }
    }
}
