import Foundation
import JourneymanCore
import JourneymanStore
import MidjourneyAPI
import Testing

@Suite("Graceful shutdown", .serialized, .timeLimit(.minutes(10)))
struct ShutdownTests {
    @Test func aTaskStillRunningWhenTheGracePeriodEndsGoesBackToPendingAtOnce() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-sigterm-\(UUID().uuidString)").path
        let created = try await runJourneyman(["token", "create", "--name", "sigterm", "--credits", "1000", "--data", data])
        let token = try #require(created.split(separator: "\n").last.map(String.init))
        // One worker, no grace, and a lease far longer than the test: only the release can make the task pending again.
        let arguments = [
            "--workers", "1", "--shutdown-grace", "0", "--lease-seconds", "600", "--rate-limit", "10000", "--rate-burst", "10000",
        ]
        var server = try ServeProcess(data: data, port: try freePort(), arguments: arguments)
        defer { server.terminate() }
        try await server.waitUntilHealthy()
        // Twelve tasks for one worker: from the first claim to the last, one of them is always running.
        var ids: [String] = []
        for index in 0..<12 {
            let answer = try await postJSON(
                port: server.port, path: "/midjourney/imagine", token: token,
                body: #"{"prompt":"a wide mountain range at dawn, detailed \#(index) --ar 16:9","async":true}"#)
            ids.append(try #require(answer.string("task_id")))
        }
        let batch = #"{"action":"retrieve_batch","ids":["# + ids.map { "\"\($0)\"" }.joined(separator: ",") + "]}"
        // A render may end in the very moment the signal arrives (then there was nothing to release): the server is
        // started again on the same data, where the pending tasks resume, and signalled again, up to three times.
        for round in 1...3 {
            if round > 1 {
                server = try ServeProcess(data: data, port: try freePort(), arguments: arguments)
                try await server.waitUntilHealthy()
            }
            // One batch call is one snapshot: wait for a snapshot with a running task, then ask the server to stop.
            let deadline = Date().addingTimeInterval(180)
            var running: String?
            while running == nil, Date() < deadline {
                let items = try await postJSON(port: server.port, path: "/midjourney/tasks", token: token, body: batch)["items"]
                if case .array(let records) = items ?? .null {
                    running = records.compactMap(\.objectValue).first { $0.string("state") == "running" }?.string("id")
                }
                if running == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            let interrupted = try #require(running, "no task started running")
            kill(server.process.processIdentifier, SIGTERM)
            try await server.exited()
            let log = (try? String(contentsOf: server.log, encoding: .utf8)) ?? ""

            let store = try SQLiteTaskStore(path: data + "/journeyman.sqlite")
            let task = try #require(try await store.task(id: interrupted))
            for id in ids {
                let state = try await store.task(id: id)?.state
                #expect(state == .pending || state == .succeeded, "nothing is left running: \(id) is \(String(describing: state))")
            }
            if task.state == .succeeded && round < 3 { continue }
            #expect(task.state == .pending, "back to pending at once, not after the 600 s lease. Log:\n\(log)")
            #expect(task.leaseOwner == nil)
            #expect(log.contains("back to pending"))
            return
        }
    }

    @Test func aCommandAndAServerStoppedBySIGTERMCloseTheStoreLeavingAnEmptyWriteAheadLog() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-close-\(UUID().uuidString)").path
        let wal = data + "/journeyman.sqlite-wal"
        // A process that exits without closing its SQLite connections leaves the log it wrote behind, unmerged.
        let created = try await runJourneyman(["token", "create", "--name", "closing", "--credits", "100", "--data", data])
        let token = try #require(created.split(separator: "\n").last.map(String.init))
        #expect(writeAheadLogBytes(wal) == 0, "the token command closed the store")

        let server = try ServeProcess(data: data, port: try freePort(), arguments: ["--workers", "1", "--drain-seconds", "0"])
        defer { server.terminate() }
        try await server.waitUntilHealthy()
        // Synchronous, waiting as long as a render takes on a machine the other suites keep busy.
        let answer = try await livePost(
            port: server.port, path: "/midjourney/imagine", token: token, body: #"{"prompt":"a closing door","async":false}"#,
            timeout: 180
        ).object
        let id = try #require(answer.string("task_id"))
        #expect(writeAheadLogBytes(wal) > 0, "a running server writes through the log")
        kill(server.process.processIdentifier, SIGTERM)
        try await server.exited()
        let log = (try? String(contentsOf: server.log, encoding: .utf8)) ?? ""
        #expect(server.process.terminationStatus == 0, "Log:\n\(log)")
        #expect(log.contains("store, outbound clients and CPU pool closed"), "Log:\n\(log)")
        #expect(writeAheadLogBytes(wal) == 0, "the server checkpointed and closed the store. Log:\n\(log)")

        let store = try SQLiteTaskStore(path: data + "/journeyman.sqlite")
        #expect(try await store.task(id: id)?.state == .succeeded)
        await store.close()
    }
}

/// The size of an SQLite write-ahead log, 0 when there is none.
func writeAheadLogBytes(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
}
