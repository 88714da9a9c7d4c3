import AsyncHTTPClient
import Foundation
import HummingbirdTesting
import JourneymanServer
import MidjourneyAPI
import NIOCore
import Synchronization
import Testing

/// `journeyman serve` as a child process on a loopback port.
final class ServeProcess {
    let process = Process()
    let port: Int
    let log: URL

    init(data: String, port: Int, arguments: [String] = []) throws {
        self.port = port
        log = URL(fileURLWithPath: data).appendingPathComponent("serve-\(port)-\(UUID().uuidString.prefix(4)).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = try journeymanExecutable()
        process.arguments = ["serve", "--data", data, "--port", String(port), "--log-level", "info"] + arguments
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// Waits until `/healthz` answers.
    func waitUntilHealthy() async throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz")
            request.method = .GET
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)), response.status == .ok { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CommandLineFailure(
            message: "journeyman serve did not become healthy: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }

    /// Waits until the process has exited, without blocking a thread of the cooperative pool.
    func exited() async throws {
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        process.waitUntilExit()
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func terminate() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

/// Ports `freePort` has handed out in this process.
private let handedOutPorts = Mutex<Set<Int>>([])

/// A free loopback port, found by binding to port 0. Tests run in parallel and bind their port a little later, and the
/// system may pick a port it picked a moment before: a port is never handed out twice in one process, so two servers of
/// this process never race for one port.
func freePort() throws -> Int {
    for _ in 0..<100 {
        let port = try systemPickedPort()
        if handedOutPorts.withLock({ $0.insert(port).inserted }) { return port }
    }
    throw CommandLineFailure(message: "no port not handed out before")
}

private func systemPickedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw CommandLineFailure(message: "no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Posts JSON to a live server; answers the body as an object.
func postJSON(port: Int, path: String, token: String, body: String) async throws -> JSONObject {
    try await livePost(port: port, path: path, token: token, body: body, timeout: 30).object
}

@Suite("Crash safety", .serialized, .timeLimit(.minutes(10)))
struct CrashTests {
    @Test func killingTheServerMidRunLosesNoTaskAndNoCallback() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-crash-\(UUID().uuidString)").path
        let created = try await runJourneyman(["token", "create", "--name", "crash", "--credits", "10000", "--data", data])
        let token = try #require(created.split(separator: "\n").last.map(String.init))
        let receiver = WebhookReceiver(failFirst: 3)
        let options = [
            "--allow-private-network", "--rate-limit", "1000", "--workers", "2", "--lease-seconds", "3", "--webhook-backoff", "0.2",
            "--webhook-timeout", "2",
        ]
        let taskCount = 200

        try await receiver.application().test(.live) { hook in
            let callback = "http://127.0.0.1:\(hook.port!)/hook"
            let first = try ServeProcess(data: data, port: try freePort(), arguments: options)
            defer { first.terminate() }
            try await first.waitUntilHealthy()
            var ids: [String] = []
            for index in 0..<taskCount {
                let reply = try await postJSON(
                    port: first.port, path: "/midjourney/imagine", token: token,
                    body: #"{"prompt":"crash test \#(index) --ar 4:1","callback_url":"\#(callback)"}"#
                )
                ids.append(try #require(reply.string("task_id"), "submission \(index): \(reply)"))
            }
            // Let some finish, then kill without warning.
            let killDeadline = Date().addingTimeInterval(120)
            while Date() < killDeadline, receiver.accepted.count < 10 {
                try await Task.sleep(for: .milliseconds(20))
            }
            first.kill9()
            let deliveredAtKill = receiver.accepted.count

            let restarted = Date()
            let second = try ServeProcess(data: data, port: try freePort(), arguments: options)
            defer { second.terminate() }
            try await second.waitUntilHealthy()
            let deadline = Date().addingTimeInterval(600)
            var unfinished = ids.count
            while Date() < deadline {
                unfinished = 0
                for chunk in stride(from: 0, to: ids.count, by: 100) {
                    let batch = ids[chunk..<min(chunk + 100, ids.count)].map { "\"\($0)\"" }.joined(separator: ",")
                    let reply = try await postJSON(
                        port: second.port, path: "/midjourney/tasks", token: token, body: #"{"action":"retrieve_batch","ids":[\#(batch)]}"#
                    )
                    if case .array(let items) = reply["items"] {
                        unfinished += items.filter { $0.objectValue?["response"] == nil }.count
                        #expect(items.count == min(100, ids.count - chunk), "every task is still there")
                    }
                }
                let callbacks = Set(
                    receiver.accepted.compactMap { try? JSONValue.parse(Array($0.body.utf8)).objectValue?.string("task_id") })
                if unfinished == 0 && callbacks.count == ids.count { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            let recovery = Date().timeIntervalSince(restarted)
            #expect(unfinished == 0)

            let accepted = receiver.accepted
            var idsByTask: [String: Set<String>] = [:]
            for delivery in accepted {
                guard let task = try? JSONValue.parse(Array(delivery.body.utf8)).objectValue?.string("task_id") else { continue }
                idsByTask[task, default: []].insert(delivery.id)
            }
            #expect(Set(idsByTask.keys) == Set(ids), "every task's callback arrived")
            // Duplicates are allowed only as retries of one delivery: one webhook-id per task.
            #expect(idsByTask.values.allSatisfy { $0.count == 1 })
            print(
                "crash test: \(taskCount) tasks, \(deliveredAtKill) callbacks delivered before the kill, "
                    + "all finished \(String(format: "%.1f", recovery)) s after the restart, "
                    + "\(receiver.all.count) webhook requests for \(accepted.count) accepted (\(accepted.count - idsByTask.count) duplicates)"
            )
        }
    }

    @Test("Killing the server while submits pour in loses no task it answered")
    func killingTheServerWhileSubmitsPourInLosesNoAnsweredTask() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("journeyman-crash-\(UUID().uuidString)").path
        let created = try await runJourneyman(["token", "create", "--name", "crash", "--credits", "1000000", "--data", data])
        let token = try #require(created.split(separator: "\n").last.map(String.init))
        // No workers: the store does nothing but take submits, many at once, so they commit in groups.
        let options = ["--workers", "0", "--rate-limit", "100000", "--rate-burst", "100000", "--app-max-pending", "0"]
        let first = try ServeProcess(data: data, port: try freePort(), arguments: options)
        defer { first.terminate() }
        try await first.waitUntilHealthy()

        let answered = AnsweredIDs()
        let port = first.port
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<16 {
                group.addTask {
                    var index = 0
                    while true {
                        index += 1
                        guard
                            let reply = try? await livePost(
                                port: port, path: "/midjourney/imagine", token: token,
                                body: #"{"prompt":"submit \#(client)-\#(index)","async":true}"#, timeout: 10)
                        else { return }  // the server is gone
                        if reply.status == .ok, let id = reply.object.string("task_id") {
                            answered.ids.withLock { $0.append(id) }
                        }
                    }
                }
            }
            let deadline = Date().addingTimeInterval(120)
            while answered.ids.withLock({ $0.count }) < 400, Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
            first.kill9()
            try await group.waitForAll()
        }
        let ids = answered.ids.withLock { $0 }
        #expect(ids.count >= 400)

        let second = try ServeProcess(data: data, port: try freePort(), arguments: options)
        defer { second.terminate() }
        try await second.waitUntilHealthy()
        var found = 0
        for chunk in stride(from: 0, to: ids.count, by: 100) {
            let batch = ids[chunk..<min(chunk + 100, ids.count)]
            let list = batch.map { "\"\($0)\"" }.joined(separator: ",")
            let reply = try await postJSON(
                port: second.port, path: "/midjourney/tasks", token: token, body: #"{"action":"retrieve_batch","ids":[\#(list)]}"#)
            if case .array(let items) = reply["items"] {
                found += items.compactMap { $0.objectValue?.string("id") }.filter(Set(batch).contains).count
            }
        }
        #expect(found == ids.count, "every task answered before the kill is stored after it")
        print("crash test: \(ids.count) submits answered before the kill, \(found) found after the restart")
    }
}

/// The task ids the server answered, shared by the clients that pour submits in.
private final class AnsweredIDs: Sendable {
    let ids = Mutex<[String]>([])
}
